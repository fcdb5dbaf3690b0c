/**
 * `anonsim tables <DIR> attacks|grid …`: Markdown tables straight from a run's aggregate.csv, so
 * every number in a write-up can be regenerated with one command (docs/results.md uses them).
 *
 * - `attacks`: one row per design × adversary, one column per attack (top1 mean; the strongest
 *   attack in bold), plus latency p50 and bytes per message.
 * - `grid --rows KEY --cols KEY`: per adversary and design, a KEY × KEY grid of the strongest
 *   attack's top1 (attack) · latency p50 · bytes/message. KEY is a swept column.
 * `--where KEY=VALUE` (repeatable) keeps only rows with that value, e.g. to fix a third swept key;
 * `--adversary A` (repeatable) limits the adversaries. "Strongest" = highest top1_mean.
 */
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { type CsvRecord, num, readCsvFile } from '../export/read-csv.js';
import { type Problem, ScenarioError } from '../scenario/errors.js';
import { nearMiss } from '../scenario/fields.js';
import type { Argv } from './argv.js';

export const TABLE_MODES = ['attacks', 'grid'] as const;

export interface TablesFlags {
  rows?: string;
  cols?: string;
  adversary: string[];
  where: string[];
}

const ms = (v: number) => (v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(2)} s`);
const kb = (v: number) => `${(v / 1000).toLocaleString('en-US', { maximumFractionDigits: v < 10_000 ? 1 : 0 })} KB`;
const unique = (xs: string[]) => [...new Set(xs)];
const mean = (r: CsvRecord, k: string) => num(r[`${k}_mean`]);
const strongest = (list: CsvRecord[]) => list.reduce((a, b) => (mean(b, 'top1') > mean(a, 'top1') ? b : a));

/** Columns of aggregate.csv that are swept key paths (after the fixed and metric columns). */
function sweptColumns(columns: string[]): string[] {
  let last = -1;
  columns.forEach((c, j) => {
    if (c.endsWith('_hi')) last = j;
  });
  return last < 0 ? [] : columns.slice(last + 1);
}

function attacksTable(rows: CsvRecord[], adversaries: string[]): string {
  const designs = unique(rows.map((r) => r.design));
  const attacks = unique(rows.map((r) => r.attack));
  const out = [
    `| design | adversary | ${attacks.join(' | ')} | latency p50 | bytes/message |`,
    `|---|---|${attacks.map(() => '---|').join('')}---|---|`,
  ];
  for (const d of designs) {
    for (const a of adversaries) {
      const here = rows.filter((r) => r.design === d && r.adversary === a);
      if (here.length === 0) continue;
      const top = strongest(here);
      const cells = attacks.map((k) => {
        const r = here.find((x) => x.attack === k);
        if (!r) return '—';
        const v = mean(r, 'top1').toFixed(3);
        return r === top ? `**${v}**` : v;
      });
      out.push(
        `| ${d} | ${a} | ${cells.join(' | ')} | ${ms(mean(here[0], 'latency_p50_ms'))} | ${kb(mean(here[0], 'bytes_per_message'))} |`,
      );
    }
  }
  return out.join('\n');
}

function gridTable(rows: CsvRecord[], adversaries: string[], rk: string, ck: string): string {
  const designs = unique(rows.map((r) => r.design));
  const rv = unique(rows.map((r) => r[rk]));
  const cv = unique(rows.map((r) => r[ck]));
  const out: string[] = [];
  for (const a of adversaries) {
    for (const d of designs) {
      out.push('', `**${d}** · ${a} — best top1 (attack) · latency p50 · bytes/message`, '');
      out.push(`| ${rk} \\ ${ck} | ${cv.join(' | ')} |`, `|---|${cv.map(() => '---|').join('')}`);
      for (const x of rv) {
        const cells = cv.map((y) => {
          const here = rows.filter((r) => r.design === d && r.adversary === a && r[rk] === x && r[ck] === y);
          if (here.length === 0) return '—';
          const b = strongest(here);
          return `${mean(b, 'top1').toFixed(3)} (${b.attack}) · ${ms(mean(b, 'latency_p50_ms'))} · ${kb(mean(b, 'bytes_per_message'))}`;
        });
        out.push(`| ${x} | ${cells.join(' | ')} |`);
      }
    }
  }
  return out.join('\n').replace(/^\n/, '');
}

export function tablesCommand(dir: string, mode: string, flags: TablesFlags, argv: Argv): string {
  const problems: Problem[] = [];
  if (!(TABLE_MODES as readonly string[]).includes(mode))
    throw new ScenarioError([
      argv.problem(mode, `unknown table "${mode}"`, `one of ${TABLE_MODES.join(', ')}`, nearMiss(mode, TABLE_MODES)),
    ]);
  let table: ReturnType<typeof readCsvFile>;
  try {
    table = readCsvFile(join(dir, 'aggregate.csv'), dir);
  } catch (e) {
    if (e instanceof InputError) throw new ScenarioError([argv.problem(dir, e.message, e.expected)]);
    throw e;
  }
  const { columns } = table;
  const swept = sweptColumns(columns);
  const columnProblem = (flag: string, key: string, nth = 0) =>
    argv.problem(
      flag,
      `"${key}" is not a column of ${join(dir, 'aggregate.csv')}`,
      swept.length > 0 ? `a swept column: ${swept.join(', ')}` : 'a swept column (this run has no sweep)',
      swept.length > 0 ? nearMiss(key, swept) : undefined,
      nth,
    );
  const where: [string, string][] = [];
  flags.where.forEach((w, i) => {
    const eq = w.indexOf('=');
    const key = eq > 0 ? w.slice(0, eq) : '';
    if (eq <= 0) problems.push(argv.problem('--where', `"${w}" is not KEY=VALUE`, 'KEY=VALUE', undefined, i));
    else if (!columns.includes(key)) problems.push(columnProblem('--where', key, i));
    else where.push([key, w.slice(eq + 1)]);
  });
  if (mode === 'grid') {
    for (const [flag, key] of [
      ['--rows', flags.rows],
      ['--cols', flags.cols],
    ] as const) {
      if (key === undefined)
        problems.push(argv.problem(mode, `grid needs ${flag}`, `${flag} KEY with KEY a swept column`));
      else if (!columns.includes(key)) problems.push(columnProblem(flag, key));
    }
  }
  const known = unique(table.rows.map((r) => r.adversary));
  flags.adversary.forEach((a, i) => {
    if (!known.includes(a))
      problems.push(
        argv.problem(
          '--adversary',
          `no adversary "${a}" in this run`,
          `one of ${known.join(', ')}`,
          nearMiss(a, known),
          i,
        ),
      );
  });
  if (problems.length > 0) throw new ScenarioError(problems);
  const rows = table.rows.filter((r) => where.every(([k, v]) => r[k] === v));
  if (rows.length === 0)
    throw new ScenarioError([argv.problem('--where', 'no rows match the --where filters', 'values that occur')]);
  const adversaries = flags.adversary.length > 0 ? flags.adversary : unique(rows.map((r) => r.adversary));
  const text =
    mode === 'attacks'
      ? attacksTable(rows, adversaries)
      : gridTable(rows, adversaries, flags.rows as string, flags.cols as string);
  return `${text}\n`;
}
