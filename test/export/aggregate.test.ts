/** Student-t quantiles and the 95 % intervals of aggregate.csv. */
import { describe, expect, it } from 'vitest';
import {
  aggregateRows,
  intervalKind,
  meanInterval,
  metricRange,
  tCdf,
  tQuantile,
} from '../../src/metrics/aggregate.js';
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

describe('meanInterval(xs, kind)', () => {
  it('is mean ± t(0.975, n−1)·s/√n for an unbounded metric, cut at 0', () => {
    const r = meanInterval([11, 12, 13]);
    expect(r.mean).toBe(12);
    expect(r.hi - r.mean).toBeCloseTo(4.30265272975 / Math.sqrt(3), 9);
    expect(r.mean - r.lo).toBeCloseTo(r.hi - r.mean, 12);
    // Two latencies 1 and 9 ms: t gives 5 ± 50.8, which would reach −45.8 ms.
    const l = meanInterval([1, 9], 'nonnegative');
    expect(l.lo).toBe(0);
    expect(l.hi).toBeCloseTo(5 + 12.7062047362 * 4, 8);
  });

  it('has empty bounds with one replicate, the point for equal replicates, NaN when any replicate is NaN', () => {
    const one = meanInterval([0.25], 'proportion');
    expect(one.mean).toBe(0.25);
    expect(one.lo).toBeNaN();
    expect(one.hi).toBeNaN();
    expect(meanInterval([1, Number.NaN]).mean).toBeNaN();
    expect(meanInterval([4, 4, 4])).toEqual({ mean: 4, lo: 4, hi: 4 });
    expect(meanInterval([0.3, 0.3], 'proportion')).toEqual({ mean: 0.3, lo: 0.3, hi: 0.3 });
  });

  it('keeps proportions within [0, 1] where the t-interval leaves it (issue 17: [−1.16, 1.52])', () => {
    // Two replicates 0 and 0.36: t gives 0.18 ± 2.29.
    const r = meanInterval([0, 0.36], 'proportion');
    expect(r.mean).toBeCloseTo(0.18, 12);
    expect(r.lo).toBeGreaterThanOrEqual(0);
    expect(r.hi).toBeLessThanOrEqual(1);
    expect(r.lo).toBeLessThan(r.mean);
    expect(r.hi).toBeGreaterThan(r.mean);
    // Hand computation: n* = 2·0.18·0.82/0.0648 = 4.5556, t = 12.7062.
    const n = (2 * 0.18 * 0.82) / 0.0648;
    const t = 12.7062047362;
    const c = (0.18 + (t * t) / (2 * n)) / (1 + (t * t) / n);
    const h = (t / (1 + (t * t) / n)) * Math.sqrt((0.18 * 0.82) / n + (t * t) / (4 * n * n));
    expect(r.lo).toBeCloseTo(Math.max(0, c - h), 9);
    expect(r.hi).toBeCloseTo(Math.min(1, c + h), 9);
    for (const xs of [
      [0, 0.001, 0],
      [1, 0.999],
      [0.98, 1, 1, 0.97],
      [0.02, 0.5],
    ]) {
      const q = meanInterval(xs, 'proportion');
      expect(q.lo).toBeGreaterThanOrEqual(0);
      expect(q.hi).toBeLessThanOrEqual(1);
      expect(q.lo).toBeLessThanOrEqual(q.mean);
      expect(q.hi).toBeGreaterThanOrEqual(q.mean);
    }
  });

  it('is the t-interval for a proportion away from the bounds with many replicates', () => {
    const xs = Array.from({ length: 40 }, (_, i) => 0.5 + 0.01 * Math.sin(i));
    const w = meanInterval(xs, 'proportion');
    const t = meanInterval(xs, 'nonnegative');
    expect(w.lo).toBeCloseTo(t.lo, 4);
    expect(w.hi).toBeCloseTo(t.hi, 4);
  });

  it('covers a small proportion about 95% of the time with 3 replicates (binomial replicates)', () => {
    // Replicate value = successes/200 with p = 0.03; 4000 seeded trials.
    let s = 12345;
    const u = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 4294967296;
    };
    let covered = 0;
    const trials = 4000;
    for (let k = 0; k < trials; k++) {
      const xs = [0, 1, 2].map(() => {
        let c = 0;
        for (let j = 0; j < 200; j++) if (u() < 0.03) c++;
        return c / 200;
      });
      const r = meanInterval(xs, 'proportion');
      if (r.lo <= 0.03 && 0.03 <= r.hi) covered++;
      expect(r.lo).toBeGreaterThanOrEqual(0);
    }
    // Measured: 95.6% (the t-interval, which can leave [0, 1], 95.2%).
    expect(covered / trials).toBeGreaterThan(0.9);
  });

  it('maps bounded metrics onto [0, 1]: entropy within [0, log2 users], anonymity set within [1, users]', () => {
    const users = 100;
    const e = meanInterval([6.6, 6.64], 'bounded', metricRange('entropy_bits', users));
    expect(e.hi).toBeLessThanOrEqual(Math.log2(users));
    expect(e.lo).toBeGreaterThanOrEqual(0);
    const a = meanInterval([1, 1.5], 'bounded', metricRange('anonymity_set', users));
    expect(a.lo).toBeGreaterThanOrEqual(1);
    expect(a.hi).toBeLessThanOrEqual(users);
    expect(intervalKind('top1')).toBe('proportion');
    expect(intervalKind('excluded')).toBe('proportion');
    expect(intervalKind('anonymity_set')).toBe('bounded');
    expect(intervalKind('latency_p50_ms')).toBe('nonnegative');
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
