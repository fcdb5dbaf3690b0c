/**
 * The summary table printed after a run: design × adversary × attack (× sweep values) → n
 * (replicates), top1 with its 95 % interval, anonymity set, pair AUC and hosts held (means over
 * replicates), with aligned columns.
 */
import { aggregateRows } from '../export/aggregate.js';
import { fmtNum } from '../export/format.js';
import type { RunResult } from '../pipeline/types.js';

const MAX_ROWS = 200;

function sig(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '-' : fmtNum(x);
  return fmtNum(Number(x.toPrecision(digits)));
}

/** Right-aligns numeric columns, left-aligns text; two spaces between columns. */
export function alignTable(header: string[], rows: string[][], numeric: boolean[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `[lo, hi]` of a 95 % interval, or `-` when there is none (one replicate, or an undefined metric). */
function interval(i: { mean: number; lo: number; hi: number }, n: number, digits: number): string {
  if (n < 2 || !Number.isFinite(i.lo) || !Number.isFinite(i.hi)) return '-';
  return `[${sig(i.lo, digits)}, ${sig(i.hi, digits)}]`;
}

export function summaryTable(result: RunResult): string {
  const agg = aggregateRows(result.summary);
  const keys = result.sweepKeys;
  const header = [
    'design',
    'adversary',
    'attack',
    ...keys,
    'n',
    'top1',
    'top1 95% interval',
    'anonymity set',
    'pair AUC',
    'held',
  ];
  const numeric = header.map((_, j) => j >= 3);
  const rows = agg
    .slice(0, MAX_ROWS)
    .map((a) => [
      a.design,
      a.adversary,
      a.attack,
      ...a.sweep.map((v) => (typeof v === 'number' ? fmtNum(v) : String(v))),
      String(a.replicates),
      sig(a.stats.top1.mean, 4),
      interval(a.stats.top1, a.replicates, 3),
      sig(a.stats.anonymity_set.mean, 5),
      sig(a.stats.pair_auc.mean, 4),
      sig(a.stats.held.mean, 4),
    ]);
  let text = alignTable(header, rows, numeric);
  if (agg.length > MAX_ROWS) text += `\n… ${agg.length - MAX_ROWS} more rows in aggregate.csv`;
  text +=
    '\n(n = replicates; means over them with 95 % t-intervals, - for one replicate; held = infrastructure hosts the adversary holds, listed in manifest.json)';
  return text;
}
