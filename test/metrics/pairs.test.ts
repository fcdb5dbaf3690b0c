// V20 (attacks-and-validation Part B): AUC and precision test vectors; sparse pair metrics
// against a brute force over every ordered pair.
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../src/attacks/util-hash.js';
import { aucFromScores, pairKey, pairMetrics, precisionAtK } from '../../src/metrics/index.js';
import { labelPairs, positiveIndex, positivePairs } from '../../src/metrics/pairs.js';
import { rng } from './helpers.js';

const f = (xs: number[]) => Float64Array.from(xs).sort();

function pairsOf(list: [number, number, number][]) {
  return {
    sender: Int32Array.from(list.map((p) => p[0])),
    recipient: Int32Array.from(list.map((p) => p[1])),
    score: Float64Array.from(list.map((p) => p[2])),
  };
}

/** All ordered pairs u ≠ v of `users`, in (u, v) order. */
function allPairs(users: number): [number, number][] {
  const out: [number, number][] = [];
  for (let u = 0; u < users; u++) for (let v = 0; v < users; v++) if (u !== v) out.push([u, v]);
  return out;
}

describe('V20 AUC vectors', () => {
  it('positives {0.9, 0.8, 0.4} vs negatives {0.7, 0.3, 0.2, 0.1} → 11/12', () => {
    expect(Math.abs(aucFromScores(f([0.9, 0.8, 0.4]), f([0.7, 0.3, 0.2, 0.1])) - 11 / 12)).toBeLessThan(1e-12);
  });
  it('a single tie → 0.5', () => {
    expect(aucFromScores(f([0.5]), f([0.5]))).toBe(0.5);
  });
  it('implicit zero negatives join ties at 0 and sit below positive scores', () => {
    expect(aucFromScores(f([0]), f([]), 3)).toBe(0.5);
    // 0.1 beats both zeros (2), 0 ties both zeros (2 · ½), nothing beats 0.2: 3 of 2 · 3.
    expect(aucFromScores(f([0.1, 0]), f([0.2]), 2)).toBeCloseTo(3 / 6, 15);
  });
  it('NaN when a class is empty', () => {
    expect(aucFromScores(f([]), f([1]))).toBeNaN();
    expect(aucFromScores(f([1]), f([]), 0)).toBeNaN();
  });
});

describe('V20 precision under base rate: TPR/(TPR + FPR·(n − 1))', () => {
  // Realised with pair scores: TP positives and FP negatives share the top score 1, the other
  // positives and every other pair score 0. K = number of positives ≤ TP + FP, so the cut falls
  // inside the top group and the expected precision under uniform tie-breaking is TP/(TP + FP).
  const rows = [
    { n: 1000, tpr: 0.9, fpr: 1e-3, tp: 900, fp: 999, positives: 1000, table: 0.473934 },
    { n: 1000, tpr: 0.9, fpr: 1e-5, tp: 90000, fp: 999, positives: 90000, table: 0.989022 },
    { n: 10000, tpr: 0.9, fpr: 1e-3, tp: 900, fp: 9999, positives: 1000, table: 0.082576 },
  ];
  for (const row of rows) {
    it(`n = ${row.n}, TPR ${row.tpr}, FPR ${row.fpr}`, () => {
      const need = row.positives + row.fp;
      let users = 2;
      while (users * (users - 1) < need) users++;
      const all = allPairs(users);
      const positives = new KeyTable();
      const list: [number, number, number][] = [];
      for (let k = 0; k < row.positives; k++) {
        positives.add(pairKey(all[k][0], all[k][1], users), 1);
        if (k < row.tp) list.push([all[k][0], all[k][1], 1]);
      }
      for (let k = row.positives; k < row.positives + row.fp; k++) list.push([all[k][0], all[k][1], 1]);
      const m = pairMetrics(pairsOf(list), positives, users);
      const expected = row.tpr / (row.tpr + row.fpr * (row.n - 1));
      expect(Math.abs(m.pair_precision - expected)).toBeLessThan(1e-12);
      expect(Math.abs(m.pair_precision - row.table)).toBeLessThan(1e-6);
      expect(m.positives).toBe(row.positives);
    });
  }

  it('cut on a group boundary and inside a lower group', () => {
    // desc: 3 (pos), 2 (neg), 2 (pos), 1 (pos), 0 … ; K = 3 positives → cut after the 2s.
    expect(precisionAtK(f([3, 2, 1]), f([2]), 5, 3)).toBeCloseTo(2 / 3, 15);
    // K = 2 cuts inside the {2, 2} group: 1 + 1·(1/2) expected hits.
    expect(precisionAtK(f([3, 2, 1]), f([2]), 5, 2)).toBeCloseTo(0.75, 15);
  });
});

