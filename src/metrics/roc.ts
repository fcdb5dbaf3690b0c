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

/** What walkRoc feeds the vertices to (a method, not a closure: the walk is 10⁶–10⁷ calls). */
interface VertexSink {
  add(fpr: number, tpr: number, threshold: number): void;
}

/**
 * Visits every vertex of the ROC of `l` in order, the origin first (threshold +∞); false when a
 * class is empty (no vertex visited). Nothing is stored: a run can have 10⁷ distinct pair scores.
 */
function walkRoc(l: LabelledScores, sink: VertexSink): boolean {
  const { pos, neg, zeroNeg } = l;
  const n1 = pos.length;
  const n0 = neg.length + zeroNeg;
  if (n1 === 0 || n0 === 0) return false;
  sink.add(0, 0, Number.POSITIVE_INFINITY);
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
    sink.add(fp / n0, tp / n1, v);
  }
  return true;
}

/** Every vertex of the ROC of `l` (see the module comment); null when a class is empty. */
export function rocVertices(l: LabelledScores): RocCurve | null {
  const fpr: number[] = [];
  const tpr: number[] = [];
  const threshold: number[] = [];
  const ok = walkRoc(l, {
    add(x, y, t) {
      fpr.push(x);
      tpr.push(y);
      threshold.push(t);
    },
  });
  return ok
    ? { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), threshold: Float64Array.from(threshold) }
    : null;
}

/** Trapezoid area under a polyline given by its vertices (x non-decreasing). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>, from = 0, to = x.length - 1): number {
  let a = 0;
  for (let k = from + 1; k <= to; k++) a += ((x[k] - x[k - 1]) * (y[k] + y[k - 1])) / 2;
  return a;
}

/**
 * The thinning of the module comment, fed one vertex at a time: `step` is the arc length between
 * kept vertices and `count` the number of vertices (the last is always kept).
 */
class Thinner implements VertexSink {
  readonly fpr: number[] = [];
  readonly tpr: number[] = [];
  readonly threshold: number[] = [];
  private k = 0;
  private run = 0;
  /** The last kept vertex A, the previous vertex, the area since A and how many were dropped since. */
  private ax = 0;
  private ay = 0;
  private px = 0;
  private py = 0;
  private area = 0;
  private dropped = 0;

  constructor(
    private readonly step: number,
    private readonly count: number,
  ) {}

  add(x: number, y: number, t: number): void {
    const k = this.k++;
    if (k === 0) {
      this.keep(x, y, t);
      return;
    }
    this.run += step(x - this.px, y - this.py);
    this.area += ((x - this.px) * (y + this.py)) / 2;
    this.px = x;
    this.py = y;
    if (k < this.count - 1 && this.run < this.step) {
      this.dropped++;
      return;
    }
    const dx = x - this.ax;
    const dy = y - this.ay;
    if (this.dropped > 0 && dx > 0 && dy > 0 && this.area !== (dx * (this.ay + y)) / 2) {
      const u = Math.min(1, Math.max(0, (y - this.area / dx) / dy));
      this.fpr.push(this.ax + u * dx);
      this.tpr.push(y - u * dy);
      this.threshold.push(Number.NaN);
    }
    this.keep(x, y, t);
  }

  private keep(x: number, y: number, t: number): void {
    this.fpr.push(x);
    this.tpr.push(y);
    this.threshold.push(t);
    this.ax = this.px = x;
    this.ay = this.py = y;
    this.run = 0;
    this.area = 0;
    this.dropped = 0;
  }

  curve(): RocCurve {
    return {
      fpr: Float64Array.from(this.fpr),
      tpr: Float64Array.from(this.tpr),
      threshold: Float64Array.from(this.threshold),
    };
  }
}

/**
 * At most `kept` vertices of `c` at equal arc-length steps, plus one area-restoring point between
 * two kept vertices wherever dropped ones bent the curve; the area is unchanged (up to rounding).
 */
export function thinRoc(c: RocCurve, kept = ROC_KEPT): RocCurve {
  const n = c.fpr.length;
  if (n <= kept) return c;
  const t = new Thinner(arcLength(c.fpr, c.tpr) / (kept - 1), n);
  for (let k = 0; k < n; k++) t.add(c.fpr[k], c.tpr[k], c.threshold[k]);
  return t.curve();
}

function arcLength(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let length = 0;
  for (let k = 1; k < x.length; k++) length += step(x[k] - x[k - 1], y[k] - y[k - 1]);
  return length;
}

/**
 * Math.hypot(dx, dy) for the steps between vertices (dx, dy ≥ 0), without calling it on the
 * axis-parallel steps that are most of a curve (a group of negatives only moves right): hypot of
 * (d, 0) is exactly d (V8 scales by the larger argument, sums 1² + 0² and returns √1 · d), so the
 * lengths, hence the kept vertices, are bit-identical to calling it on every step.
 */
export function step(dx: number, dy: number): number {
  if (dy === 0) return dx;
  if (dx === 0) return dy;
  return Math.hypot(dx, dy);
}

/** Counts the vertices and measures the curve's length (rocCurve's first pass). */
class Measure implements VertexSink {
  count = 0;
  length = 0;
  private px = 0;
  private py = 0;

  add(x: number, y: number): void {
    if (this.count++ > 0) this.length += step(x - this.px, y - this.py);
    this.px = x;
    this.py = y;
  }
}

/**
 * The thinned ROC of `l` without holding its vertices: one pass to count them and measure the
 * curve's length, one to thin (same result as thinRoc(rocVertices(l))); null when a class is empty.
 */
export function rocCurve(l: LabelledScores, kept = ROC_KEPT): RocCurve | null {
  const m = new Measure();
  if (!walkRoc(l, m)) return null;
  if (m.count <= kept) return rocVertices(l);
  const t = new Thinner(m.length / (kept - 1), m.count);
  walkRoc(l, t);
  return t.curve();
}
