/**
 * Empirical delay densities (histograms) standing for "the latency model the adversary knows":
 * an adversary can measure them by sending its own messages through the system. They are
 * population statistics; no per-message ground truth reaches an attack through them.
 */
import type { DelayModel } from './knowledge.js';

const POINT_WIDTH = 1000; // ns: below this spread a delay is treated as a constant
const LOG_SHIFT = 1000; // ns: log(x + 1 µs) keeps zero delays finite

export const NO_MODEL: DelayModel = { pdf: () => 0, lo: 0, hi: 0, samples: 0, maxOver: () => 0 };

/**
 * A histogram density from samples (ns ≥ 0) with `bins` bins equal-width in log(x + 1 µs).
 * Log spacing keeps millisecond resolution at small delays even when store-and-forward puts
 * the tail at hours (equal-width bins over ms…h would smear every online delivery into one bin).
 */
export function histogramModel(samples: Float64Array | number[], bins = 512): DelayModel {
  const n = samples.length;
  if (n === 0) return NO_MODEL;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const x = samples[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (hi - lo < POINT_WIDTH) {
    const c = (lo + hi) / 2;
    const half = POINT_WIDTH / 2;
    return {
      pdf: (x) => (Math.abs(x - c) <= half ? 1 / POINT_WIDTH : 0),
      maxOver: (a, b) => (a <= c + half && b >= c - half ? 1 / POINT_WIDTH : 0),
      lo: c - half,
      hi: c + half,
      samples: n,
    };
  }
  const shift = LOG_SHIFT - Math.min(0, lo);
  const ylo = Math.log(lo + shift);
  const yhi = Math.log(hi + shift);
  const width = (yhi - ylo) / bins;
  const slow = (y: number) => Math.min(bins - 1, Math.max(0, Math.floor((Math.log(y) - ylo) / width)));
  const bin = logBins(slow, bins, lo + shift, hi + shift, shift);
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) counts[bin(samples[i])]++;
  const dens = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const x0 = Math.exp(ylo + b * width) - shift;
    const x1 = Math.exp(ylo + (b + 1) * width) - shift;
    dens[b] = counts[b] / (n * (x1 - x0));
  }
  const top = rangeMax(dens);
  const { edge } = bin;
  // The bin of y = x + shift is the last b with edge[b] ≤ y when the edges ascend (they do while
  // Math.log is monotone; checked, and pdfRun left out otherwise).
  let ascending = true;
  for (let b = 1; b < bins; b++) if (!(edge[b] <= edge[b + 1])) ascending = false;
  return {
    pdf: (x) => (x < lo || x > hi ? 0 : dens[bin(x)]),
    // Delays descend along a run, and so do their bins: most rows of a run fall in the bin of the
    // row before or the one below it, which two edges decide without the key table.
    pdfRun: ascending
      ? (t, times, a, b, out, o) => {
          let at = -1;
          for (let k = a; k < b; k++) {
            const x = t - times[k];
            if (x < lo || x > hi) {
              out[o - k] = 0;
              continue;
            }
            const y = x + shift;
            // The last delay's bin or the one below it, else the key table (rows further apart).
            if (at < 0 || (at > 0 && y < edge[at])) at = at > 0 && y >= edge[at - 1] ? at - 1 : bin(x);
            out[o - k] = dens[at];
          }
        }
      : undefined,
    maxOver: (a, b) => (b < lo || a > hi || a > b ? 0 : top(bin(Math.max(a, lo)), bin(Math.min(b, hi)))),
    lo,
    hi,
    samples: n,
  };
}

/**
 * Largest value of `v` over index ranges [i, j] in O(1) (a sparse table of maxima over
 * power-of-two spans): bounds what the rows a work cap left out could have weighed.
 */
function rangeMax(v: Float64Array): (i: number, j: number) => number {
  const levels: Float64Array[] = [v];
  for (let span = 2; span <= v.length; span *= 2) {
    const prev = levels[levels.length - 1];
    const next = new Float64Array(v.length - span + 1);
    for (let i = 0; i < next.length; i++) next[i] = Math.max(prev[i], prev[i + span / 2]);
    levels.push(next);
  }
  return (i, j) => {
    const k = 31 - Math.clz32(j - i + 1);
    return Math.max(levels[k][i], levels[k][j - (1 << k) + 1]);
  };
}

// One float64 and its two 32-bit halves (little-endian: [1] is the high word, sign, exponent and
// the top 20 bits of the mantissa), to read a positive double's binade without a logarithm.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Sub-binade bits of the lookup key: 2^8 cells per factor of 2, several per log bin. */
const KEY_BITS = 8;
const KEY_SHIFT = 20 - KEY_BITS;

/**
 * NOTE: `bin` is the innermost call of the timing weights (flow, disclosure) and of timing's
 * densities: 12–15 % of a default run's CPU at 1000–2000 users, mostly Math.log. This returns
 * exactly `slow(x + shift)` for x in [y0 − shift, y1 − shift] without a logarithm, so every
 * result stays byte-identical: `slow` (the bin of y = x + shift) is monotone in y, so it is known
 * by its edges E[b] (the least double y with slow(y) ≥ b, found by bisection over doubles with
 * `slow` itself); a table keyed by y's exponent and top mantissa bits (monotone in y) gives the
 * bin at the start of each key's range, and the edges decide within it.
 */
export function logBins(
  slow: (y: number) => number,
  bins: number,
  y0: number,
  y1: number,
  shift: number,
): ((x: number) => number) & { edge: Float64Array } {
  const key = (y: number): number => {
    F64[0] = y;
    return U32[1] >>> KEY_SHIFT;
  };
  const k0 = key(y0);
  const k1 = key(y1);
  const edge = new Float64Array(bins + 1).fill(Number.POSITIVE_INFINITY);
  for (let b = 1; b < bins; b++) {
    // Bracket the edge, then halve to adjacent doubles: slow(a) < b ≤ slow(c).
    let a = y0;
    let c = y1;
    if (slow(a) >= b || slow(c) < b) {
      if (slow(a) >= b) edge[b] = y0;
      continue;
    }
    for (;;) {
      const m = a + (c - a) / 2;
      if (m <= a || m >= c) break;
      if (slow(m) >= b) c = m;
      else a = m;
    }
    edge[b] = c;
  }
  const start = new Int32Array(k1 - k0 + 1);
  for (let k = k0; k <= k1; k++) {
    U32[0] = 0;
    U32[1] = k << KEY_SHIFT;
    const y = Math.max(F64[0], y0);
    start[k - k0] = slow(y);
  }
  const bin = (x: number): number => {
    const y = x + shift;
    if (!(y >= y0 && y <= y1)) return slow(y);
    let b = start[key(y) - k0];
    while (y >= edge[b + 1]) b++;
    return b;
  };
  // The edges go with it: E[b] for b in 1 .. bins − 1 (E[0] and E[bins] are +∞).
  return Object.assign(bin, { edge });
}
