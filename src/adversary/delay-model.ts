/**
 * Empirical delay densities (histograms) standing for "the latency model the adversary knows":
 * an adversary can measure them by sending its own messages through the system. They are
 * population statistics; no per-message ground truth reaches an attack through them.
 */
import type { DelayModel } from '../attacks/attack.js';

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
  const bin = (x: number) => Math.min(bins - 1, Math.max(0, Math.floor((Math.log(x + shift) - ylo) / width)));
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) counts[bin(samples[i])]++;
  const dens = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const x0 = Math.exp(ylo + b * width) - shift;
    const x1 = Math.exp(ylo + (b + 1) * width) - shift;
    dens[b] = counts[b] / (n * (x1 - x0));
  }
  const top = rangeMax(dens);
  return {
    pdf: (x) => (x < lo || x > hi ? 0 : dens[bin(x)]),
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
