/**
 * The ROC curve behind `pair_auc` (roc.csv): over ALL ordered user pairs, exactly as pairs.ts
 * counts them (listed pairs plus the unlisted block at score 0), one vertex per distinct score.
 *
 * Vertices. Walking the distinct pair scores from the highest down, vertex j is
 * (FP_j / n₀, TP_j / n₁): the pairs scoring ≥ threshold_j. A group of tied pairs is one straight
 * segment (its positives and negatives admitted together), so the trapezoid area under the
 * vertices is the Mann–Whitney AUC with ties counting ½ — `pair_auc`.
 *
 * Thinning. A run lists up to ~10⁵–10⁶ distinct scores; a figure needs a few hundred points.
 * Vertices are kept at equal steps of arc length (in the unit square), the first and last always.
 * Dropping the vertices between two kept ones A and B would change the area by the area between
 * that stretch of the curve and the chord AB, so one point M is inserted there that restores it
 * exactly: M lies on the anti-diagonal of the box spanned by A and B, M = (x_A + t·dx, y_B − t·dy),
 * under which the area of A–M–B is dx·(y_B − t·dy), linear in t. The stretch is monotone inside the
 * box, so its area lies between dx·y_A and dx·y_B and t ∈ [0, 1]: M stays in the box and the curve
 * stays monotone. Inserted points carry no threshold (they are not operating points).
 */
import type { LabelledScores } from './pairs.js';

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Score threshold of each vertex (pairs scoring ≥ it are called positive); +∞ at the origin, NaN for inserted points. */
  threshold: Float64Array;
}

/** Kept vertices of a thinned curve (the inserted points come on top, up to as many again). */
export const ROC_KEPT = 200;

/** Every vertex of the ROC of `l` (see the module comment); null when a class is empty. */
export function rocVertices(l: LabelledScores): RocCurve | null {
  const { pos, neg, zeroNeg } = l;
  const n1 = pos.length;
  const n0 = neg.length + zeroNeg;
  if (n1 === 0 || n0 === 0) return null;
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const threshold: number[] = [Number.POSITIVE_INFINITY];
  let i = n1 - 1;
  let j = neg.length - 1;
  let zeroPending = zeroNeg > 0;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0 || zeroPending) {
    let v = Number.NEGATIVE_INFINITY;
    if (i >= 0) v = pos[i];
    if (j >= 0 && neg[j] > v) v = neg[j];
    if (zeroPending && 0 > v) v = 0;
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    if (zeroPending && v === 0) {
      fp += zeroNeg;
      zeroPending = false;
    }
    fpr.push(fp / n0);
    tpr.push(tp / n1);
    threshold.push(v);
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), threshold: Float64Array.from(threshold) };
}

/** Trapezoid area under a polyline given by its vertices (x non-decreasing). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>, from = 0, to = x.length - 1): number {
  let a = 0;
  for (let k = from + 1; k <= to; k++) a += ((x[k] - x[k - 1]) * (y[k] + y[k - 1])) / 2;
  return a;
}

/**
 * At most `kept` vertices of `c` at equal arc-length steps, plus one area-restoring point between
 * two kept vertices wherever dropped ones bent the curve; the area is unchanged (up to rounding).
 */
export function thinRoc(c: RocCurve, kept = ROC_KEPT): RocCurve {
  const n = c.fpr.length;
  if (n <= kept) return c;
  const { fpr: x, tpr: y } = c;
  let length = 0;
  for (let k = 1; k < n; k++) length += Math.hypot(x[k] - x[k - 1], y[k] - y[k - 1]);
  const step = length / (kept - 1);
  const keep: number[] = [0];
  let run = 0;
  for (let k = 1; k < n - 1; k++) {
    run += Math.hypot(x[k] - x[k - 1], y[k] - y[k - 1]);
    if (run >= step) {
      keep.push(k);
      run = 0;
    }
  }
  keep.push(n - 1);
  const fpr: number[] = [x[0]];
  const tpr: number[] = [y[0]];
  const threshold: number[] = [c.threshold[0]];
  for (let q = 1; q < keep.length; q++) {
    const a = keep[q - 1];
    const b = keep[q];
    const dx = x[b] - x[a];
    const dy = y[b] - y[a];
    if (b > a + 1 && dx > 0 && dy > 0) {
      const area = trapezoidArea(x, y, a, b);
      const chord = (dx * (y[a] + y[b])) / 2;
      if (area !== chord) {
        const t = Math.min(1, Math.max(0, (y[b] - area / dx) / dy));
        fpr.push(x[a] + t * dx);
        tpr.push(y[b] - t * dy);
        threshold.push(Number.NaN);
      }
    }
    fpr.push(x[b]);
    tpr.push(y[b]);
    threshold.push(c.threshold[b]);
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), threshold: Float64Array.from(threshold) };
}
