/**
 * The comparison view's data: compare.csv (paired differences b − a per pair of design items,
 * sweep cell, adversary, attack and metric; src/export/compare.ts) parsed into rows and grouped by
 * pair. Pure functions (no DOM), so tests run them in Node.
 */
import { csvParseRows } from 'd3';
import { COMPARE_COLUMNS, type Difference } from '../../src/export/compare.js';

/** A compare.csv row as the view reads it: the statistics of src/export/compare.ts, labels as text. */
export interface CompareRow extends Difference {
  a: string;
  b: string;
  adversary: string;
  attack: string;
  metric: string;
  /** Swept values, `key = value` joined, or '' without a sweep. */
  cell: string;
}

export interface Comparison {
  rows: CompareRow[];
  /** Distinct (a, b) pairs in file order. */
  pairs: { a: string; b: string; label: string }[];
  metrics: string[];
}

const FIXED: readonly string[] = COMPARE_COLUMNS;

const num = (v: string | undefined) => (v === undefined || v === '' ? Number.NaN : Number(v));

/** A pair's label: `a → b`, or `design (A → B)` when one design is compared across two runs. */
export function pairLabel(a: string, b: string): string {
  return a === b ? `${a} (A → B)` : `${a} → ${b}`;
}

export function parseComparison(text: string | undefined): Comparison | null {
  if (!text || text.trim() === '') return null;
  const [head = [], ...body] = csvParseRows(text);
  if (!FIXED.every((c) => head.includes(c))) return null;
  const at = (c: string) => head.indexOf(c);
  const sweep = head.filter((c) => !FIXED.includes(c));
  const rows: CompareRow[] = body.map((r) => ({
    a: r[at('design_a')] ?? '',
    b: r[at('design_b')] ?? '',
    adversary: r[at('adversary')] ?? '',
    attack: r[at('attack')] ?? '',
    metric: r[at('metric')] ?? '',
    cell: sweep.map((k) => `${k} = ${r[at(k)] ?? ''}`).join(', '),
    nA: num(r[at('n_a')]),
    nB: num(r[at('n_b')]),
    aMean: num(r[at('a_mean')]),
    bMean: num(r[at('b_mean')]),
    mean: num(r[at('diff_mean')]),
    lo: num(r[at('diff_lo')]),
    hi: num(r[at('diff_hi')]),
    paired: r[at('paired')] === 'true',
  }));
  const pairs: Comparison['pairs'] = [];
  for (const r of rows)
    if (!pairs.some((p) => p.a === r.a && p.b === r.b)) pairs.push({ a: r.a, b: r.b, label: pairLabel(r.a, r.b) });
  const metrics = [...new Set(rows.map((r) => r.metric))];
  return { rows, pairs, metrics };
}

/** The rows the view draws: one pair and metric, every cell × adversary × attack. */
export function pairRows(c: Comparison, pair: number, metric: string): CompareRow[] {
  const p = c.pairs[pair] ?? c.pairs[0];
  if (!p) return [];
  const m = c.metrics.includes(metric) ? metric : c.metrics.includes('top1') ? 'top1' : c.metrics[0];
  return c.rows.filter((r) => r.a === p.a && r.b === p.b && r.metric === m);
}
