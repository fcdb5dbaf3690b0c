/**
 * The summary table printed after a run: design × adversary × attack (× sweep values) →
 * top1, anonymity set, pair AUC (means over replicates), with aligned columns.
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

export function summaryTable(result: RunResult): string {
  const agg = aggregateRows(result.summary);
  const keys = result.sweepKeys;
  const header = ['design', 'adversary', 'attack', ...keys, 'top1', 'anonymity set', 'pair AUC'];
  const numeric = header.map((_, j) => j >= 3);
  const rows = agg
    .slice(0, MAX_ROWS)
    .map((a) => [
      a.design,
      a.adversary,
      a.attack,
      ...a.sweep.map((v) => (typeof v === 'number' ? fmtNum(v) : String(v))),
      sig(a.stats.top1.mean, 4),
      sig(a.stats.anonymity_set.mean, 5),
      sig(a.stats.pair_auc.mean, 4),
    ]);
  let text = alignTable(header, rows, numeric);
  if (agg.length > MAX_ROWS) text += `\n… ${agg.length - MAX_ROWS} more rows in aggregate.csv`;
  const reps = agg[0]?.replicates ?? 0;
  if (reps > 1) text += `\n(means over ${reps} replicates; 95% intervals in aggregate.csv)`;
  return text;
}
