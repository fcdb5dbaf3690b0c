import { describe, expect, it } from 'vitest';
import { logBins } from '../../src/adversary/delay-model.js';
import { Streams } from '../../src/core/rng.js';

/** The bin formula histogramModel used before the table (and still the reference): log-spaced over [lo, hi]. */
function reference(lo: number, hi: number, bins: number) {
  const shift = 1000 - Math.min(0, lo);
  const ylo = Math.log(lo + shift);
  const width = (Math.log(hi + shift) - ylo) / bins;
  const slow = (y: number) => Math.min(bins - 1, Math.max(0, Math.floor((Math.log(y) - ylo) / width)));
  return { shift, slow, bin: (x: number) => slow(x + shift) };
}

describe('logBins', () => {
  const cases = [
    { name: 'ms to hours (store and forward)', lo: 2e6, hi: 3.6e12, bins: 512 },
    { name: 'a narrow law (one link)', lo: 20e6, hi: 60e6, bins: 512 },
    { name: 'from zero', lo: 0, hi: 5e9, bins: 512 },
    { name: 'negative delays (clock of another view)', lo: -4e6, hi: 9e8, bins: 64 },
  ];
  for (const c of cases) {
    it(`logBins(${c.name}) equals the logarithm's bin for every x tried, edges included`, () => {
      const { shift, slow, bin } = reference(c.lo, c.hi, c.bins);
      const fast = logBins(slow, c.bins, c.lo + shift, c.hi + shift, shift);
      const rng = new Streams(7).stream('bins');
      const xs: number[] = [c.lo, c.hi, c.lo - 1, c.hi + 1, -shift + 1];
      for (let i = 0; i < 200_000; i++) xs.push(c.lo + (c.hi - c.lo) * rng());
      // Log-uniform draws too, so the narrow bins at small delays are hit as often as the wide ones.
      for (let i = 0; i < 200_000; i++)
        xs.push(Math.exp(Math.log(c.lo + shift) + Math.log((c.hi + shift) / (c.lo + shift)) * rng()) - shift);
      let mismatches = 0;
      for (const x of xs) if (fast(x) !== bin(x)) mismatches++;
      expect(mismatches).toBe(0);
      // At each edge: the double below lands in the bin below (the edges are exact, not approximate).
      let edges = 0;
      for (let i = 0; i < 20_000; i++) {
        const x = xs[5 + i];
        const b = bin(x);
        for (const y of [x * (1 - 1e-15), x * (1 + 1e-15)]) if (fast(y) !== bin(y)) mismatches++;
        if (b > 0) edges++;
      }
      expect(mismatches).toBe(0);
      expect(edges).toBeGreaterThan(0);
    });
  }
});
