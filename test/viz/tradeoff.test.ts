/**
 * The trade-off chart's pure helpers (viz/src/tradeoff-data.ts) in Node: Pareto front (overall
 * and per design), each design's baseline cell and the added costs, the added-cost axis, the
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
  addedAxis,
  addedCosts,
  boundRegion,
  boundSegment,
  designBaselines,
  frontsByDesign,
  isZeroLike,
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
import { CM_DESIGNS, makeCountermeasureFixture, makeFixture } from './fixture.js';

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

describe('per-design fronts', () => {
  // Two designs interleaved; each has its own price curve.
  const P = [
    { design: 'a', x: 10, y: 0.9 }, // 0: a front
    { design: 'b', x: 5, y: 0.95 }, // 1: b front (also overall)
    { design: 'a', x: 20, y: 0.95 }, // 2: a, dominated by 0
    { design: 'b', x: 30, y: 0.2 }, // 3: b front
    { design: 'a', x: 40, y: 0.1 }, // 4: a front (also overall)
    { design: 'b', x: 50, y: 0.5 }, // 5: b, dominated by 3
    { design: 'a', x: 60, y: 0.1 }, // 6: a, dominated by 4 (same y, more cost)
    { design: 'c', x: Number.NaN, y: 0.1 }, // 7: c has no finite point: no entry
  ];
  const xy = (p: (typeof P)[number]) => ({ x: p.x, y: p.y });

  it("groups by design and keeps each design's own undominated points, in order of x", () => {
    const f = frontsByDesign(P, xy);
    expect([...f.keys()]).toEqual(['a', 'b']);
    expect(f.get('a')).toEqual([0, 4]);
    expect(f.get('b')).toEqual([1, 3]);
    // The overall front mixes both designs' points.
    expect(paretoFront(P.map(xy))).toEqual([1, 0, 3, 4]);
    // A point dominated only by another design's point stays on its own design's front.
    const q = [
      { design: 'a', x: 1, y: 1 },
      { design: 'b', x: 2, y: 2 },
    ];
    expect(paretoFront(q.map(xy))).toEqual([0]);
    expect(frontsByDesign(q, xy).get('b')).toEqual([1]);
  });

  it('agrees with paretoFront run on each design alone, on random points', () => {
    let s = 7;
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
    for (let trial = 0; trial < 30; trial++) {
      const q = Array.from({ length: 25 }, () => ({
        design: ['a', 'b', 'c'][Math.floor(rand() * 3)],
        x: Math.floor(rand() * 6),
        y: Math.floor(rand() * 6),
      }));
      const f = frontsByDesign(q, xy);
      for (const d of ['a', 'b', 'c']) {
        const idx = q.map((_, i) => i).filter((i) => q[i].design === d);
        if (idx.length === 0) {
          expect(f.has(d)).toBe(false);
          continue;
        }
        const own = paretoFront(idx.map((i) => xy(q[i]))).map((k) => idx[k]);
        expect(f.get(d)).toEqual(own);
      }
    }
  });

  it('handles the empty and single-point cases', () => {
    expect(frontsByDesign([], xy).size).toBe(0);
    expect([...frontsByDesign([{ design: 'x', x: 3, y: 0.4 }], xy)]).toEqual([['x', [0]]]);
  });
});

describe('baseline cells and added costs', () => {
  it('recognises zero-like swept values (countermeasure off)', () => {
    for (const v of [
      '0',
      '0.0',
      '-0',
      '+0',
      '.0',
      '0s',
      '0 ms',
      '0/s',
      '0/min',
      '0 / s',
      '0%',
      '0B',
      '0e3',
      'false',
      'OFF',
      'none',
      'no',
      'disabled',
      ' 0s ',
    ])
      expect(isZeroLike(v), v).toBe(true);
    for (const v of [
      '',
      '1',
      '0.5',
      '0.05',
      '1s',
      '1/min',
      '30s',
      '10ms',
      'true',
      'on',
      'zipf',
      '0x10',
      '00:01',
      '1e-3',
      's',
      '/s',
      '0.5s',
    ])
      expect(isZeroLike(v), v).toBe(false);
  });

  // One design, 2 × 2 cells (mixDelay × coverRate), as the countermeasures scenario writes them.
  const cell = (design: string, i: number, values: string[], latency: number, bytes: number) => ({
    design,
    cell: i,
    cellValues: values,
    latency,
    bytes,
  });
  const lat = (p: { latency: number }) => p.latency;
  const byt = (p: { bytes: number }) => p.bytes;

  it("takes the design's cell with every swept value zero-like, even when another cell is cheaper", () => {
    const P = [
      cell('s', 0, ['0s', '1/min'], 84, 12_000),
      cell('s', 1, ['0s', '0/s'], 86, 4_000), // deployed
      cell('s', 2, ['30s', '0/s'], 22_000, 3_900), // cheaper in bytes than the baseline
      cell('s', 3, ['30s', '1/min'], 21_000, 11_000),
      cell('t', 0, ['0s', '1/min'], 500, 9_000),
      cell('t', 1, ['0s', '0/s'], 520, 3_000), // deployed
    ];
    const bl = designBaselines(P, lat);
    expect(bl.get('s')).toEqual({ index: 1, kind: 'deployed' });
    expect(bl.get('t')).toEqual({ index: 5, kind: 'deployed' });
    expect(designBaselines(P, byt).get('s')).toEqual({ index: 1, kind: 'deployed' });
    // Added: the baseline is 0; the rest is the difference, negative where cheaper than deployed.
    const a = addedCosts(P, lat);
    expect(a.added).toEqual([-2, 0, 21_914, 20_914, -20, 0]);
    const b = addedCosts(P, byt);
    expect(b.added).toEqual([8_000, 0, -100, 7_000, 6_000, 0]);
    expect(b.baselines).toEqual(designBaselines(P, byt));
  });

  it('falls back to the cheapest cell when no cell has every swept value zero-like', () => {
    const P = [
      cell('s', 0, ['0.05'], 90, 4_000),
      cell('s', 1, ['0.1'], 80, 4_100),
      cell('s', 2, ['0.2'], 80, 3_900), // same latency as cell 1: the lower cell index wins
      cell('m', 0, ['0s', '0.05'], 100, 5_000), // one swept value is not zero-like: not deployed
      cell('m', 1, ['1s', '0.05'], 900, 5_000),
      cell('r', 3, ['0.2'], 50, 1), // a tie listed out of cell order: still the lower cell index
      cell('r', 1, ['0.1'], 50, 1),
    ];
    expect(designBaselines(P, lat).get('s')).toEqual({ index: 1, kind: 'cheapest' });
    expect(designBaselines(P, lat).get('r')).toEqual({ index: 6, kind: 'cheapest' });
    expect(designBaselines(P, byt).get('s')).toEqual({ index: 2, kind: 'cheapest' });
    expect(designBaselines(P, lat).get('m')).toEqual({ index: 3, kind: 'cheapest' });
    // Relative to the cheapest cell nothing is negative.
    const a = addedCosts(P, lat).added;
    expect(a).toEqual([10, 0, 0, 0, 800, 0, 0]);
    expect(addedCosts(P, byt).added).toEqual([100, 200, 0, 0, 0, 0, 0]);
  });

  it('skips cells without a value; a design with none has no baseline and NaN added costs', () => {
    const P = [
      cell('s', 0, ['0s'], Number.NaN, 4_000), // the deployed cell has no latency
      cell('s', 1, ['1s'], 900, 4_000),
      cell('s', 2, ['5s'], 3_000, 4_000),
      cell('u', 0, ['0s'], Number.NaN, 1),
    ];
    expect(designBaselines(P, lat).get('s')).toEqual({ index: 1, kind: 'cheapest' });
    expect(designBaselines(P, lat).has('u')).toBe(false);
    expect(addedCosts(P, lat).added).toEqual([Number.NaN, 0, 2_100, Number.NaN]);
    // Per cost: the bytes baseline is still the deployed cell.
    expect(designBaselines(P, byt).get('s')).toEqual({ index: 0, kind: 'deployed' });
  });

  it('treats a run without a sweep (no swept values) as all deployed', () => {
    const P = [cell('s', 0, [], 90, 4_000), cell('t', 0, [], 300, 7_000)];
    expect(designBaselines(P, lat)).toEqual(
      new Map([
        ['s', { index: 0, kind: 'deployed' }],
        ['t', { index: 1, kind: 'deployed' }],
      ]),
    );
    expect(addedCosts(P, lat).added).toEqual([0, 0]);
  });

  it('finds the deployed cell of every design in the countermeasure fixture', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'anonsim-tradeoff-'));
    const cm = makeCountermeasureFixture(join(tmp, 'cm'));
    rmSync(tmp, { recursive: true, force: true });
    const model = buildModel({ summary: cm.files.summary, aggregate: cm.files.aggregate });
    const p = tradeoffPoints(model, 'global-passive', 'timing');
    expect(p[0].cellValues).toEqual(['0s', '0/s']);
    for (const get of [(q: (typeof p)[number]) => q.latencyMs.mean, (q: (typeof p)[number]) => q.bytes.mean]) {
      const { added, baselines } = addedCosts(p, get);
      expect([...baselines.keys()]).toEqual(CM_DESIGNS);
      for (const b of baselines.values()) {
        expect(b.kind).toBe('deployed');
        expect(p[b.index].cell).toBe(0);
      }
      p.forEach((q, i) => {
        const base = p.find((r) => r.design === q.design && r.cell === 0)!;
        expect(added[i]).toBeCloseTo(get(q) - get(base), 9);
      });
    }
  });
});

describe('added-cost axis', () => {
  it('is symlog over several decades, with 0 inside and ticks at 0 and powers of ten', () => {
    const ax = addedAxis([0, 0, -2, 3, 750, 3_500, 21_000, 250_000], 330);
    expect(ax.kind).toBe('symlog');
    expect(ax.constant).toBe(250); // max / 1000 > smallest non-zero |value| (2)
    expect(ax.domain[0]).toBeLessThan(-2);
    expect(ax.domain[1]).toBeGreaterThan(250_000);
    expect(ax.ticks).toContain(0);
    expect(ax.ticks.filter((t) => t > 0)).toEqual([1_000, 10_000, 100_000]);
    expect(ax.ticks).toEqual([...ax.ticks].sort((a, b) => a - b));
  });

  it('labels a short negative side when values fall below the baselines', () => {
    // The real countermeasures run, bytes: mixing 30 s lowers the bytes per message a little.
    const ax = addedAxis([0, -36_522, -21_943, -89.75, 16_272, 1_010_343, 9_106_916], 332);
    expect(ax.kind).toBe('symlog');
    const neg = ax.ticks.filter((t) => t < 0);
    expect(neg).toHaveLength(1);
    expect(neg[0]).toBeGreaterThanOrEqual(ax.domain[0]);
  });

  it('uses the smallest non-zero value as the constant when that is larger, and half decades when few ticks fit', () => {
    const ax = addedAxis([0, 40, 900], 330);
    expect(ax.kind).toBe('symlog');
    expect(ax.constant).toBe(40);
    expect(ax.ticks.length).toBeGreaterThanOrEqual(3);
  });

  it('is linear when the non-zero values do not span a decade (or there are none)', () => {
    const ax = addedAxis([0, 10, 40, 55], 330);
    expect(ax.kind).toBe('linear');
    expect(ax.domain[0]).toBeLessThan(0);
    expect(ax.domain[1]).toBeGreaterThan(55);
    const none = addedAxis([0, 0, Number.NaN]);
    expect(none.kind).toBe('linear');
    expect(none.domain[0]).toBeLessThan(0);
    expect(none.domain[1]).toBeGreaterThan(0);
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
  const cells = sweepCells(scenario!, structuredClone(RAW), 'rates.yaml');
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
