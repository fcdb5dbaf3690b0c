/**
 * How the timing attack reads a delay law it learnt as a histogram: edges extended by a few
 * expected sampling gaps, a floor of one calibration sample's worth inside, and a bound on what
 * rows a work cap left unweighed could have weighed. Method: docs/attacks.md#timing.
 */
import type { DelayModel } from './attack.js';

/**
 * Edge margins of a delay model. The models are histograms over the range of the adversary's
 * calibration samples, so a true delay can fall just outside that range: beyond an edge where
 * the density is f, the gap between the true support bound and the nearest of n samples is
 * ≈ Exp(mean 1/(n·f)). Within EDGE_GAPS such means of an edge the edge density is extended
 * outward instead of ruling the candidate out (a true delay lands beyond it with probability
 * ≈ e^−5 of those rare cases), which is far narrower than a histogram bin where the density is high.
 */
const EDGE_GAPS = 5;

export interface Margins {
  lo: number;
  hi: number;
  /** Least density inside the (extended) support. */
  floor: number;
}

/**
 * Edges and floor of a model. The floor is additive smoothing: one calibration sample's worth
 * of density spread over the support, 1/(n·(hi − lo)). A histogram bin that happened to get no
 * calibration sample (narrow bins at small delays) would otherwise rule out a delay the true
 * distribution allows; the floor is far below any populated bin, so it only decides when
 * nothing better fits.
 */
export function margins(m: DelayModel): Margins {
  if (m.samples === 0) return { lo: 0, hi: 0, floor: 0 };
  const cap = m.hi - m.lo;
  const at = (x: number) => {
    const f = m.pdf(x);
    return f > 0 ? Math.min(cap, EDGE_GAPS / (m.samples * f)) : 0;
  };
  return { lo: at(m.lo), hi: at(m.hi), floor: cap > 0 ? 1 / (m.samples * cap) : 0 };
}

/**
 * An upper bound on the (extended, floored) density of `m` at every delay in [a, b]: what a row
 * the work caps left unweighed, with a delay in that range, could have weighed.
 */
export function densityBound(m: DelayModel, e: Margins, a: number, b: number): number {
  if (a > m.hi + e.hi || b < m.lo - e.lo) return 0;
  const x = Math.min(Math.max(a, m.lo), m.hi);
  const y = Math.max(Math.min(b, m.hi), m.lo);
  const t = m.maxOver ? m.maxOver(x, y) : Number.POSITIVE_INFINITY;
  return Math.max(t, e.floor);
}

/**
 * density(m, t − times[k], e) into out[o − k] for k in [a, b), `times` ascending: the same values,
 * with the histogram's bins found along the run (DelayModel.pdfRun) where the model offers it.
 */
export function densityRun(
  m: DelayModel,
  e: Margins,
  t: number,
  times: Float64Array,
  a: number,
  b: number,
  out: Float64Array,
  o: number,
): void {
  if (!m.pdfRun) {
    for (let k = a; k < b; k++) out[o - k] = density(m, t - times[k], e);
    return;
  }
  m.pdfRun(t, times, a, b, out, o);
  for (let k = a; k < b; k++) {
    const x = t - times[k];
    if (x < m.lo) out[o - k] = x >= m.lo - e.lo ? Math.max(m.pdf(m.lo), e.floor) : 0;
    else if (x > m.hi) out[o - k] = x <= m.hi + e.hi ? Math.max(m.pdf(m.hi), e.floor) : 0;
    else out[o - k] = Math.max(out[o - k], e.floor);
  }
}

/** Model density with its edges extended by the margins and floored inside. */
export function density(m: DelayModel, x: number, e: Margins): number {
  if (x < m.lo) return x >= m.lo - e.lo ? Math.max(m.pdf(m.lo), e.floor) : 0;
  if (x > m.hi) return x <= m.hi + e.hi ? Math.max(m.pdf(m.hi), e.floor) : 0;
  return Math.max(m.pdf(x), e.floor);
}
