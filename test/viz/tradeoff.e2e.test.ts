/**
 * The trade-off chart (g) in headless Chromium, set up like report.e2e.test.ts: a 2 × 2
 * countermeasure sweep (test/viz/fixture.ts makeCountermeasureFixture) with message rates, as
 * report.html (rates inlined) and through `anonsim view` (rates from manifest.json), and the older
 * fixture without rates; per-design fronts and the absolute / added-cost switch of panels A and B. Skipped (with a message) only when no chromium binary exists.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/export/report.js';
import { serveResults } from '../../src/export/serve.js';
import { addedCosts, frontsByDesign, paretoFront, trilemmaMet } from '../../viz/src/tradeoff-data.js';
import { ARTIFACTS, ensureViewer, haveChromium, launchBrowser, warnIfNoChromium } from './browser.js';
import {
  CM_ATTACKS,
  CM_DESIGNS,
  type CmFixture,
  DESIGNS,
  makeCountermeasureFixture,
  makeFixture,
  SWEEP_VALUES,
} from './fixture.js';

// Browser globals used inside page.evaluate callbacks (they run in Chromium; the root tsconfig has no DOM lib).
interface XmlDoc {
  getElementsByTagName(name: string): { length: number };
  querySelectorAll(sel: string): { length: number };
}
interface SvgPoint {
  x: number;
  y: number;
}
interface SvgEl {
  getAttribute(name: string): string | null;
}
interface SvgPath extends SvgEl {
  isPointInFill(p: SvgPoint): boolean;
  ownerSVGElement: { createSVGPoint(): SvgPoint };
}
declare const DOMParser: new () => { parseFromString(text: string, type: string): XmlDoc };
declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelector(sel: string): unknown;
  querySelectorAll(sel: string): ArrayLike<unknown>;
};

/** The first colours of viz/src/ui.ts OKABE_ITO (not importable here: it needs the DOM lib), by design order. */
const DESIGN_COLORS = ['#0072B2', '#E69F00', '#009E73'];

warnIfNoChromium('trade-off browser tests');

