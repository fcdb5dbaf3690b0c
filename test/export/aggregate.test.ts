/** Student-t quantiles and the 95 % intervals of aggregate.csv. */
import { describe, expect, it } from 'vitest';
import { aggregateRows, meanInterval, tCdf, tQuantile } from '../../src/export/aggregate.js';
import type { SummaryRow } from '../../src/pipeline/types.js';

describe('tQuantile(0.975, df)', () => {
  it('matches published t tables', () => {
    const table: [number, number][] = [
      [1, 12.7062047362],
      [2, 4.30265272975],
      [3, 3.18244630528],
      [5, 2.57058183661],
      [10, 2.22813885196],
      [30, 2.0422724563],
      [1000, 1.96233908082],
    ];
    for (const [df, t] of table) expect(tQuantile(0.975, df)).toBeCloseTo(t, 8);
  });

  it('inverts the CDF', () => {
    for (const df of [1, 4, 17]) expect(tCdf(tQuantile(0.9, df), df)).toBeCloseTo(0.9, 10);
    expect(tCdf(0, 3)).toBeCloseTo(0.5, 12);
  });
});

describe('meanInterval(xs)', () => {
  it('is mean ± t(0.975, n−1)·s/√n', () => {
    const r = meanInterval([1, 2, 3]);
    expect(r.mean).toBe(2);
    expect(r.hi - r.mean).toBeCloseTo(4.30265272975 / Math.sqrt(3), 9);
    expect(r.mean - r.lo).toBeCloseTo(r.hi - r.mean, 12);
  });

  it('has lo = hi = mean with one replicate, and NaN when any replicate is NaN', () => {
    expect(meanInterval([0.25])).toEqual({ mean: 0.25, lo: 0.25, hi: 0.25 });
    expect(meanInterval([1, Number.NaN]).mean).toBeNaN();
    expect(meanInterval([4, 4, 4])).toEqual({ mean: 4, lo: 4, hi: 4 });
  });
});

describe('aggregateRows(summary)', () => {
  it('groups by cell, design, adversary and attack in first-appearance order', () => {
    const row = (cell: number, replicate: number, design: string, top1: number): SummaryRow => ({
      cell,
      sweep: [cell],
      design,
      adversary: 'a',
      attack: 'timing',
      replicate,
      seed: replicate,
      users: 10,
      messages: 5,
      deliveries: 4,
      top1,
      top5: 1,
      entropy_bits: 1,
      anonymity_set: 2,
      pair_auc: 0.5,
      pair_precision: 0,
      latency_p50_ms: 1,
      latency_p95_ms: 2,
      bytes_per_message: 100,
      excluded: 0,
      held: 2,
    });
    const agg = aggregateRows([row(0, 0, 'x', 0.1), row(0, 0, 'y', 0.5), row(0, 1, 'x', 0.3), row(1, 0, 'x', 1)]);
    expect(agg.map((a) => [a.cell, a.design, a.replicates])).toEqual([
      [0, 'x', 2],
      [0, 'y', 1],
      [1, 'x', 1],
    ]);
    expect(agg[0].stats.top1.mean).toBeCloseTo(0.2, 12);
    expect(agg[0].sweep).toEqual([0]);
  });
});
