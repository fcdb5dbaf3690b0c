/**
 * Differences between two sets of runs of one (sweep cell, adversary, attack) — two design items
 * of one run (the scenario's `compare:` pairs, compare.csv) or one design in two results folders
 * (`anonsim compare A B`) — per metric, with a 95 % interval for the difference:
 * - paired (the usual case: replicate r of both sides ran with the same seed, hence the same
 *   workload and, for one design, the same placement and colluding draws): the mean of the
 *   per-replicate differences d_r = b_r − a_r ± t(0.975, n − 1)·s_d/√n (Student t on the
 *   differences; common random numbers make s_d far smaller than either side's spread);
 * - unpaired (different seeds): Welch's interval, mean_b − mean_a ± t(0.975, ν)·√(s_a²/n_a +
 *   s_b²/n_b), ν by Welch–Satterthwaite.
 * With one pair (or fewer than two replicates a side) there is no spread: lo and hi are NaN (empty
 * cells). A metric that is NaN in any replicate used makes the row's numbers NaN.
 */
import { t975 } from '../metrics/aggregate.js';
import { AGG_METRICS, type SummaryRow, type SweepValues } from '../metrics/schema.js';
import { cell } from './format.js';

/** Metrics compared: every aggregated metric but the user count (the same on both sides). */
export const COMPARE_METRICS = AGG_METRICS.filter((m) => m !== 'users');

/** compare.csv's fixed columns, in order; swept key paths follow. */
export const COMPARE_COLUMNS = [
  'design_a',
  'design_b',
  'adversary',
  'attack',
  'metric',
  'n_a',
  'n_b',
  'a_mean',
  'b_mean',
  'diff_mean',
  'diff_lo',
  'diff_hi',
  'paired',
] as const;

export interface Difference {
  nA: number;
  nB: number;
  aMean: number;
  bMean: number;
  mean: number;
  lo: number;
  hi: number;
  paired: boolean;
}

export interface CompareRow extends Difference {
  cell: number;
  sweep: SweepValues;
  designA: string;
  designB: string;
  adversary: string;
  attack: string;
  metric: string;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (n − 1); NaN for fewer than two values. */
function variance(xs: readonly number[], m = mean(xs)): number {
  if (xs.length < 2) return Number.NaN;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return ss / (xs.length - 1);
}

const NAN = Number.NaN;

/** b − a over aligned pairs (a[i], b[i] from one replicate). */
export function pairedDifference(a: readonly number[], b: readonly number[]): Difference {
  const n = a.length;
  if (n !== b.length) throw new Error('paired samples must have one length');
  const aMean = mean(a);
  const bMean = mean(b);
  if (n === 0 || [...a, ...b].some(Number.isNaN))
    return { nA: n, nB: n, aMean, bMean, mean: NAN, lo: NAN, hi: NAN, paired: true };
  const d = a.map((x, i) => b[i] - x);
  const m = mean(d);
  if (n < 2) return { nA: n, nB: n, aMean, bMean, mean: m, lo: NAN, hi: NAN, paired: true };
  const half = (t975(n - 1) * Math.sqrt(variance(d, m))) / Math.sqrt(n);
  return { nA: n, nB: n, aMean, bMean, mean: m, lo: m - half, hi: m + half, paired: true };
}

/** mean(b) − mean(a) for independent samples (Welch). */
export function welchDifference(a: readonly number[], b: readonly number[]): Difference {
  const aMean = mean(a);
  const bMean = mean(b);
  const base = { nA: a.length, nB: b.length, aMean, bMean, paired: false };
  if (a.length === 0 || b.length === 0 || [...a, ...b].some(Number.isNaN))
    return { ...base, mean: NAN, lo: NAN, hi: NAN };
  const m = bMean - aMean;
  if (a.length < 2 || b.length < 2) return { ...base, mean: m, lo: NAN, hi: NAN };
  const va = variance(a, aMean) / a.length;
  const vb = variance(b, bMean) / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { ...base, mean: m, lo: m, hi: m };
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = t975(df) * se;
  return { ...base, mean: m, lo: m - half, hi: m + half };
}

/**
 * compare.csv rows of one run: for every `[a, b]` pair, then every sweep cell, adversary and
 * attack (in summary order), every metric's paired difference b − a over the replicates both have.
 */
export function withinRunComparison(
  summary: readonly SummaryRow[],
  pairs: readonly { a: string; b: string }[],
): CompareRow[] {
  // (cell, design, adversary, attack) → replicate → row, and the (cell, adversary, attack) order.
  const byKey = new Map<string, Map<number, SummaryRow>>();
  const slots: { cell: number; sweep: SweepValues; adversary: string; attack: string }[] = [];
  const seenSlot = new Set<string>();
  for (const r of summary) {
    const key = JSON.stringify([r.cell, r.design, r.adversary, r.attack]);
    let m = byKey.get(key);
    if (!m) byKey.set(key, (m = new Map()));
    m.set(r.replicate, r);
    const slot = JSON.stringify([r.cell, r.adversary, r.attack]);
    if (!seenSlot.has(slot)) {
      seenSlot.add(slot);
      slots.push({ cell: r.cell, sweep: r.sweep, adversary: r.adversary, attack: r.attack });
    }
  }
  const out: CompareRow[] = [];
  for (const p of pairs) {
    for (const s of slots) {
      const ra = byKey.get(JSON.stringify([s.cell, p.a, s.adversary, s.attack]));
      const rb = byKey.get(JSON.stringify([s.cell, p.b, s.adversary, s.attack]));
      if (!ra || !rb) continue;
      const reps = [...ra.keys()].filter((r) => rb.has(r)).sort((x, y) => x - y);
      for (const metric of COMPARE_METRICS) {
        const a = reps.map((r) => (ra.get(r) as SummaryRow)[metric]);
        const b = reps.map((r) => (rb.get(r) as SummaryRow)[metric]);
        out.push({ ...s, designA: p.a, designB: p.b, metric, ...pairedDifference(a, b) });
      }
    }
  }
  return out;
}

/** One compare.csv line: the fixed columns, then the swept values. */
export function compareCells(r: CompareRow): string[] {
  return [
    r.designA,
    r.designB,
    r.adversary,
    r.attack,
    r.metric,
    cell(r.nA),
    cell(r.nB),
    cell(r.aMean),
    cell(r.bMean),
    cell(r.mean),
    cell(r.lo),
    cell(r.hi),
    cell(r.paired),
    ...r.sweep.map((v) => cell(v)),
  ];
}

/** One results folder's summary rows as read back from summary.csv. */
export interface SummaryTable {
  columns: string[];
  rows: Record<string, string>[];
}

const FIXED = new Set<string>(['design', 'adversary', 'attack', 'replicate', 'seed', ...AGG_METRICS]);

/** Columns of a summary.csv that are swept key paths (everything after the known columns). */
export function sweptColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => !FIXED.has(c));
}

