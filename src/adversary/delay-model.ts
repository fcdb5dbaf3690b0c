/**
 * Empirical delay densities (histograms) standing for "the latency model the adversary knows":
 * an adversary can measure them by sending its own messages through the system. They are
 * population statistics; no per-message ground truth reaches an attack through them.
 */
import type { DelayModel } from '../attacks/attack.js';

const POINT_WIDTH = 1000; // ns: below this spread a delay is treated as a constant

export const NO_MODEL: DelayModel = { pdf: () => 0, lo: 0, hi: 0, samples: 0 };

/** A histogram density from samples (ns), `bins` equal-width bins over [min, max]. */
export function histogramModel(samples: Float64Array | number[], bins = 256): DelayModel {
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
    return { pdf: (x) => (Math.abs(x - c) <= half ? 1 / POINT_WIDTH : 0), lo: c - half, hi: c + half, samples: n };
  }
  const width = (hi - lo) / bins;
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.floor((samples[i] - lo) / width));
    counts[b]++;
  }
  const dens = new Float64Array(bins);
  for (let b = 0; b < bins; b++) dens[b] = counts[b] / (n * width);
  return {
    pdf: (x) => {
      if (x < lo || x > hi) return 0;
      return dens[Math.min(bins - 1, Math.floor((x - lo) / width))];
    },
    lo,
    hi,
    samples: n,
  };
}
