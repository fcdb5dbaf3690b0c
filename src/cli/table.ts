/**
 * The summary table printed after a run: design × adversary × attack (× sweep values) → n
 * (replicates), top1 with its 95 % interval, anonymity set, pair AUC and hosts held (means over
 * replicates), with aligned columns.
 */

import { withinRunComparison } from '../export/compare.js';
import { fmtNum } from '../export/format.js';
import { aggregateRows } from '../metrics/aggregate.js';
import type { RunResult } from '../pipeline/types.js';
import type { ComparePair } from '../scenario/compare.js';

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

/** Swept values as table cells. */
function sweepText(values: readonly (string | number | boolean)[]): string[] {
  return values.map((v) => (typeof v === 'number' ? fmtNum(v) : String(v)));
}

/** A signed number with `digits` significant digits (`+0.26`, `-0.003`). */
function signed(x: number, digits: number): string {
  const t = sig(x, digits);
  return Number.isFinite(x) && x > 0 ? `+${t}` : t;
}

/**
 * The paired comparisons of a run (top1 only; every metric is in compare.csv): per pair, sweep
 * cell, adversary and attack, both means, the difference b − a and its 95 % interval.
 */
export function comparisonTable(result: RunResult, pairs: readonly ComparePair[]): string {
  const rows = withinRunComparison(result.summary, pairs).filter((r) => r.metric === 'top1');
  const keys = result.sweepKeys;
  const header = ['a', 'b', 'adversary', 'attack', ...keys, 'n', 'top1 a', 'top1 b', 'b − a', '95% interval'];
  const numeric = header.map((_, j) => j >= 4);
  const body = rows
    .slice(0, MAX_ROWS)
    .map((r) => [
      r.designA,
      r.designB,
      r.adversary,
      r.attack,
      ...sweepText(r.sweep),
      String(r.nA),
      sig(r.aMean, 4),
      sig(r.bMean, 4),
      signed(r.mean, 3),
      r.nA < 2 || !Number.isFinite(r.lo) ? '-' : `[${signed(r.lo, 3)}, ${signed(r.hi, 3)}]`,
    ]);
  let text = `paired differences of top1 (b − a; replicate by replicate, same seeds):\n${alignTable(header, body, numeric)}`;
  if (rows.length > MAX_ROWS) text += `\n… ${rows.length - MAX_ROWS} more rows in compare.csv`;
  return `${text}\n(every metric: compare.csv)`;
}

export function summaryTable(result: RunResult, pairs: readonly ComparePair[] = []): string {
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
      ...sweepText(a.sweep),
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
    '\n(n = replicates; means over them with 95 % intervals, - for one replicate; held = infrastructure hosts the adversary holds, listed in manifest.json)';
  if (pairs.length > 0) text += `\n\n${comparisonTable(result, pairs)}`;
  return text;
}
