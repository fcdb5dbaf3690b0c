/**
 * The trade-off chart's pure helpers (viz/src/tradeoff-data.ts) in Node: Pareto front, the
 * anonymity-trilemma bound and its drawing geometry, and the rates block from the run
 * (src/export/rates.ts) down to the viewer's lookup, including results that have none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realPerUserPerS, replyFactor, sweepRates } from '../../src/export/rates.js';
import { readResults, writeReport } from '../../src/export/report.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { sweepCells } from '../../src/scenario/sweep.js';
import { buildModel } from '../../viz/src/data.js';
import {
  boundRegion,
  boundSegment,
  paretoFront,
  paretoSteps,
  parseRates,
  ratesFor,
  spansDecade,
  tradeoffPoints,
  trilemmaBound,
  trilemmaDomains,
  trilemmaMet,
} from '../../viz/src/tradeoff-data.js';
import { makeCountermeasureFixture, makeFixture } from './fixture.js';

const pts = (xy: [number, number][]) => xy.map(([x, y]) => ({ x, y }));

describe('paretoFront (both coordinates minimised)', () => {
  it('keeps exactly the undominated points, in order of increasing x', () => {
    const p = pts([
      [10, 0.9], // 0: front (fastest)
      [20, 0.5], // 1: front
      [25, 0.6], // 2: dominated by 1
      [40, 0.1], // 3: front
      [50, 0.1], // 4: dominated by 3 (same y, more cost)
      [5, 1.0], // 5: front (cheapest of all)
      [30, 0.2], // 6: front
      [100, 0.5], // 7: dominated
    ]);
    expect(paretoFront(p)).toEqual([5, 0, 1, 6, 3]);
  });

  it('treats ties: identical points are all on the front; same x with higher y is dominated', () => {
    const p = pts([
      [10, 0.5], // 0: front
      [10, 0.5], // 1: identical to 0: front too
      [10, 0.7], // 2: same x, higher y: dominated by 0
      [20, 0.5], // 3: same y, higher x: dominated by 0
      [20, 0.2], // 4: front
    ]);
    expect(paretoFront(p)).toEqual([0, 1, 4]);
  });

  it('ignores non-finite points and handles the trivial cases', () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront(pts([[3, 4]]))).toEqual([0]);
    expect(
      paretoFront(
        pts([
          [Number.NaN, 0],
          [1, Number.NaN],
          [2, 2],
        ]),
      ),
    ).toEqual([2]);
    // A single point better in both than everything else is the whole front.
    expect(
      paretoFront(
        pts([
          [5, 5],
          [1, 1],
          [3, 2],
        ]),
      ),
    ).toEqual([1]);
  });

  it('agrees with the brute-force definition on random points', () => {
    let s = 42;
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
    for (let trial = 0; trial < 50; trial++) {
      // Coarse grid values, so ties in x, in y and identical points are common.
      const p = pts(Array.from({ length: 30 }, () => [Math.floor(rand() * 8), Math.floor(rand() * 8)]));
      const brute = p
        .map((a, i) => ({ a, i }))
        .filter(({ a }) => !p.some((b) => b.x <= a.x && b.y <= a.y && (b.x < a.x || b.y < a.y)))
        .map(({ i }) => i);
      expect([...paretoFront(p)].sort((a, b) => a - b)).toEqual(brute);
    }
  });

  it('draws the front as a staircase', () => {
    expect(
      paretoSteps(
        pts([
          [40, 0.1],
          [10, 0.9],
          [20, 0.5],
          [20, 0.5],
        ]),
      ),
    ).toEqual([
      [10, 0.9],
      [20, 0.9],
      [20, 0.5],
      [40, 0.5],
      [40, 0.1],
    ]);
    expect(paretoSteps(pts([[1, 1]]), 5)).toEqual([
      [1, 1],
      [5, 1],
    ]);
    expect(paretoSteps([])).toEqual([]);
  });
});

describe('anonymity trilemma bound (Das et al. 2018): 2·L·r ≥ 1', () => {
  it('gives the least total message rate for a latency', () => {
    expect(trilemmaBound(1)).toBe(0.5);
    expect(trilemmaBound(10)).toBeCloseTo(0.05, 12);
    expect(trilemmaBound(0.25)).toBe(2);
    expect(trilemmaBound(0)).toBe(Number.POSITIVE_INFINITY);
    expect(trilemmaMet(1, 0.5)).toBe(true); // on the curve: necessary condition holds with equality
    expect(trilemmaMet(1, 0.49)).toBe(false);
    expect(trilemmaMet(100, 0.0067)).toBe(true);
    expect(trilemmaMet(0.085, 0.0067)).toBe(false);
  });

  it('chooses domains in which the curve crosses the panel', () => {
    // Points far inside the impossible region: the curve would lie above the box without widening.
    const d = trilemmaDomains([
      { latencyS: 0.08, rate: 0.0067 },
      { latencyS: 0.3, rate: 0.023 },
    ]);
    expect(d.x).toEqual([0.04, 0.6]);
    expect(d.y[0]).toBeCloseTo(0.00335, 12);
    expect(trilemmaBound(d.x[1])).toBeLessThan(d.y[1]);
    expect(boundSegment(d.x, d.y)).not.toBeNull();
    // Points far on the possible side: the box is widened downwards instead.
    const e = trilemmaDomains([{ latencyS: 1000, rate: 10 }]);
    expect(trilemmaBound(e.x[0])).toBeGreaterThan(e.y[0]);
    expect(boundSegment(e.x, e.y)).not.toBeNull();
  });

  it('shades exactly the part of the box below the curve', () => {
    // Box [0.1, 100] s × [0.001, 1] /s: the curve enters at L = 0.5 (r = 1) and leaves at L = 500 (> 100).
    expect(boundRegion([0.1, 100], [0.001, 1])).toEqual([
      [0.1, 0.001],
      [0.1, 1],
      [0.5, 1],
      [100, 0.005],
      [100, 0.001],
    ]);
    // The curve leaves through the bottom at L = 50.
    expect(boundRegion([1, 100], [0.01, 1])).toEqual([
      [1, 0.01],
      [1, 0.5],
      [50, 0.01],
      [100, 0.01],
      [100, 0.01],
    ]);
    expect(boundSegment([1, 100], [0.01, 1])).toEqual([
      [1, 0.5],
      [50, 0.01],
    ]);
    // Whole box below the curve: all shaded, no curve; whole box above: nothing shaded.
    expect(boundRegion([0.01, 0.1], [0.001, 0.01])).toHaveLength(4);
    expect(boundSegment([0.01, 0.1], [0.001, 0.01])).toBeNull();
    expect(boundRegion([100, 1000], [1, 10])).toEqual([]);
  });

  it('switches to a log axis only for positive values spanning more than a decade', () => {
    expect(spansDecade([85, 107_000])).toBe(true);
    expect(spansDecade([10, 100])).toBe(false);
    expect(spansDecade([0, 100])).toBe(false);
    expect(spansDecade([5])).toBe(false);
  });
});

const RAW = {
  name: 'rates',
  duration: '10min',
  warmup: '1min',
  workload: { users: 150, contacts: 6, rate: '1/5min', groups: { count: 30, size: 5, rate: '1/min' } },
  designs: [{ design: 'signal' }, { design: 'session' }, { design: 'mixnet' }],
  adversaries: [{ kind: 'global-passive' }],
  attacks: ['timing'],
  sweep: { 'designs.0.coverRate': ['0/s', '1/min'], 'workload.replyProbability': [0, 0.5] },
};

describe('rates of the run (src/export/rates.ts) and their lookup', () => {
  const { scenario } = resolveScenario(structuredClone(RAW), 'rates.yaml');
  const cells = sweepCells(scenario!, structuredClone(RAW), 'rates.yaml').map((c) => ({
    cell: c.index,
    sweep: c.values,
    scenario: c.scenario,
  }));
  const rates = sweepRates(
    cells,
    scenario!.sweep.map((s) => s.path),
  );

  it('computes real and cover messages per user per second for each cell and design item', () => {
    expect(rates.keys).toEqual(['designs.0.coverRate', 'workload.replyProbability']);
    expect(rates.cells.map((c) => c.values)).toEqual([
      ['0/s', '0'],
      ['0/s', '0.5'],
      ['1/min', '0'],
      ['1/min', '0.5'],
    ]);
    // No replies: 1/300 s (1:1) + 30 groups × 1/60 s / 150 users = 1/300 + 1/300.
    const noReply = rates.cells[0].designs[0];
    expect(noReply.name).toBe('signal');
    expect(noReply.realPerUserPerS).toBeCloseTo(2 / 300, 6);
    // Replies with probability ½ (replies answered too) double the 1:1 part.
    expect(rates.cells[1].designs[0].realPerUserPerS).toBeCloseTo(2 / 300 + 1 / 300, 5);
    expect(replyFactor(cells[1].scenario)).toBeCloseTo(2, 5);
    expect(realPerUserPerS(cells[0].scenario)).toBeCloseTo(2 / 300, 9);
    // Cover: only the swept design item gets coverRate; the mixnet's loop + drop cover (2/min each) always counts.
    expect(rates.cells[0].designs.map((d) => d.coverPerUserPerS)).toEqual([0, 0, expect.closeTo(4 / 60, 6)]);
    expect(rates.cells[2].designs.map((d) => d.coverPerUserPerS)).toEqual([
      expect.closeTo(1 / 60, 6),
      0,
      expect.closeTo(4 / 60, 6),
    ]);
    expect(rates.cells[2].designs.map((d) => d.name)).toEqual(['signal', 'session', 'mixnet']);
  });

  it('is found by the viewer for the matching CSV cell, whatever order the cells appear in', () => {
    const sweepKeys = rates.keys;
    // The viewer numbers cells by first appearance in the CSVs; here in reverse.
    const viewerCells = [...rates.cells].reverse().map((c) => ({ values: c.values, label: c.values.join(',') }));
    const index = parseRates(JSON.parse(JSON.stringify(rates)), sweepKeys, viewerCells);
    expect(index).not.toBeNull();
    const r = ratesFor(index, 1, 'signal'); // viewer cell 1 = run cell 2 (1/min cover, no replies)
    expect(r?.cover).toBeCloseTo(1 / 60, 6);
    expect(r?.real).toBeCloseTo(2 / 300, 6);
    expect(r?.total).toBeCloseTo(1 / 60 + 2 / 300, 6);
    expect(ratesFor(index, 3, 'signal')?.cover).toBe(0);
  });

  it('is undefined when the results have no rates, or rates that do not match', () => {
    const cellsV = rates.cells.map((c) => ({ values: c.values, label: '' }));
    expect(parseRates(undefined, rates.keys, cellsV)).toBeNull();
    expect(parseRates(null, rates.keys, cellsV)).toBeNull();
    expect(parseRates([1, 2], rates.keys, cellsV)).toBeNull();
    expect(parseRates({ keys: ['other'], cells: rates.cells }, rates.keys, cellsV)).toBeNull();
    expect(ratesFor(null, 0, 'signal')).toBeUndefined();
    const index = parseRates(rates, rates.keys, cellsV);
    expect(ratesFor(index, 0, 'no-such-design')).toBeUndefined();
    expect(ratesFor(index, 99, 'signal')).toBeUndefined();
    // A name like an Object.prototype key is not found by accident.
    expect(ratesFor(index, 0, 'constructor')).toBeUndefined();
    // Broken entries are dropped, not turned into NaN.
    const broken = {
      keys: rates.keys,
      cells: [
        {
          cell: 0,
          values: rates.cells[0].values,
          designs: [
            { name: 'signal', realPerUserPerS: 'x', coverPerUserPerS: 0 },
            { name: 'session', realPerUserPerS: -1, coverPerUserPerS: 0 },
            { name: 'mixnet', realPerUserPerS: 0.01 },
          ],
        },
      ],
    };
    const b = parseRates(broken, rates.keys, cellsV);
    expect(ratesFor(b, 0, 'signal')).toBeUndefined();
    expect(ratesFor(b, 0, 'session')).toBeUndefined();
    expect(ratesFor(b, 0, 'mixnet')).toEqual({ real: 0.01, cover: 0, total: 0.01 });
  });

  it('reaches the chart points through buildModel; the fixture without rates has none', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'anonsim-tradeoff-'));
    const fx = makeFixture(join(tmp, 'results'));
    rmSync(tmp, { recursive: true, force: true });
    const plain = buildModel({ summary: fx.files.summary, aggregate: fx.files.aggregate });
    expect(plain.rates).toBeNull();
    const p = tradeoffPoints(plain, 'global-passive', 'timing');
    expect(p).toHaveLength(plain.designs.length * plain.cells.length);
    expect(p.every((q) => q.rate === undefined)).toBe(true);
    // The same CSVs with a rates block for every cell: every point gets its cell's rate.
    const withRates = buildModel({
      summary: fx.files.summary,
      aggregate: fx.files.aggregate,
      rates: {
        keys: plain.sweepKeys,
        cells: plain.cells.map((c, i) => ({
          cell: i,
          values: c.values,
          designs: plain.designs.map((name) => ({ name, realPerUserPerS: 0.01, coverPerUserPerS: i / 100 })),
        })),
      },
    });
    const q = tradeoffPoints(withRates, 'global-passive', 'timing');
    expect(q.every((x) => x.rate !== undefined && x.rate.total === 0.01 + x.cell / 100)).toBe(true);
    expect(new Set(q.map((x) => x.cellLabel)).size).toBe(plain.cells.length);
  });
});

describe('readResults (anonsim view) finds the rates', () => {
  it('in manifest.json, else in report.html, else nowhere', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'anonsim-rates-'));
    try {
      const cm = makeCountermeasureFixture(join(tmp, 'a'));
      expect((await readResults(cm.dir)).rates).toEqual(cm.rates);
      // An older manifest without rates, but a report.html that has them.
      const b = makeCountermeasureFixture(join(tmp, 'b'), false);
      expect((await readResults(b.dir)).rates).toBeUndefined();
      await writeReport(b.dir, b.files, { timelines: [], title: 'b', rates: b.rates });
      expect((await readResults(b.dir)).rates).toEqual(b.rates);
      // Neither: the viewer model has no rates, so panel C explains what is missing.
      const c = makeCountermeasureFixture(join(tmp, 'c'), false);
      const data = await readResults(c.dir);
      expect('rates' in data).toBe(false);
      expect(buildModel(data).rates).toBeNull();
      expect(buildModel(await readResults(cm.dir)).rates?.size).toBe(cm.cells);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
