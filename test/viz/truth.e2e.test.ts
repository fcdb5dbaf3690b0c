/**
 * The report of the default run (`anonsim run scenarios/default.yaml`) in headless Chromium (issue 17):
 * every chart draws something; the ROC's drawn area is summary.csv's pair_auc; distribution,
 * TTFD, correlation and candidate marks are as many as their CSV rows; one replicate draws no
 * whisker; exposure and timeline labels never overlap at 1400 px and 800 px (bounding boxes); an
 * unmeasured exposure vector is drawn as "no data". A small sweep checks the sweep chart: greyed
 * designs the key does not affect, the 1/users baseline, a log axis past a decade, bands.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { csvParse } from 'd3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/export/report.js';
import { cli, tempDir, writeScenario } from '../cli/helpers.js';
import { ARTIFACTS, ensureViewer, haveChromium, launchBrowser, warnIfNoChromium } from './browser.js';

// Browser globals used inside page.evaluate callbacks (the root tsconfig has no DOM lib).
interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface El {
  getBoundingClientRect(): Rect;
  textContent: string | null;
  closest(sel: string): El | null;
}
declare const document: { querySelectorAll(sel: string): ArrayLike<El> };
declare const getComputedStyle: (e: El) => { display: string; visibility: string };

warnIfNoChromium('report truth tests');

type Row = Record<string, string>;

describe.skipIf(!haveChromium)('the default run in headless chromium', () => {
  let dir: string;
  let url: string;
  let ctx: BrowserContext;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  const read = (name: string): Row[] => csvParse(readFileSync(join(dir, name), 'utf8')) as unknown as Row[];

  beforeAll(async () => {
    await ensureViewer();
    dir = join(tempDir(), 'default');
    const r = await cli(['run', 'scenarios/default.yaml', '-o', dir, '--quiet', '--workers', '2']);
    expect(r.code, r.err).toBe(0);
    url = pathToFileURL(join(dir, 'report.html')).href;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
    ctx = browser.ctx;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(target: string, width = 1400): Promise<{ page: Page; errors: string[] }> {
    const page = await ctx.newPage();
    await page.setViewportSize({ width, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    await page.goto(target);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return { page, errors };
  }

  /** Pairs of visible text elements in svg#id whose boxes overlap (more than 1 px in both directions). */
  const overlapping = (page: Page, id: string) =>
    page.evaluate((id) => {
      const texts = Array.from(document.querySelectorAll(`svg#${id} text`)).filter((t) => {
        const s = getComputedStyle(t);
        const b = t.getBoundingClientRect();
        return s.display !== 'none' && s.visibility !== 'hidden' && b.width > 0 && (t.textContent ?? '').trim() !== '';
      });
      const boxes = texts.map((t) => ({ text: t.textContent ?? '', b: t.getBoundingClientRect() }));
      const out: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].b;
          const c = boxes[j].b;
          const w = Math.min(a.right, c.right) - Math.max(a.left, c.left);
          const h = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
          if (w > 1 && h > 1) out.push(`${boxes[i].text} × ${boxes[j].text}`);
        }
      return { count: boxes.length, out };
    }, id);

  const count = (page: Page, sel: string) => page.locator(sel).count();

  it('draws every chart, the ROC with its area equal to pair_auc, and as many marks as the CSVs', async () => {
    const { page, errors } = await open(url);
    const state = {
      design: await page.locator('#sel-design').inputValue(),
      adversary: await page.locator('#sel-adversary').inputValue(),
      attack: await page.locator('#sel-attack').inputValue(),
    };
    for (const id of [
      'overview',
      'exposure',
      'heatmap',
      'roc',
      'anoncdf',
      'ttfd',
      'correlation',
      'candidates',
      'tradeoff',
      'timeline',
    ])
      expect(await count(page, `svg#${id}.empty`), id).toBe(0);
    const sel = (r: Row) => r.adversary === state.adversary && r.attack === state.attack;
    const designs = [...new Set(read('summary.csv').map((r) => r.design))];

    // ROC: one curve per design, each path's area (from roc.csv) = pair_auc of summary.csv.
    const summary = read('summary.csv').filter(sel);
    expect(await count(page, 'svg#roc path.roc')).toBe(designs.length);
    for (const d of designs) {
      const area = Number(await page.locator(`svg#roc path.roc[data-design="${d}"]`).getAttribute('data-area'));
      const auc = Number(summary.find((r) => r.design === d)!.pair_auc);
      expect(Math.abs(area - auc), d).toBeLessThan(5e-6);
      const pts = read('roc.csv').filter((r) => sel(r) && r.design === d).length;
      const path = (await page.locator(`svg#roc path.roc[data-design="${d}"]`).getAttribute('d')) ?? '';
      expect(path.split(/[ML]/).filter(Boolean)).toHaveLength(pts);
    }
    // Distributions: a solid and a dotted CDF per design; TTFD: strict and tie-aware per design.
    expect(await count(page, 'svg#anoncdf path.cdf')).toBe(designs.length);
    expect(await count(page, 'svg#anoncdf path.cdf-rank')).toBe(designs.length);
    expect(await count(page, 'svg#ttfd path.ttfd')).toBe(designs.length);
    expect(await count(page, 'svg#ttfd path.ttfd-tied')).toBe(designs.length);
    expect(await page.locator('#sec-anoncdf .legend').first().textContent()).toMatch(/excluded/);
    // One replicate: no whisker, and the legend says why.
    expect(await count(page, 'svg#overview path.whisker')).toBe(0);
    expect(await page.locator('svg#overview .legend').first().textContent()).toMatch(/no whisker: one replicate/);

    // Correlation and candidates: one bar per non-zero count, one stem per listed departure.
    const mine = (r: Row) => sel(r) && r.design === state.design && r.replicate === '0';
    const corr = read('correlation.csv').filter(mine);
    const nonZero = (c: string) => corr.filter((r) => Number(r[c]) > 0).length;
    expect(nonZero('recipient_count')).toBeGreaterThan(0);
    // The recipient's bars appear in both panels of a pair.
    expect(await count(page, 'svg#correlation rect.bar-recipient')).toBe(2 * nonZero('recipient_count'));
    expect(await count(page, 'svg#correlation rect.bar-sender')).toBe(nonZero('sender_count'));
    expect(await count(page, 'svg#correlation rect.bar-wrong')).toBe(nonZero('wrong_count'));
    const titles = await page.locator('svg#correlation g.corr-sender text.panel-title').allTextContents();
    const samples = [...new Map(corr.map((r) => [r.sample, r])).values()];
    expect(titles).toHaveLength(samples.length);
    samples.forEach((r, i) => {
      expect(titles[i]).toContain(`true sender ${r.sender} → recipient ${r.recipient}`);
      expect(titles[i]).toContain(`r = ${Number(Number(r.r_sender).toPrecision(3))}`);
    });
    const cand = read('candidates.csv').filter(mine);
    expect(await count(page, 'svg#candidates line.stem')).toBe(cand.filter((r) => r.before_ms !== '').length);
    expect(await count(page, 'svg#candidates line.stem-true')).toBe(
      cand.filter((r) => r.before_ms !== '' && r.is_true === 'true').length,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'truth-default-1400.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows the sweep cell and the selection', async () => {
    const { page, errors } = await open(url);
    await page.selectOption('#sel-adversary', 'global-passive');
    await page.selectOption('#sel-attack', 'timing');
    await page.selectOption('#sel-design', 'simplex');
    const corr = read('correlation.csv').filter(
      (r) => r.design === 'simplex' && r.adversary === 'global-passive' && r.attack === 'timing',
    );
    expect(await count(page, 'svg#correlation rect.bar-sender')).toBe(
      corr.filter((r) => Number(r.sender_count) > 0).length,
    );
    expect(await page.locator('#sec-correlation p.subtitle').textContent()).toContain(
      'simplex × global-passive × timing',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const width of [1400, 800]) {
    it(`lays out exposure and timeline labels without overlaps at ${width} px`, async () => {
      const { page, errors } = await open(url, width);
      const exposure = await overlapping(page, 'exposure');
      expect(exposure.count).toBeGreaterThan(40);
      expect(exposure.out).toEqual([]);
      // Every recorded message (hop labels depend on the message, not on the adversary).
      const messages = await page.locator('#sel-message option').count();
      expect(messages).toBeGreaterThan(3);
      for (let i = 0; i < messages; i++) {
        await page.selectOption('#sel-message', String(i));
        const t = await overlapping(page, 'timeline');
        expect(t.count).toBeGreaterThan(5);
        expect(t.out, `message option ${i}`).toEqual([]);
      }
      await page.selectOption('#sel-message', '0');
      await page.locator('#sec-exposure').screenshot({ path: join(ARTIFACTS, `truth-exposure-${width}.png`) });
      await page.locator('#sec-timeline').screenshot({ path: join(ARTIFACTS, `truth-timeline-${width}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('draws an unmeasured exposure vector as no data, never as a grade', async () => {
    const files: Record<string, string> = {};
    for (const f of ['summary', 'aggregate', 'exposure', 'pairs', 'ttfd'])
      files[f] = readFileSync(join(dir, `${f}.csv`), 'utf8');
    // As a scenario without a global passive adversary writes it: empty value, grade and basis.
    files.exposure = files.exposure.replace(/^(\w+),global_passive,.*$/gm, '$1,global_passive,,,,');
    const other = join(tempDir(), 'nodata');
    mkdirSync(other);
    writeFileSync(join(other, 'exposure.csv'), files.exposure);
    const path = await writeReport(other, files, { timelines: [], title: 'no data' });
    const { page, errors } = await open(pathToFileURL(path).href);
    const designs = new Set(read('exposure.csv').map((r) => r.design)).size;
    expect(await count(page, 'svg#exposure rect.cell.no-data')).toBe(designs);
    expect(await count(page, 'svg#exposure rect.cell.no-data[data-grade=""]')).toBe(designs);
    expect(await count(page, 'svg#exposure text.no-data-label')).toBe(designs);
    expect(await count(page, 'svg#exposure text.cell-grade')).toBe(designs * 5);
    expect((await overlapping(page, 'exposure')).out).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.skipIf(!haveChromium)('the sweep chart on a real sweep', () => {
  let url: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;

  beforeAll(async () => {
    await ensureViewer();
    const dir = join(tempDir(), 'sweep');
    const text = `
name: sweep
seed: 6
duration: 3min
warmup: 30s
replicates: 2
workload: { users: 20, contacts: 3, rate: 1/min }
designs:
  - design: signal
  - design: simplex
adversaries:
  - kind: global-passive
attacks: [identifier, timing]
sweep:
  workload.users: [20, 60, 300]
  designs.1.privateRouting: [always, never]
`;
    const r = await cli(['run', writeScenario(tempDir(), text), '-o', dir, '--quiet', '--workers', '2']);
    expect(r.code, r.err).toBe(0);
    url = pathToFileURL(join(dir, 'report.html')).href;
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('greys designs the key does not affect, follows 1/users, and uses a log axis past a decade', async () => {
    const page = await browser!.ctx.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.selectOption('#sel-attack', 'timing');
    // x = users: 20 … 300 spans more than a decade → log axis; baseline 1/users per cell; nobody greyed.
    await page.selectOption('#sel-sweep-key', 'workload.users');
    expect(await page.locator('svg#sweep g.axis-x').getAttribute('data-scale')).toBe('log');
    expect(JSON.parse((await page.locator('svg#sweep path.baseline').getAttribute('data-values')) ?? '[]')).toEqual([
      1 / 20,
      1 / 60,
      1 / 300,
    ]);
    expect(await page.locator('svg#sweep path.line.unaffected').count()).toBe(0);
    expect(await page.locator('svg#sweep path.band').count()).toBe(2);
    // x = SimpleX's privateRouting: Signal's results are identical in both cells → grey.
    await page.selectOption('#sel-sweep-key', 'designs.1.privateRouting');
    expect(await page.locator('svg#sweep path.line.unaffected').count()).toBe(1);
    expect(await page.locator('svg#sweep path.line.unaffected').getAttribute('data-design')).toBe('signal');
    expect(await page.locator('svg#sweep g.axis-x').getAttribute('data-scale')).toBe('point');
    await page.locator('#sec-sweep').screenshot({ path: join(ARTIFACTS, 'truth-sweep.png') });
    await page.close();
  });
});
