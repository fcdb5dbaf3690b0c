import { describe, expect, it } from 'vitest';
import { histogramModel, logBins } from '../../src/adversary/delay-model.js';
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

describe('histogramModel pdfRun', () => {
  it('gives pdf at every delay of an ascending run, rows dense and sparse, edges and ties included', () => {
    const rng = new Streams(11).stream('run');
    // Store and forward: ms to an hour, most mass at small delays.
    const samples = Array.from({ length: 5000 }, () => Math.exp(Math.log(2e6) + Math.log(1.8e6) * rng()));
    const m = histogramModel(samples);
    const run = m.pdfRun;
    expect(run).toBeDefined();
    // Times of rows into a party: bursts µs apart, gaps of seconds, repeats; t well past the last.
    const times: number[] = [];
    let at = 0;
    for (let i = 0; i < 20_000; i++) {
      at += rng() < 0.1 ? 0 : rng() < 0.8 ? 1e3 * rng() : 5e9 * rng();
      times.push(at);
    }
    const ts = Float64Array.from(times);
    for (const t of [at + 1e6, at + 1e9, ts[10_000], m.lo + ts[5000], m.hi + ts[15_000]]) {
      const out = new Float64Array(ts.length);
      (run as NonNullable<typeof run>)(t, ts, 0, ts.length, out, ts.length - 1);
      let mismatches = 0;
      for (let k = 0; k < ts.length; k++) if (out[ts.length - 1 - k] !== m.pdf(t - ts[k])) mismatches++;
      expect(mismatches).toBe(0);
    }
  });
});