/**
 * compare.csv rows for one design in two results folders: rows are matched by (design,
 * adversary, attack, swept values), B's names mapped to A's by `rename`; per metric both sides' means and the difference b − a, paired
 * over the replicates both ran with the same seed when every shared replicate has the same seed
 * on both sides, else Welch over all replicates. `sweep` must be the swept columns both share.
 */
export function crossRunComparison(
  a: SummaryTable,
  b: SummaryTable,
  sweep: readonly string[],
  /** B's design and adversary names → A's, for items matched by position (identity when absent). */
  rename: { design: ReadonlyMap<string, string>; adversary: ReadonlyMap<string, string> } = {
    design: new Map(),
    adversary: new Map(),
  },
): CompareRow[] {
  const metrics = COMPARE_METRICS.filter((m) => a.columns.includes(m) && b.columns.includes(m));
  const group = (t: SummaryTable, names: typeof rename) => {
    const m = new Map<string, Record<string, string>[]>();
    for (const r of t.rows) {
      const design = names.design.get(r.design) ?? r.design;
      const adversary = names.adversary.get(r.adversary) ?? r.adversary;
      const key = JSON.stringify([design, adversary, r.attack, ...sweep.map((k) => r[k])]);
      const g = m.get(key);
      if (g) g.push(r);
      else m.set(key, [r]);
    }
    return m;
  };
  const identity = { design: new Map<string, string>(), adversary: new Map<string, string>() };
  const ga = group(a, identity);
  const gb = group(b, rename);
  const cells = new Map<string, number>();
  const out: CompareRow[] = [];
  for (const [key, rowsA] of ga) {
    const rowsB = gb.get(key);
    if (!rowsB) continue;
    const first = rowsA[0];
    const sweepKey = JSON.stringify(sweep.map((k) => first[k]));
    if (!cells.has(sweepKey)) cells.set(sweepKey, cells.size);
    const byRep = (rows: Record<string, string>[]) => new Map(rows.map((r) => [r.replicate, r]));
    const ra = byRep(rowsA);
    const rb = byRep(rowsB);
    const shared = [...ra.keys()].filter((r) => rb.has(r)).sort((x, y) => Number(x) - Number(y));
    const paired = shared.length > 0 && shared.every((r) => ra.get(r)?.seed === rb.get(r)?.seed);
    const value = (r: Record<string, string> | undefined, m: string) =>
      r === undefined || r[m] === '' ? Number.NaN : Number(r[m]);
    for (const metric of metrics) {
      const d = paired
        ? pairedDifference(
            shared.map((r) => value(ra.get(r), metric)),
            shared.map((r) => value(rb.get(r), metric)),
          )
        : welchDifference(
            rowsA.map((r) => value(r, metric)),
            rowsB.map((r) => value(r, metric)),
          );
      out.push({
        cell: cells.get(sweepKey) as number,
        sweep: sweep.map((k) => first[k]),
        designA: first.design,
        designB: rowsB[0].design,
        adversary: first.adversary,
        attack: first.attack,
        metric,
        ...d,
      });
    }
  }
  return out;
}

/** Key paths (dotted, list indices from 0) whose values differ between two plain objects, with both values. */
export function differingKeys(a: unknown, b: unknown, path = ''): { path: string; a: unknown; b: unknown }[] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differingKeys(a[k], b[k], path === '' ? k : `${path}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: path || '(root)', a, b }];
}
