/**
 * aggregate.csv: per (sweep cell, design, adversary, attack), the mean of each summary metric
 * over replicates with a 95 % interval over replicates that respects what the metric can be
 * (docs/metrics.md, "Intervals over replicates"):
 * - proportions (top1, top5, pair_auc, pair_precision, excluded): the Wilson score interval with
 *   the effective sample size n* = R·p̂(1 − p̂)/s² that the between-replicate spread implies
 *   (Kish's design effect) and Student's t(0.975, R − 1) in place of z (Korn & Graubard 1998).
 *   Its variance term p̂(1 − p̂)/n* is s²/R, the t-interval's, so far from 0 and 1 it is the
 *   t-interval; near them it bends and never leaves [0, 1].
 * - metrics bounded by the run (entropy_bits in [0, log2 users], anonymity_set in [1, users]):
 *   the same, on the metric mapped linearly onto [0, 1] (for entropy that is the degree of
 *   anonymity, Díaz et al. 2002), mapped back.
 * - everything else (counts, latency, bytes; all ≥ 0): mean ± t(0.975, R − 1)·s/√R, cut at 0.
 * With one replicate there is no between-replicate spread: lo and hi are NaN (empty cells). With
 * R ≥ 2 identical values the interval is the point. A metric that is NaN in any replicate
 * (undefined there, e.g. no scored delivery) is NaN (empty cell).
 */
import { AGG_METRICS, type AggMetric, type SummaryRow, type SweepValues } from './schema.js';

export { AGG_METRICS, type AggMetric };

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

export interface AggregateRow {
  cell: number;
  sweep: SweepValues;
  design: string;
  adversary: string;
  attack: string;
  replicates: number;
  stats: Record<AggMetric, Interval>;
}

/** ln Γ(x), Lanczos (g = 7, n = 9), |relative error| < 1e-15 for x > 0. */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the regularized incomplete beta (modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function betaInc(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betacf(a, b, x)) / a : 1 - (front * betacf(b, a, 1 - x)) / b;
}

/** Student-t CDF with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * betaInc(df / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t (p in (0.5, 1)), by bisection on the CDF to ~1e-12. */
export function tQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const T_CACHE = new Map<number, number>();

/** t(0.975, df), cached (aggregate rows reuse a handful of df values). */
export function t975(df: number): number {
  let v = T_CACHE.get(df);
  if (v === undefined) {
    v = tQuantile(0.975, df);
    T_CACHE.set(df, v);
  }
  return v;
}

/** How a metric's interval is bounded (module comment). */
export type IntervalKind = 'proportion' | 'bounded' | 'nonnegative';

const PROPORTIONS = new Set(['top1', 'top5', 'pair_auc', 'pair_precision', 'excluded']);

export function intervalKind(metric: string): IntervalKind {
  if (PROPORTIONS.has(metric)) return 'proportion';
  if (metric === 'entropy_bits' || metric === 'anonymity_set') return 'bounded';
  return 'nonnegative';
}

/** The range [a, b] a bounded metric takes with `users` candidates; null when it is degenerate. */
export function metricRange(metric: string, users: number): [number, number] | null {
  if (!(users > 1)) return null;
  if (metric === 'entropy_bits') return [0, Math.log2(users)];
  if (metric === 'anonymity_set') return [1, users];
  return [0, 1];
}

function meanAndVariance(xs: readonly number[]): { mean: number; variance: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  return { mean, variance: xs.length > 1 ? ss / (xs.length - 1) : 0 };
}

/**
 * Wilson score interval for a mean p̂ of R replicate values in [0, 1] with sample variance s²,
 * at effective size n* = R·p̂(1 − p̂)/s² and t = t(0.975, R − 1). Contains p̂; within [0, 1].
 */
export function wilsonInterval(p: number, variance: number, replicates: number): [number, number] {
  const q = p * (1 - p);
  if (!(variance > 0) || !(q > 0)) return [p, p];
  const n = (replicates * q) / variance;
  const t = t975(replicates - 1);
  const t2n = (t * t) / n;
  const denom = 1 + t2n;
  const center = (p + t2n / 2) / denom;
  const half = (t / denom) * Math.sqrt(q / n + t2n / (4 * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** Mean and 95 % interval of `xs` for a metric of `kind` (module comment); `range` for bounded metrics. */
export function meanInterval(
  xs: readonly number[],
  kind: IntervalKind = 'nonnegative',
  range: [number, number] | null = null,
): Interval {
  const n = xs.length;
  if (n === 0 || xs.some((x) => Number.isNaN(x))) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const { mean, variance } = meanAndVariance(xs);
  if (n === 1 || !Number.isFinite(mean)) return { mean, lo: Number.NaN, hi: Number.NaN };
  const [a, b] = kind === 'proportion' ? [0, 1] : kind === 'bounded' && range ? range : [Number.NaN, Number.NaN];
  if (b > a) {
    // Values may overshoot their bound by rounding (entropy a few ulps above log2 users).
    const unit = xs.map((x) => Math.min(1, Math.max(0, (x - a) / (b - a))));
    const u = meanAndVariance(unit);
    const [lo, hi] = wilsonInterval(u.mean, u.variance, n);
    // The mean stays the plain mean; the interval is mapped back and kept around it.
    return { mean, lo: Math.min(mean, a + lo * (b - a)), hi: Math.max(mean, a + hi * (b - a)) };
  }
  const half = (t975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n);
  return { mean, lo: Math.max(0, mean - half), hi: mean + half };
}

/** Groups summary rows by (cell, design, adversary, attack) in first-appearance order. */
export function aggregateRows(summary: readonly SummaryRow[]): AggregateRow[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const r of summary) {
    const key = JSON.stringify([r.cell, r.design, r.adversary, r.attack]);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: AggregateRow[] = [];
  for (const rows of groups.values()) {
    const first = rows[0];
    const stats = {} as Record<AggMetric, Interval>;
    for (const m of AGG_METRICS) {
      const kind = intervalKind(m);
      stats[m] = meanInterval(
        rows.map((r) => r[m]),
        kind,
        metricRange(m, first.users),
      );
    }
    out.push({
      cell: first.cell,
      sweep: first.sweep,
      design: first.design,
      adversary: first.adversary,
      attack: first.attack,
      replicates: rows.length,
      stats,
    });
  }
  return out;
}
