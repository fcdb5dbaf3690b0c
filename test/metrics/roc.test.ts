// The ROC behind pair_auc: every vertex against a brute force over all ordered pairs, and the
// thinned curve keeping the area exactly.
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../src/attacks/util-hash.js';
import { labelPairs, pairKey, pairMetrics } from '../../src/metrics/pairs.js';
import { rocCurve, rocVertices, thinRoc, trapezoidArea } from '../../src/metrics/roc.js';
import { rng } from './helpers.js';

/** Brute force: every ordered pair u ≠ v with its score (0 when unlisted) and label. */
function bruteRoc(users: number, listed: Map<number, number>, positives: Set<number>) {
  const items: { s: number; p: boolean }[] = [];
  for (let u = 0; u < users; u++)
    for (let v = 0; v < users; v++) {
      if (u === v) continue;
      const k = pairKey(u, v, users);
      items.push({ s: listed.get(k) ?? 0, p: positives.has(k) });
    }
  const n1 = items.filter((d) => d.p).length;
  const n0 = items.length - n1;
  // Distinct thresholds descending; vertex = (share of negatives ≥ t, share of positives ≥ t).
  const ts = [...new Set(items.map((d) => d.s))].sort((a, b) => b - a);
  const pts = [
    [0, 0],
    ...ts.map((t) => [
      items.filter((d) => !d.p && d.s >= t).length / n0,
      items.filter((d) => d.p && d.s >= t).length / n1,
    ]),
  ];
  // Mann–Whitney with ties ½, directly.
  let u = 0;
  for (const a of items) if (a.p) for (const b of items) if (!b.p) u += a.s > b.s ? 1 : a.s === b.s ? 0.5 : 0;
  return { pts, auc: u / (n1 * n0), thresholds: ts };
}

function randomCase(seed: number, users: number, listedN: number, levels: number) {
  const r = rng(seed);
  const listed = new Map<number, number>();
  const positives = new Set<number>();
  while (listed.size < listedN) {
    const u = Math.floor(r() * users);
    const v = Math.floor(r() * users);
    if (u === v) continue;
    // Few levels, so ties (including ties with the unlisted 0 block) are common.
    listed.set(pairKey(u, v, users), Math.floor(r() * levels) / levels);
  }
  for (let k = 0; k < users * 2; k++) {
    const u = Math.floor(r() * users);
    const v = Math.floor(r() * users);
    if (u !== v) positives.add(pairKey(u, v, users));
  }
  const keys = [...listed.keys()].sort((a, b) => a - b);
  const pairs = {
    sender: Int32Array.from(keys.map((k) => Math.floor(k / users))),
    recipient: Int32Array.from(keys.map((k) => k % users)),
    score: Float64Array.from(keys.map((k) => listed.get(k)!)),
  };
  const pos = new KeyTable();
  for (const k of positives) pos.add(k, 1);
  return { pairs, pos, listed, positives };
}

describe('rocVertices', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`equals the brute-force ROC over all ordered pairs (seed ${seed})`, () => {
      const users = 14;
      const c = randomCase(seed, users, 60, seed === 5 ? 3 : 8);
      const roc = rocVertices(labelPairs(c.pairs, c.pos, users))!;
      const brute = bruteRoc(users, c.listed, c.positives);
      expect(roc.fpr.length).toBe(brute.pts.length);
      for (let k = 0; k < roc.fpr.length; k++) {
        expect(roc.fpr[k]).toBeCloseTo(brute.pts[k][0], 12);
        expect(roc.tpr[k]).toBeCloseTo(brute.pts[k][1], 12);
      }
      expect([...roc.threshold.slice(1)]).toEqual(brute.thresholds);
      expect(roc.fpr[roc.fpr.length - 1]).toBe(1);
      expect(roc.tpr[roc.tpr.length - 1]).toBe(1);
      const area = trapezoidArea(roc.fpr, roc.tpr);
      expect(area).toBeCloseTo(brute.auc, 12);
      expect(area).toBeCloseTo(pairMetrics(c.pairs, c.pos, users).pair_auc, 12);
    });
  }

  it('is null when a class is empty', () => {
    expect(rocVertices({ pos: new Float64Array(0), neg: new Float64Array([1]), zeroNeg: 3 })).toBeNull();
    expect(rocVertices({ pos: new Float64Array([1]), neg: new Float64Array(0), zeroNeg: 0 })).toBeNull();
  });
});

describe('thinRoc', () => {
  it('keeps the area exactly, the end points, monotonicity and a few hundred points', () => {
    const r = rng(9);
    const pos = Float64Array.from({ length: 3000 }, () => r() ** 0.5).sort();
    const neg = Float64Array.from({ length: 20000 }, () => r() ** 2).sort();
    const full = rocVertices({ pos, neg, zeroNeg: 50000 })!;
    expect(full.fpr.length).toBeGreaterThan(20000);
    const thin = thinRoc(full, 200);
    expect(thin.fpr.length).toBeLessThanOrEqual(400);
    expect(thin.fpr.length).toBeGreaterThan(150);
    expect(trapezoidArea(thin.fpr, thin.tpr)).toBeCloseTo(trapezoidArea(full.fpr, full.tpr), 12);
    expect([thin.fpr[0], thin.tpr[0]]).toEqual([0, 0]);
    expect([thin.fpr.at(-1), thin.tpr.at(-1)]).toEqual([1, 1]);
    for (let k = 1; k < thin.fpr.length; k++) {
      expect(thin.fpr[k]).toBeGreaterThanOrEqual(thin.fpr[k - 1]);
      expect(thin.tpr[k]).toBeGreaterThanOrEqual(thin.tpr[k - 1]);
    }
    // Kept vertices are exact operating points; inserted ones carry no threshold.
    const exact = new Map<number, number>();
    for (let k = 0; k < full.fpr.length; k++) exact.set(full.threshold[k], k);
    let inserted = 0;
    for (let k = 0; k < thin.fpr.length; k++) {
      if (Number.isNaN(thin.threshold[k])) {
        inserted++;
        continue;
      }
      const j = exact.get(thin.threshold[k])!;
      expect([thin.fpr[k], thin.tpr[k]]).toEqual([full.fpr[j], full.tpr[j]]);
    }
    expect(inserted).toBeGreaterThan(0);
    // Without the inserted points the area would be off: the correction is doing the work.
    const keptOnly = [...thin.fpr.keys()].filter((k) => !Number.isNaN(thin.threshold[k]));
    const off = trapezoidArea(
      keptOnly.map((k) => thin.fpr[k]),
      keptOnly.map((k) => thin.tpr[k]),
    );
    expect(Math.abs(off - trapezoidArea(full.fpr, full.tpr))).toBeGreaterThan(1e-6);
  });

  it('streams: rocCurve (two passes, no vertex array) gives thinRoc of every vertex', () => {
    const r = rng(10);
    const pos = Float64Array.from({ length: 2000 }, () => Math.round(r() * 500) / 500).sort();
    const neg = Float64Array.from({ length: 9000 }, () => Math.round(r() ** 3 * 500) / 500).sort();
    const l = { pos, neg, zeroNeg: 7000 };
    expect(rocCurve(l, 100)).toEqual(thinRoc(rocVertices(l)!, 100));
    expect(rocCurve({ pos: new Float64Array(0), neg, zeroNeg: 1 })).toBeNull();
  });

  it('leaves a short curve as it is', () => {
    const c = rocVertices({ pos: Float64Array.from([0.2, 0.9]), neg: Float64Array.from([0.5]), zeroNeg: 2 })!;
    expect(thinRoc(c, 200)).toBe(c);
  });
});