describe.skipIf(!haveChromium)('trade-off chart with a countermeasure sweep', () => {
  let tmp: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let cm: CmFixture;
  let cmUrl: string;
  let plainUrl: string;
  let ctx: BrowserContext;

  beforeAll(async () => {
    await ensureViewer();
    tmp = mkdtempSync(join(tmpdir(), 'anonsim-tradeoff-'));
    cm = makeCountermeasureFixture(join(tmp, 'cm'));
    cmUrl = pathToFileURL(
      await writeReport(cm.dir, cm.files, { timelines: [], title: 'countermeasures', rates: cm.rates }),
    ).href;
    const fx = makeFixture(join(tmp, 'plain'));
    plainUrl = pathToFileURL(await writeReport(fx.dir, fx.files, { timelines: fx.timelines, title: 'no rates' })).href;
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchBrowser();
    ctx = browser.ctx;
  });

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function open(url: string, size = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
    const page = await ctx.newPage();
    await page.setViewportSize(size);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url()) && !r.url().startsWith(url)) errors.push(`external: ${r.url()}`);
    });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    return { page, errors };
  }

  const count = (page: Page, sel: string) => page.locator(sel).count();
  const panel = (p: string) => `svg#tradeoff g.panel-${p}`;

  type CmPoint = CmFixture['points'][string][number];

  /**
   * One thin step path per design in the design's colour (the colour of its points), whose size
   * and points are that design's own Pareto front of (x(q), top1) in this panel.
   */
  async function expectDesignFronts(page: Page, p: string, pts: CmPoint[], x: (q: CmPoint) => number): Promise<void> {
    const own = frontsByDesign(pts, (q) => ({ x: x(q), y: q.top1 }));
    expect([...own.keys()]).toEqual(CM_DESIGNS);
    const paths = await page.locator(`${panel(p)} path.pareto-design`).evaluateAll((els) =>
      els.map((e) => ({
        design: e.getAttribute('data-design'),
        stroke: e.getAttribute('stroke'),
        size: Number(e.getAttribute('data-front-size')),
        d: e.getAttribute('d') ?? '',
      })),
    );
    expect(paths.map((q) => q.design)).toEqual(CM_DESIGNS);
    for (const [i, path] of paths.entries()) {
      const design = CM_DESIGNS[i];
      expect(path.stroke).toBe(DESIGN_COLORS[i]);
      expect(
        await page
          .locator(`${panel(p)} circle.pt[data-design="${design}"]`)
          .first()
          .getAttribute('fill'),
      ).toBe(path.stroke);
      expect(path.size).toBe(own.get(design)!.length);
      // A step line: 2·(size − 1) + 1 vertices (fewer only when front points share an x).
      expect(path.d).toMatch(/^M[-\d.e]+,[-\d.e]+(L[-\d.e]+,[-\d.e]+)*$/);
      expect(path.d.split('L')).toHaveLength(2 * path.size - 1);
      const marked = await page
        .locator(`${panel(p)} circle.pt.design-front[data-design="${design}"]`)
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-cell'))));
      expect(marked.sort()).toEqual(
        own
          .get(design)!
          .map((k) => pts[k].cell)
          .sort(),
      );
    }
    // Distinct colours: every design's front is told apart.
    expect(new Set(paths.map((q) => q.stroke)).size).toBe(CM_DESIGNS.length);
  }

  /** Everything the chart must show for the selected attack of the countermeasure fixture. */
  async function expectFullChart(page: Page, attack: string): Promise<void> {
    const n = CM_DESIGNS.length * cm.cells;
    expect(n).toBe(12);
    // One point per design × cell in each panel.
    expect(await count(page, `${panel('latency')} circle.pt`)).toBe(n);
    expect(await count(page, `${panel('bytes')} circle.pt`)).toBe(n);
    expect(await count(page, `${panel('trilemma')} circle.pt`)).toBe(n);
    // Pareto front: one step path per cost panel; the rings are exactly the undominated points.
    const pts = cm.points[attack];
    for (const [p, cost] of [
      ['latency', 'latency'],
      ['bytes', 'bytes'],
    ] as const) {
      const front = paretoFront(pts.map((q) => ({ x: q[cost], y: q.top1 })));
      expect(front.length).toBeGreaterThanOrEqual(1);
      expect(await count(page, `${panel(p)} path.pareto`)).toBe(1);
      expect(await page.locator(`${panel(p)} path.pareto`).getAttribute('d')).toMatch(
        /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/,
      );
      expect(await count(page, `${panel(p)} circle.front-ring`)).toBe(front.length);
      expect(await count(page, `${panel(p)} circle.pt.front`)).toBe(front.length);
      const ringed = await page
        .locator(`${panel(p)} circle.pt.front`)
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-design')}@${e.getAttribute('data-cell')}`));
      expect(ringed.sort()).toEqual(front.map((k) => `${pts[k].design}@${pts[k].cell}`).sort());
      // Blind-guess baseline at 1/users.
      expect(await count(page, `${panel(p)} line.baseline`)).toBe(1);
      await expectDesignFronts(page, p, pts, (q) => q[cost]);
    }
    // Trilemma: the curve, the shaded region and its label, and the size legend.
    expect(await count(page, `${panel('trilemma')} line.bound`)).toBe(1);
    expect(await count(page, `${panel('trilemma')} path.impossible`)).toBe(1);
    expect(await page.locator(`${panel('trilemma')} text.impossible-label`).textContent()).toMatch(
      /strong anonymity impossible.*Das et al\. 2018/,
    );
    expect(await page.locator(`${panel('trilemma')} .size-legend`).textContent()).toMatch(/smaller = more private/);
    expect(await count(page, `${panel('trilemma')} rect.no-rates`)).toBe(0);
    // The subtitle counts the points that meet 2·L·r ≥ 1 (cover adds 1/min to the 1/150 s of real traffic).
    const met = pts.filter((q) => {
      const cell = cm.rates.cells[q.cell];
      const r = cell.designs.find((d) => d.name === q.design)!;
      return trilemmaMet(q.latency / 1000, r.realPerUserPerS + r.coverPerUserPerS);
    }).length;
    expect(await page.locator('#sec-tradeoff p.subtitle').textContent()).toContain(
      `C: ${met} of ${n} points meet 2·L·r ≥ 1`,
    );
  }

  it('plots every design × cell with the Pareto front and the trilemma bound', async () => {
    const { page, errors } = await open(cmUrl);
    expect(await page.locator('#sel-cell option').count()).toBe(cm.cells);
    await expectFullChart(page, CM_ATTACKS[0]);
    // The bound must sit where r = 1/(2L): a point with 2·L·r < 1 is inside the shaded region.
    const inside = await page.evaluate((p) => {
      const path = document.querySelector(`${p} path.impossible`) as SvgPath;
      return Array.from(document.querySelectorAll(`${p} circle.pt`) as ArrayLike<SvgEl>, (d) => {
        const pt = path.ownerSVGElement.createSVGPoint();
        pt.x = Number(d.getAttribute('cx'));
        pt.y = Number(d.getAttribute('cy'));
        return path.isPointInFill(pt);
      });
    }, panel('trilemma'));
    const expected = cm.points[CM_ATTACKS[0]].map((q) => {
      const r = cm.rates.cells[q.cell].designs.find((d) => d.name === q.design)!;
      return !trilemmaMet(q.latency / 1000, r.realPerUserPerS + r.coverPerUserPerS);
    });
    expect(inside).toEqual(expected);
    expect(expected).toContain(true);
    expect(expected).toContain(false);
    // The sweep cell selector does not filter this chart; the attack selector does.
    await page.selectOption('#sel-cell', '3');
    expect(await count(page, `${panel('latency')} circle.pt`)).toBe(CM_DESIGNS.length * cm.cells);
    await page.selectOption('#sel-attack', CM_ATTACKS[1]);
    await expectFullChart(page, CM_ATTACKS[1]);
    // Tooltips name the design, the cell and the values.
    await page
      .locator(`${panel('trilemma')} circle.pt`)
      .first()
      .hover();
    const tip = await page.locator('#tooltip').textContent();
    expect(tip).toMatch(/design: signal/);
    expect(tip).toMatch(/cell: designs\.\*\.mixDelay = 0s, designs\.\*\.coverRate = 0\/s/);
    expect(tip).toMatch(/top1: .*\nlatency p50 \(ms\): .*\nbytes per message: /);
    expect(tip).toMatch(/messages per user per s: /);
    await page.locator('#sec-tradeoff').screenshot({ path: join(ARTIFACTS, 'tradeoff-countermeasures.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('stays readable at the laptop sizes and exports as SVG', async () => {
    for (const size of [
      { width: 1366, height: 768 },
      { width: 1024, height: 700 },
    ]) {
      const { page, errors } = await open(cmUrl, size);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const box = await page.locator('svg#tradeoff').boundingBox();
      expect(box!.width).toBeGreaterThan(size.width * 0.85);
      await page
        .locator('#sec-tradeoff')
        .screenshot({ path: join(ARTIFACTS, `tradeoff-${size.width}x${size.height}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    }
    const { page, errors } = await open(cmUrl);
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button.export-svg[data-chart="tradeoff"]'),
    ]);
    const file = join(ARTIFACTS, 'export-tradeoff.svg');
    await dl.saveAs(file);
    const text = readFileSync(file, 'utf8');
    const parsed = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      return {
        error: doc.getElementsByTagName('parsererror').length,
        points: doc.querySelectorAll('circle.pt').length,
        bound: doc.querySelectorAll('line.bound').length,
      };
    }, text);
    expect(parsed).toEqual({ error: 0, points: 3 * CM_DESIGNS.length * cm.cells, bound: 1 });
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button.export-png[data-chart="tradeoff"]'),
    ]);
    const pngFile = join(ARTIFACTS, 'export-tradeoff.png');
    await png.saveAs(pngFile);
    expect(readFileSync(pngFile).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("switches A and B to the cost added on top of each design's deployed cell, and back", async () => {
    const { page, errors } = await open(cmUrl);
    const radio = (mode: string) => page.locator(`#sec-tradeoff input[name="tradeoff-cost-mode"][value="${mode}"]`);
    expect(await radio('absolute').isChecked()).toBe(true);
    expect(await radio('added').isChecked()).toBe(false);
    expect(await count(page, 'svg#tradeoff line.zero-mark')).toBe(0);
    const label = (p: string) =>
      page
        .locator(`${panel(p)} text.axis-label`)
        .first()
        .textContent();
    expect(await label('latency')).toBe('latency p50 (ms), log scale');
    const xs = (p: string, cell: number) =>
      page
        .locator(`${panel(p)} circle.pt[data-cell="${cell}"]`)
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('cx'))));
    // Absolute: the three designs' deployed cells sit at three different latencies.
    expect(new Set(await xs('latency', 0)).size).toBe(CM_DESIGNS.length);

    await radio('added').check();
    const values = (cell: number) => cm.rates.cells[cell].values;
    for (const attack of CM_ATTACKS) {
      await page.selectOption('#sel-attack', attack);
      // The choice survives the redraw of a selection change.
      expect(await radio('added').isChecked()).toBe(true);
      const pts = cm.points[attack].map((q) => ({ ...q, cellValues: values(q.cell) }));
      for (const [p, cost, unit] of [
        ['latency', 'latency', 'ms'],
        ['bytes', 'bytes', 'B'],
      ] as const) {
        expect(await label(p)).toMatch(new RegExp(`^added .* vs\\. baseline \\(${unit}\\)`));
        const { added, baselines } = addedCosts(pts, (q) => q[cost]);
        // The baseline of every design is its cell with mixDelay 0s and coverRate 0/s (cell 0).
        for (const b of baselines.values()) expect([pts[b.index].cell, b.kind]).toEqual([0, 'deployed']);
        // Every point is drawn at its added cost; the baselines at 0, on the "0 = deployed" mark.
        const drawn = await page
          .locator(`${panel(p)} circle.pt`)
          .evaluateAll((els) =>
            els.map(
              (e) => `${e.getAttribute('data-design')}@${e.getAttribute('data-cell')}=${e.getAttribute('data-x')}`,
            ),
          );
        expect(drawn.sort()).toEqual(pts.map((q, i) => `${q.design}@${q.cell}=${added[i]}`).sort());
        expect(added.some((v) => v < 0)).toBe(true); // cover adds no latency: noise below the deployed cell
        const zero = Number(await page.locator(`${panel(p)} line.zero-mark`).getAttribute('x1'));
        expect(zero).toBeGreaterThan(0);
        for (const x of await xs(p, 0)) expect(x).toBeCloseTo(zero, 6);
        expect(await page.locator(`${panel(p)} text.zero-label`).textContent()).toBe(
          '0 = deployed (countermeasures off)',
        );
        expect(await page.locator(`${panel(p)} .axis-x .tick text`).allTextContents()).toContain('0');
        // The fronts are computed on the values plotted.
        const front = paretoFront(pts.map((q, i) => ({ x: added[i], y: q.top1 })));
        const ringed = await page
          .locator(`${panel(p)} circle.pt.front`)
          .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-design')}@${e.getAttribute('data-cell')}`));
        expect(ringed.sort()).toEqual(front.map((k) => `${pts[k].design}@${pts[k].cell}`).sort());
        expect(await count(page, `${panel(p)} circle.front-ring`)).toBe(front.length);
        await expectDesignFronts(page, p, pts, (q) => added[pts.indexOf(q as (typeof pts)[number])]);
      }
      expect(await page.locator('#sec-tradeoff p.subtitle').textContent()).toContain(
        "x of A, B: added on top of each design's baseline cell",
      );
    }
    // The tooltip gives absolute and added values and names the baseline cell.
    await page.locator(`${panel('latency')} circle.pt[data-design="simplex"][data-cell="2"]`).hover({ force: true });
    const tip = await page.locator('#tooltip').textContent();
    expect(tip).toMatch(/cell: designs\.\*\.mixDelay = 30s, designs\.\*\.coverRate = 0\/s/);
    expect(tip).toMatch(/latency p50 \(ms\): [\d.]+/);
    expect(tip).toMatch(/added latency p50 \(ms\): \+[\d.]+\n/);
    expect(tip).toMatch(/added bytes per message \(B\): /);
    expect(tip).toMatch(
      /baseline \(swept countermeasures off\): designs\.\*\.mixDelay = 0s, designs\.\*\.coverRate = 0\/s/,
    );
    // (The sticky control bar would cover the chart's head in the screenshot.)
    await page.locator('nav.controls').evaluate((e) => e.setAttribute('style', 'position: static'));
    await page.locator('#sec-tradeoff').screenshot({ path: join(ARTIFACTS, 'tradeoff-added.png') });
    // The exported SVG has what is drawn: the zero marks and every design's front.
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button.export-svg[data-chart="tradeoff"]'),
    ]);
    const file = join(ARTIFACTS, 'export-tradeoff-added.svg');
    await dl.saveAs(file);
    const parsed = await page.evaluate(
      (t) => {
        const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
        return {
          error: doc.getElementsByTagName('parsererror').length,
          zero: doc.querySelectorAll('line.zero-mark').length,
          own: doc.querySelectorAll('path.pareto-design').length,
        };
      },
      readFileSync(file, 'utf8'),
    );
    expect(parsed).toEqual({ error: 0, zero: 2, own: 2 * CM_DESIGNS.length });
    expect(readFileSync(file, 'utf8')).toContain("x of A, B: added on top of each design's baseline cell");
    // Back to absolute values.
    await radio('absolute').check();
    expect(await count(page, 'svg#tradeoff line.zero-mark')).toBe(0);
    expect(await label('latency')).toBe('latency p50 (ms), log scale');
    expect(new Set(await xs('latency', 0)).size).toBe(CM_DESIGNS.length);
    await expectFullChart(page, CM_ATTACKS[1]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gets the rates from manifest.json through anonsim view', async () => {
    const server = await serveResults(cm.dir);
    try {
      const { page, errors } = await open(server.url);
      await expectFullChart(page, CM_ATTACKS[0]);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
    // Without rates anywhere (an older folder), the same CSVs still draw panels A and B.
    const old = makeCountermeasureFixture(join(tmp, 'old'), false);
    const server2 = await serveResults(old.dir);
    try {
      const { page, errors } = await open(server2.url);
      expect(await count(page, `${panel('latency')} circle.pt`)).toBe(CM_DESIGNS.length * old.cells);
      expect(await count(page, `${panel('trilemma')} circle.pt`)).toBe(0);
      expect(await count(page, `${panel('trilemma')} rect.no-rates`)).toBe(1);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server2.close();
    }
  });

  it('explains that the bound needs rates when the results have none', async () => {
    const { page, errors } = await open(plainUrl);
    // Panels A and B still show every design × cell; C says what is missing.
    const n = DESIGNS.length * SWEEP_VALUES.length;
    expect(await count(page, `${panel('latency')} circle.pt`)).toBe(n);
    expect(await count(page, `${panel('bytes')} circle.pt`)).toBe(n);
    expect(await count(page, `${panel('latency')} path.pareto`)).toBe(1);
    // One own front per design, the XSS-named one included (its name only ever an attribute value).
    expect(
      await page
        .locator(`${panel('latency')} path.pareto-design`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-design'))),
    ).toEqual(DESIGNS);
    // The swept adversary fraction is never zero-like: added costs are relative to each design's cheapest cell.
    await page.check('#sec-tradeoff input[name="tradeoff-cost-mode"][value="added"]');
    expect(await page.locator(`${panel('latency')} text.zero-label`).textContent()).toBe(
      "0 = each design's baseline cell",
    );
    const minX = await page
      .locator(`${panel('latency')} circle.pt`)
      .evaluateAll((els) => Math.min(...els.map((e) => Number(e.getAttribute('data-x')))));
    expect(minX).toBe(0);
    expect(await count(page, `${panel('bytes')} circle.pt`)).toBe(n);
    await page.check('#sec-tradeoff input[name="tradeoff-cost-mode"][value="absolute"]');
    expect(await count(page, `${panel('trilemma')} circle.pt`)).toBe(0);
    expect(await count(page, `${panel('trilemma')} line.bound`)).toBe(0);
    expect(await page.locator(`${panel('trilemma')} text.note`).textContent()).toMatch(/needs the message rates/);
    expect(await page.locator('#sec-tradeoff p.subtitle').textContent()).toMatch(/no message rates recorded/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
