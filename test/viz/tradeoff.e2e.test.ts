/**
 * The trade-off chart (g) in headless Chromium, set up like report.e2e.test.ts: a 2 × 2
 * countermeasure sweep (test/viz/fixture.ts makeCountermeasureFixture) with message rates, as
 * report.html (rates inlined) and through `anonsim view` (rates from manifest.json), and the older
 * fixture without rates. Skipped (with a message) only when no chromium binary exists.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewerTemplatePath, writeReport } from '../../src/export/report.js';
import { serveResults } from '../../src/export/serve.js';
import { paretoFront, trilemmaMet } from '../../viz/src/tradeoff-data.js';
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

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `SKIPPING trade-off browser tests: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

describe.skipIf(!haveChromium)('trade-off chart with a countermeasure sweep', () => {
  let tmp: string;
  let profile: string;
  let cm: CmFixture;
  let cmUrl: string;
  let plainUrl: string;
  let ctx: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(viewerTemplatePath())) {
      const { buildViewer } = await import('../../viz/build.mjs');
      await buildViewer({ quiet: true });
    }
    tmp = mkdtempSync(join(tmpdir(), 'anonsim-tradeoff-'));
    cm = makeCountermeasureFixture(join(tmp, 'cm'));
    cmUrl = pathToFileURL(
      await writeReport(cm.dir, cm.files, { timelines: [], title: 'countermeasures', rates: cm.rates }),
    ).href;
    const fx = makeFixture(join(tmp, 'plain'));
    plainUrl = pathToFileURL(await writeReport(fx.dir, fx.files, { timelines: fx.timelines, title: 'no rates' })).href;
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'anonsim-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
      viewport: { width: 1280, height: 800 },
    });
  });

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
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
    expect(await count(page, `${panel('trilemma')} circle.pt`)).toBe(0);
    expect(await count(page, `${panel('trilemma')} line.bound`)).toBe(0);
    expect(await page.locator(`${panel('trilemma')} text.note`).textContent()).toMatch(/needs the message rates/);
    expect(await page.locator('#sec-tradeoff p.subtitle').textContent()).toMatch(/no message rates recorded/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
