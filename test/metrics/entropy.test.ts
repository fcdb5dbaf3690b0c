// V19 (attacks-and-validation Part B): entropy, effective anonymity set 2^H, degree H/log2 N.
import { describe, expect, it } from 'vitest';
import { candidateCount, entropyBits } from '../../src/metrics/index.js';
import { sparse } from './helpers.js';

const N = 1024;
const TOL = 1e-9;

/** Closed form −Σ p log2 p over explicit masses (with multiplicities), independent of the code path. */
function h(parts: [number, number][]): number {
  return -parts.reduce((s, [p, mult]) => s + (p > 0 ? mult * p * Math.log2(p) : 0), 0);
}

describe('V19 entropy test vectors (N = 1024)', () => {
  const cases: { name: string; lists: [number, number][]; base: number; H: number; table: [number, number, number] }[] =
    [
      { name: 'uniform', lists: [], base: 1, H: 10, table: [10, 1024, 1] },
      {
        name: '0.5 on one, 0.5 over the other 1023',
        lists: [[7, 0.5]],
        base: 0.5 / 1023,
        H: h([
          [0.5, 1],
          [0.5 / 1023, 1023],
        ]),
        table: [5.999295, 63.969, 0.5999295],
      },
      {
        name: '0.9 on one, 0.1 over 1023',
        lists: [[0, 0.9]],
        base: 0.1 / 1023,
        H: h([
          [0.9, 1],
          [0.1 / 1023, 1023],
        ]),
        table: [1.468855, 2.768, 0.1468855],
      },
      {
        name: '0.25 on each of 4',
        lists: [
          [1, 0.25],
          [2, 0.25],
          [3, 0.25],
          [1000, 0.25],
        ],
        base: 0,
        H: 2,
        table: [2, 4, 0.2],
      },
      { name: 'point mass', lists: [[5, 1]], base: 0, H: 0, table: [0, 1, 0] },
    ];
  for (const c of cases) {
    it(c.name, () => {
      const s = sparse([c.lists], [c.base]);
      const H = entropyBits(s, 0, N);
      expect(Math.abs(H - c.H)).toBeLessThan(TOL);
      // The reference table is rounded to the digits shown.
      expect(Math.abs(H - c.table[0])).toBeLessThan(1e-6);
      expect(Math.abs(2 ** H - c.table[1])).toBeLessThan(1e-3);
      expect(Math.abs(H / Math.log2(N) - c.table[2])).toBeLessThan(1e-6);
    });
  }

  it('is invariant to the scale of the scores', () => {
    const a = sparse([[[7, 0.5]]], [0.5 / 1023]);
    const b = sparse([[[7, 500]]], [500 / 1023]);
    expect(Math.abs(entropyBits(a, 0, N) - entropyBits(b, 0, N))).toBeLessThan(TOL);
  });

  it('reads an all-zero vector as no information (uniform)', () => {
    expect(entropyBits(sparse([[[3, 0]]], [0]), 0, N)).toBeCloseTo(10, 12);
    expect(candidateCount(sparse([[[3, 0]]], [0]), 0, N)).toBe(N);
  });

  it('counts candidates as users with posterior > 0', () => {
    expect(candidateCount(sparse([[]], [1]), 0, N)).toBe(N);
    expect(
      candidateCount(
        sparse(
          [
            [
              [1, 0.5],
              [2, 0.5],
              [3, 0],
            ],
          ],
          [0],
        ),
        0,
        N,
      ),
    ).toBe(2);
    expect(candidateCount(sparse([[[1, 0.5]]], [0.1]), 0, N)).toBe(N);
  });
});
