// Tie-aware top-k (CONTRACT §4): P(rank ≤ k) = clamp((k − g)/e, 0, 1), unlisted users at base.
import { describe, expect, it } from 'vitest';
import { expectedRank, rankCounts, topkProbability } from '../../src/metrics/index.js';
import { rng, sparse } from './helpers.js';

describe('top-k under uniform tie-breaking', () => {
  it('no information gives k/users exactly', () => {
    const s = sparse([[]], [1]);
    const { above, equal } = rankCounts(s, 0, 17, 1000);
    expect([above, equal]).toEqual([0, 1000]);
    expect(topkProbability(above, equal, 1)).toBe(1 / 1000);
    expect(topkProbability(above, equal, 5)).toBe(5 / 1000);
    expect(expectedRank(above, equal)).toBe(500.5);
  });

  it('true sender tied at the top with e users', () => {
    const s = sparse(
      [
        [
          [1, 0.25],
          [2, 0.25],
          [3, 0.25],
          [4, 0.25],
        ],
      ],
      [0],
    );
    const { above, equal } = rankCounts(s, 0, 3, 10);
    expect([above, equal]).toEqual([0, 4]);
    expect(topkProbability(above, equal, 1)).toBe(0.25);
    expect(topkProbability(above, equal, 5)).toBe(1);
    expect(expectedRank(above, equal)).toBe(2.5);
  });

  it('unlisted true sender ties with every unlisted user at base', () => {
    const s = sparse(
      [
        [
          [1, 0.5],
          [2, 0.5],
        ],
      ],
      [0],
    );
    const { above, equal } = rankCounts(s, 0, 5, 10);
    expect([above, equal]).toEqual([2, 8]);
    expect(topkProbability(above, equal, 1)).toBe(0);
    expect(topkProbability(above, equal, 5)).toBe(3 / 8);
    expect(expectedRank(above, equal)).toBe(6.5);
  });

  it('listed below an unlisted base ranks after all unlisted users', () => {
    const s = sparse([[[4, 0.1]]], [0.2]);
    const { above, equal } = rankCounts(s, 0, 4, 10);
    expect([above, equal]).toEqual([9, 1]);
    expect(topkProbability(above, equal, 5)).toBe(0);
    expect(expectedRank(above, equal)).toBe(10);
  });

  it('matches a dense position count on random cases', () => {
    const r = rng(7);
    const levels = [0, 0.1, 0.5, 1];
    for (let trial = 0; trial < 500; trial++) {
      const users = 1 + Math.floor(r() * 12);
      const dense = Array.from({ length: users }, () => levels[Math.floor(r() * 4)]);
      const base = levels[Math.floor(r() * 4)];
      const list: [number, number][] = [];
      for (let u = 0; u < users; u++) {
        if (dense[u] !== base || r() < 0.3) list.push([u, dense[u]]);
      }
      const s = sparse([list], [base]);
      const unlistedSet = new Set(list.map((x) => x[0]));
      const full = dense.map((v, u) => (unlistedSet.has(u) ? v : base));
      const t = Math.floor(r() * users);
      // Positions the true sender can take: above+1 … above+equal, each equally likely.
      const above = full.filter((v) => v > full[t]).length;
      const equal = full.filter((v) => v === full[t]).length;
      const rc = rankCounts(s, 0, t, users);
      expect(rc).toEqual({ above, equal, score: full[t] });
      for (const k of [1, 2, 5]) {
        let hits = 0;
        for (let pos = above + 1; pos <= above + equal; pos++) if (pos <= k) hits++;
        expect(topkProbability(rc.above, rc.equal, k)).toBeCloseTo(hits / equal, 14);
      }
    }
  });
});
