/**
 * End-to-end test of the viewer in real headless Chromium (playwright-core + Debian chromium):
 * writes report.html for a hand-written results folder (test/viz/fixture.ts) with writeReport, opens
 * it from file://, and checks every chart, the controls, figure export, hostile strings and layout.
 * Skipped (with a message) only when no chromium binary exists; `.ci/run` installs it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewerTemplatePath, writeReport } from '../../src/export/report.js';
import { serveResults } from '../../src/export/serve.js';
import { ARTIFACTS, ensureViewer, haveChromium, launchBrowser, warnIfNoChromium } from './browser.js';
import {
  ADVERSARIES,
  ARTICLE_DIFFERENCES,
  DESIGNS,
  type Fixture,
  makeFixture,
  SWEEP_VALUES,
  TITLE,
  XSS,
} from './fixture.js';

// Browser globals used inside page.evaluate callbacks (they run in Chromium; the root tsconfig has no DOM lib).
interface XmlDoc {
  getElementsByTagName(name: string): { length: number };
  querySelectorAll(sel: string): { length: number };
  documentElement: { nodeName: string; namespaceURI: string | null; getAttribute(name: string): string | null };
}
declare const DOMParser: new () => { parseFromString(text: string, type: string): XmlDoc };
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

warnIfNoChromium('viewer browser tests');

interface Watch {
  errors: string[];
  dialogs: string[];
  external: string[];
}

describe.skipIf(!haveChromium)('viewer report.html in headless chromium', () => {
  let tmp: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let fx: Fixture;
  let reportUrl: string;
  let ctx: BrowserContext;

  beforeAll(async () => {
    await ensureViewer();
    tmp = mkdtempSync(join(tmpdir(), 'anonsim-viz-'));
    fx = makeFixture(join(tmp, 'results'));
    const path = await writeReport(fx.dir, fx.files, { timelines: fx.timelines, title: TITLE });
    expect(path).toBe(join(fx.dir, 'report.html'));
    reportUrl = pathToFileURL(path).href;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
    ctx = browser.ctx;
  });

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function open(url: string, size = { width: 1280, height: 800 }): Promise<{ page: Page; watch: Watch }> {
    const page = await ctx.newPage();
    await page.setViewportSize(size);
    const watch: Watch = { errors: [], dialogs: [], external: [] };
    page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') watch.errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      watch.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url()) && !r.url().startsWith(url)) watch.external.push(r.url());
    });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    return { page, watch };
  }

  function clean(watch: Watch): void {
    expect(watch.errors).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    expect(watch.external).toEqual([]);
  }

  const count = (page: Page, sel: string) => page.locator(sel).count();
  const [first, second] = ADVERSARIES;

  it('renders every chart with as many marks as the CSVs have rows', async () => {
    const { page, watch } = await open(reportUrl);
    const designs = DESIGNS.length;
    // a. one bar (and one whisker) per aggregate row of the first sweep cell; a baseline per design and adversary.
    const perCell = fx.aggregateRows / SWEEP_VALUES.length;
    expect(await count(page, 'svg#overview rect.bar')).toBe(perCell);
    expect(await count(page, 'svg#overview path.whisker')).toBe(perCell);
    expect(await count(page, 'svg#overview line.baseline')).toBe(designs * ADVERSARIES.length);
    expect(await page.locator('svg#overview .axis-y .tick').count()).toBeGreaterThan(2);
    // b. one point per design and swept value, one band per design.
    expect(await count(page, 'svg#sweep circle.pt')).toBe(designs * SWEEP_VALUES.length);
    expect(await count(page, 'svg#sweep path.band')).toBe(designs);
    // c. every exposure.csv row is a cell; the article's grade appears where it differs.
    expect(await count(page, 'svg#exposure rect.cell')).toBe(designs * 6);
    expect(await count(page, 'svg#exposure text.article-grade')).toBe(ARTICLE_DIFFERENCES);
    expect(await count(page, 'svg#exposure rect.cell[data-grade="X"]')).toBeGreaterThan(0);
    // Input rows (a model parameter passed through) are marked: one per design.
    expect(await count(page, 'svg#exposure rect.cell.input')).toBe(designs);
    expect(await count(page, 'svg#exposure text.cell-input')).toBe(designs);
    // d. heat map of the first design × adversary × attack.
    const sel = fx.pairs.filter((p) => p.design === DESIGNS[0] && p.adversary === first && p.attack === 'timing');
    expect(await count(page, 'svg#heatmap rect.cell')).toBe(sel.length);
    expect(await count(page, 'svg#heatmap circle.true')).toBe(sel.filter((p) => p.is_true).length);
    // e. one ROC curve per design (roc.csv); the legend sets its area beside summary's pair_auc.
    expect(await count(page, 'svg#roc path.roc')).toBe(designs);
    expect(await page.locator('svg#roc .legend').first().textContent()).toMatch(/area [\d.]+ = pair_auc [\d.]+/);
    // f, i. one CDF per design.
    expect(await count(page, 'svg#anoncdf path.cdf')).toBe(designs);
    expect(await count(page, 'svg#ttfd path.ttfd')).toBe(designs);
    // g. one point per design × sweep cell in each of the two cost panels; no rates, so no trilemma points.
    expect(await count(page, 'svg#tradeoff g.panel-latency circle.pt')).toBe(designs * SWEEP_VALUES.length);
    expect(await count(page, 'svg#tradeoff g.panel-bytes circle.pt')).toBe(designs * SWEEP_VALUES.length);
    expect(await count(page, 'svg#tradeoff g.panel-trilemma circle.pt')).toBe(0);
    // h. one arrow (and table row) per hop of the first timeline.
    expect(await count(page, 'svg#timeline line.hop')).toBe(fx.timelines[0].hops.length);
    expect(await count(page, 'table.hop-table tbody tr')).toBe(fx.timelines[0].hops.length);
    expect(await count(page, 'svg#timeline line.hop.observed')).toBe(fx.timelines[0].hops.length);
    // Every chart has a caption and two export buttons.
    expect(await count(page, 'section.chart p.caption')).toBe(11);
    expect(await count(page, 'button.export-svg')).toBe(11);
    expect(await count(page, 'button.export-png')).toBe(11);
    // Results without correlation.csv and candidates.csv say so.
    expect(await page.locator('svg#correlation text.note').textContent()).toMatch(/No correlation\.csv/);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-1280x800-full.png'), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-1280x800-viewport.png') });
    clean(watch);
    await page.close();
  });

  it('redraws when a selector changes', async () => {
    const { page, watch } = await open(reportUrl);
    const yLabel = () => page.locator('svg#overview .axis-label').first().textContent();
    expect(await yLabel()).toMatch(/top-1/);
    await page.selectOption('#sel-metric', 'anonymity_set');
    expect(await yLabel()).toMatch(/anonymity set/);
    expect(await count(page, 'svg#overview rect.bar')).toBe(fx.aggregateRows / SWEEP_VALUES.length);

    await page.selectOption('#sel-adversary', second);
    const sel = fx.pairs.filter((p) => p.design === DESIGNS[0] && p.adversary === second && p.attack === 'timing');
    expect(await count(page, 'svg#heatmap rect.cell')).toBe(sel.length);
    expect(await page.locator('#sec-heatmap p.subtitle').textContent()).toContain(second);

    const hops = fx.timelines[1].hops.length;
    await page.selectOption('#sel-design', 'session');
    expect(await page.locator('#sel-message').inputValue()).toBe('1');
    expect(await count(page, 'svg#timeline line.hop')).toBe(hops);
    // global-passive sees every link of the session message; the colluding set only the middle hops.
    expect(await count(page, 'svg#timeline line.hop.observed')).toBe(hops);
    await page.selectOption('#sel-adversary', first);
    expect(await count(page, 'svg#timeline line.hop.observed')).toBe(2);
    expect(await count(page, 'svg#timeline g.lane.held')).toBe(1); // snode-40: both its hops are observed

    await page.selectOption('#sel-cell', '2');
    expect(await page.locator('#sec-overview p.subtitle').textContent()).toContain(String(SWEEP_VALUES[2]));

    // Clicking a bar selects its design, adversary and attack.
    await page.locator('svg#overview rect.bar[data-attack="identifier"]').last().click();
    expect(await page.locator('#sel-attack').inputValue()).toBe('identifier');
    expect(await page.locator('#sel-adversary').inputValue()).toBe(second);
    expect(await count(page, 'svg#overview rect.bar.selected')).toBe(1);

    // Tooltips show the hovered row.
    await page.locator('svg#tradeoff circle.pt').first().hover();
    expect(await page.locator('#tooltip').textContent()).toMatch(/top1: /);
    clean(watch);
    await page.close();
  });

  it('exports each chart as a valid SVG and a PNG', async () => {
    const { page, watch } = await open(reportUrl);
    for (const id of ['overview', 'exposure', 'heatmap', 'timeline']) {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`button.export-svg[data-chart="${id}"]`),
      ]);
      expect(dl.suggestedFilename()).toMatch(new RegExp(`-${id}\\.svg$`));
      const file = join(ARTIFACTS, `export-${id}.svg`);
      await dl.saveAs(file);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('<?xml')).toBe(true);
      const parsed = await page.evaluate(
        ({ text, id }) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
          const sel: Record<string, string> = {
            overview: 'rect.bar',
            exposure: 'rect.cell',
            heatmap: 'rect.cell',
            timeline: 'line.hop',
          };
          return {
            error: doc.getElementsByTagName('parsererror').length,
            root: doc.documentElement.nodeName,
            ns: doc.documentElement.namespaceURI,
            marks: doc.querySelectorAll(sel[id]).length,
            width: doc.documentElement.getAttribute('width'),
          };
        },
        { text, id },
      );
      expect(parsed.error).toBe(0);
      expect(parsed.root).toBe('svg');
      expect(parsed.ns).toBe('http://www.w3.org/2000/svg');
      expect(parsed.marks).toBe(
        await count(page, `svg#${id} ${id === 'timeline' ? 'line.hop' : id === 'overview' ? 'rect.bar' : 'rect.cell'}`),
      );
      expect(Number(parsed.width)).toBeGreaterThan(0);
    }
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button.export-png[data-chart="overview"]'),
    ]);
    expect(png.suggestedFilename()).toMatch(/-overview\.png$/);
    const pngFile = join(ARTIFACTS, 'export-overview.png');
    await png.saveAs(pngFile);
    const bytes = readFileSync(pngFile);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.readUInt32BE(16)).toBe(2400); // IHDR width: 1200 px viewBox × 2
    clean(watch);
    await page.close();
  });

  it('renders hostile names as text: no element injection, no dialog', async () => {
    const { page, watch } = await open(reportUrl);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('b').count()).toBe(0);
    expect(await page.locator('h1').textContent()).toBe(TITLE);
    expect(await page.title()).toContain(TITLE);
    const options = await page.locator('#sel-design option').allTextContents();
    expect(options).toContain(XSS);
    const cols = await page.locator('svg#exposure text.col-label').allTextContents();
    expect(cols.some((c) => c.startsWith('<img src'))).toBe(true);
    // The hostile design's timeline: names and "sees" strings are table text.
    await page.selectOption('#sel-design', XSS);
    expect(await page.locator('table.hop-table').textContent()).toContain(`sees ${XSS} </script><!--`);
    expect(await page.locator('img').count()).toBe(0);
    // Hover every kind of mark once so tooltips render hostile strings too.
    await page.locator('svg#exposure rect.cell').last().hover();
    expect(await page.locator('#tooltip').textContent()).toContain(XSS);
    expect(await page.locator('#tooltip img').count()).toBe(0);
    // The raw file never carries the sequences that would end the data block.
    const html = readFileSync(new URL(reportUrl), 'utf8');
    const start = html.indexOf('id="anonsim-data">') + 'id="anonsim-data">'.length;
    const data = html.slice(start, html.indexOf('</script>', start));
    expect(data.length).toBeGreaterThan(1000);
    expect(data).not.toMatch(/<|>/);
    expect(watch.dialogs).toEqual([]);
    clean(watch);
    await page.close();
  });

  it('fits a laptop screen without horizontal scrolling', async () => {
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1366, height: 768 },
      { width: 1024, height: 700 },
    ]) {
      const { page, watch } = await open(reportUrl, size);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const box = await page.locator('svg#overview').boundingBox();
      expect(box!.width).toBeGreaterThan(size.width * 0.85);
      await page.screenshot({ path: join(ARTIFACTS, `viewer-${size.width}x${size.height}.png`) });
      clean(watch);
      await page.close();
    }
  });

  it('serves the same page through serveResults', async () => {
    const server = await serveResults(fx.dir);
    try {
      const { page, watch } = await open(server.url);
      expect(await count(page, 'svg#overview rect.bar')).toBe(fx.aggregateRows / SWEEP_VALUES.length);
      expect(await count(page, 'svg#timeline line.hop')).toBe(fx.timelines[0].hops.length);
      expect(await page.locator('h1').textContent()).toBe(TITLE);
      clean(watch);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('explains what is missing for a run without sweep, messages.csv or timelines', async () => {
    // Keep the first sweep cell only and drop the sweep column: a plain run.
    const strip = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .filter((line, i) => i === 0 || line.endsWith(`,${SWEEP_VALUES[0]}`))
        .map((line) => line.slice(0, line.lastIndexOf(',')))
        .join('\n');
    const dir = join(tmp, 'plain');
    mkdirSync(dir);
    const { summary, aggregate, exposure, pairs, ttfd } = fx.files;
    const files = { summary: strip(summary), aggregate: strip(aggregate), exposure, pairs, ttfd };
    const path = await writeReport(dir, files, { timelines: [], title: 'plain' });
    const { page, watch } = await open(pathToFileURL(path).href);
    expect(await count(page, 'svg#overview rect.bar')).toBe(fx.aggregateRows / SWEEP_VALUES.length);
    expect(await count(page, 'svg#sweep.empty')).toBe(1);
    expect(await page.locator('svg#sweep text.note').textContent()).toMatch(/no sweep/);
    expect(await page.locator('#sel-cell').isVisible()).toBe(false);
    expect(await page.locator('#sel-sweep-key').isVisible()).toBe(false);
    // Anonymity sets fall back to summary.csv, one value per replicate, and say so.
    expect(await count(page, 'svg#anoncdf path.cdf')).toBe(DESIGNS.length);
    expect(await page.locator('#sec-anoncdf p.subtitle').textContent()).toMatch(/per replicate from summary\.csv/);
    expect(await page.locator('svg#timeline text.note').textContent()).toMatch(/No message timelines/);
    clean(watch);
    await page.close();
  });

  it('shows a note when the template has no data', async () => {
    const { page, watch } = await open(pathToFileURL(viewerTemplatePath()).href);
    expect(await page.locator('.empty-page').textContent()).toMatch(/No results are inlined/);
    clean(watch);
    await page.close();
  });
});
