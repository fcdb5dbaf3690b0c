// The bucketed sort of negative pair scores (sort.ts) gives the native sort's array element for
// element (−0 before +0), on sizes above its native-sort threshold and on shapes that stress the
// buckets: one exponent, a huge range, subnormals, heavy ties, −0 and +0 mixed.
import { describe, expect, it } from 'vitest';
import { step } from '../../src/metrics/roc.js';
import { sortedSelection } from '../../src/metrics/sort.js';
import { rng } from './helpers.js';

function native(values: Float64Array, take: Uint8Array): Float64Array {
  const out: number[] = [];
  for (let k = 0; k < values.length; k++) if (take[k] === 1) out.push(values[k]);
  return Float64Array.from(out).sort();
}

function identical(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('sortedSelection', () => {
  const r = rng(7);
  const n = 80_000;
  const shapes: Record<string, () => number> = {
    uniform: () => r(),
    'one exponent': () => 0.5 + r() / 2,
    'huge range': () => r() ** 40 * 1e300,
    subnormal: () => Number.MIN_VALUE * Math.floor(r() * 1000),
    ties: () => Math.floor(r() * 5) / 4,
    'signed zeros': () => (r() < 0.3 ? -0 : r() < 0.5 ? 0 : r()),
    'all negative zero': () => -0,
    'one value': () => 0.125,
  };
  for (const [name, draw] of Object.entries(shapes)) {
    it(`equals gather-then-sort: ${name}`, () => {
      const values = Float64Array.from({ length: n }, draw);
      const take = Uint8Array.from({ length: n }, () => (r() < 0.9 ? 1 : 0));
      const count = take.reduce((s, t) => s + t, 0);
      expect(identical(sortedSelection(values, take, count), native(values, take))).toBe(true);
    });
  }

  it('leaves scores outside the contract (negative, NaN) to the native order', () => {
    const values = Float64Array.from({ length: n }, (_, k) => (k === 5 ? -1 : k === 9 ? Number.NaN : r()));
    const take = new Uint8Array(n).fill(1);
    expect(identical(sortedSelection(values, take, n), native(values, take))).toBe(true);
  });
});

describe('ROC step length', () => {
  it('is Math.hypot bit for bit, axis-parallel steps included', () => {
    const r = rng(11);
    const xs = [0, Number.MIN_VALUE, 1e-300, 1e-9, 0.1, 1 / 3, 0.5, 1, 1e300];
    for (let k = 0; k < 20_000; k++) {
      const dx = k < 81 ? xs[k % 9] : r() < 0.3 ? 0 : r() ** 8;
      const dy = k < 81 ? xs[Math.floor(k / 9)] : r() < 0.3 ? 0 : r() ** 8;
      expect(Object.is(step(dx, dy), Math.hypot(dx, dy))).toBe(true);
    }
  });
});