describe('sparse pair metrics equal a brute force over all ordered pairs', () => {
  it('random small cases (ties, zeros, self pairs, unlisted positives)', () => {
    const r = rng(2024);
    const levels = [0, 0, 0.1, 0.3, 0.3, 1];
    let checked = 0;
    for (let trial = 0; trial < 400; trial++) {
      const users = 2 + Math.floor(r() * 6);
      const list: [number, number, number][] = [];
      const positives = new Set<number>();
      const dense = new Map<number, number>();
      for (let u = 0; u < users; u++)
        for (let v = 0; v < users; v++) {
          if (r() < 0.25) positives.add(pairKey(u, v, users)); // self "positives" must be ignored
          if (r() < 0.5) {
            const s = levels[Math.floor(r() * levels.length)];
            list.push([u, v, s]);
            dense.set(pairKey(u, v, users), s);
          }
        }
      // Brute force: every ordered pair u ≠ v, score from the list or 0.
      const pos: number[] = [];
      const neg: number[] = [];
      const all: { s: number; p: boolean }[] = [];
      for (const [u, v] of allPairs(users)) {
        const key = pairKey(u, v, users);
        const s = dense.get(key) ?? 0;
        const p = positives.has(key);
        (p ? pos : neg).push(s);
        all.push({ s, p });
      }
      const realPositives = new KeyTable();
      for (const k of positives) if (Math.floor(k / users) !== k % users) realPositives.add(k, 1);
      const m = pairMetrics(pairsOf(list), realPositives, users);
      if (pos.length === 0 || neg.length === 0) {
        expect(m.pair_auc).toBeNaN();
        continue;
      }
      let u = 0;
      for (const x of pos) for (const y of neg) u += x > y ? 1 : x === y ? 0.5 : 0;
      expect(m.pair_auc).toBeCloseTo(u / (pos.length * neg.length), 12);
      // Expected precision = Σ over positives of P(pair in top K), each by the top-k tie rule.
      const K = pos.length;
      let hits = 0;
      for (const a of all) {
        if (!a.p) continue;
        const g = all.filter((b) => b.s > a.s).length;
        const e = all.filter((b) => b.s === a.s).length;
        hits += Math.min(1, Math.max(0, (K - g) / e));
      }
      expect(m.pair_precision).toBeCloseTo(hits / K, 12);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});

describe('labelPairs with a positive index (stamps instead of hash probes)', () => {
  it('labels as the hash does, whatever order the pairs are listed in', () => {
    const r = rng(17);
    const users = 40;
    const n = 300;
    const sender = Int32Array.from({ length: n }, () => Math.floor(r() * users));
    // Some self deliveries (notes to self) and repeated pairs among the targets.
    const recipient = Int32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? sender[i] : Math.floor(r() * users)));
    const positives = positivePairs(sender, recipient, users);
    const index = positiveIndex(sender, recipient, users);
    const all: [number, number, number][] = [];
    for (let s = 0; s < users; s++)
      for (let v = 0; v < users; v++) if (r() < 0.4) all.push([s, v, Math.floor(r() * 6) / 5]);
    const orders: Record<string, [number, number, number][]> = {
      'by sender': all,
      'by recipient': [...all].sort((a, b) => a[1] - b[1] || a[0] - b[0]),
      shuffled: [...all].sort(() => r() - 0.5),
    };
    let positive = 0;
    for (const [name, list] of Object.entries(orders)) {
      const pairs = {
        sender: Int32Array.from(list, (p) => p[0]),
        recipient: Int32Array.from(list, (p) => p[1]),
        score: Float64Array.from(list, (p) => p[2]),
      };
      const hashed = labelPairs(pairs, positives, users);
      const stamped = labelPairs(pairs, positives, users, index);
      expect(stamped, name).toEqual(hashed);
      positive = hashed.pos.filter((x) => x > 0).length;
    }
    expect(positive).toBeGreaterThan(10);
  });
});
