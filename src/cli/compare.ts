/**
 * `anonsim compare <A> <B> [-o OUT] [--metric M]`: compares two results folders row by row
 * (design × adversary × attack × swept values), printing for the chosen metric both means and the
 * difference B − A with its 95 % interval — paired replicate by replicate when the runs share
 * their seeds, Welch otherwise (export/compare.ts) — and the scenario keys that differ (from the
 * manifests). With `-o OUT` it writes OUT/compare.csv (every metric), OUT/manifest.json and
 * OUT/report.html, whose comparison view draws the differences.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { anonsimVersion, gitCommit } from '../core/package.js';
import {
  COMPARE_COLUMNS,
  COMPARE_METRICS,
  type CompareRow,
  compareCells,
  crossRunComparison,
  differingKeys,
  type SummaryTable,
  sweptColumns,
} from '../export/compare.js';
import { writeCsv } from '../export/csv.js';
import { fmtNum } from '../export/format.js';
import { parseCsv } from '../export/read-csv.js';
import { writeReport } from '../export/report.js';
import { ensureOutputDir } from '../export/write.js';
import { type Problem, ScenarioError } from '../scenario/errors.js';
import { nearMiss } from '../scenario/fields.js';
import type { Argv } from './argv.js';
import type { Io } from './io.js';
import { alignTable } from './table.js';

export interface CompareFlags {
  out?: string;
  metric?: string;
  quiet?: boolean;
}

interface Side {
  dir: string;
  summary: SummaryTable;
  manifest: { scenario?: unknown; seeds?: unknown; anonsim?: unknown; commit?: unknown } | null;
}

function readSide(dir: string, argv: Argv, problems: Problem[]): Side | undefined {
  const expected = 'a results folder written by anonsim run or merge';
  if (!existsSync(dir)) {
    problems.push(argv.problem(dir, 'does not exist', expected));
    return undefined;
  }
  const file = join(dir, 'summary.csv');
  if (!existsSync(file)) {
    problems.push(argv.problem(dir, 'has no summary.csv', expected));
    return undefined;
  }
  const summary = parseCsv(readFileSync(file, 'utf8'));
  let manifest: Side['manifest'] = null;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Side['manifest'];
  } catch {
    // Without a manifest the scenario keys cannot be compared; the rows still can.
  }
  return { dir, summary, manifest };
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function sig(x: number, digits: number, sign = false): string {
  if (!Number.isFinite(x)) return '-';
  const t = fmtNum(Number(x.toPrecision(digits)));
  return sign && x > 0 ? `+${t}` : t;
}

/** The printed table: one row per matched (design, adversary, attack, swept values) for `metric`. */
export function crossRunTable(rows: readonly CompareRow[], sweep: readonly string[], metric: string): string {
  const header = [
    'design',
    'adversary',
    'attack',
    ...sweep,
    'n',
    `${metric} A`,
    `${metric} B`,
    'B − A',
    '95% interval',
    'paired',
  ];
  const numeric = header.map((h, j) => j >= 3 && h !== 'paired');
  const body = rows
    .filter((r) => r.metric === metric)
    .map((r) => [
      r.designA === r.designB ? r.designA : `${r.designA} ↔ ${r.designB}`,
      r.adversary,
      r.attack,
      ...r.sweep.map(String),
      r.paired ? String(r.nA) : `${r.nA}/${r.nB}`,
      sig(r.aMean, 4),
      sig(r.bMean, 4),
      sig(r.mean, 3, true),
      Number.isFinite(r.lo) ? `[${sig(r.lo, 3, true)}, ${sig(r.hi, 3, true)}]` : '-',
      r.paired ? 'yes' : 'no',
    ]);
  return alignTable(header, body, numeric);
}

/**
 * Design items and adversaries are matched by position when both manifests list as many of each
 * (a default adversary name carries its size, `colluding-10%`, so comparing 10 % with 20 % must
 * not match by name); otherwise by name. Returns B's names → A's where they differ.
 */
function positionalNames(a: Side, b: Side): { design: Map<string, string>; adversary: Map<string, string> } {
  const out = { design: new Map<string, string>(), adversary: new Map<string, string>() };
  const items = (s: Side, key: 'designs' | 'adversaries') => {
    const list = (s.manifest?.scenario as Record<string, unknown> | undefined)?.[key];
    return Array.isArray(list) ? list.map((x) => String((x as { name?: unknown }).name ?? '')) : null;
  };
  for (const [key, map] of [
    ['designs', out.design],
    ['adversaries', out.adversary],
  ] as const) {
    const na = items(a, key);
    const nb = items(b, key);
    if (!na || !nb || na.length !== nb.length) continue;
    nb.forEach((n, i) => {
      if (n !== na[i]) map.set(n, na[i]);
    });
  }
  return out;
}

export async function compareCommand(a: string, b: string, flags: CompareFlags, argv: Argv, io: Io): Promise<number> {
  const problems: Problem[] = [];
  const sa = readSide(a, argv, problems);
  const sb = readSide(b, argv, problems);
  const metric = flags.metric ?? 'top1';
  if (!(COMPARE_METRICS as readonly string[]).includes(metric))
    problems.push(
      argv.problem(
        '--metric',
        `unknown metric "${metric}"`,
        `one of ${COMPARE_METRICS.join(', ')}`,
        nearMiss(metric, COMPARE_METRICS),
      ),
    );
  if (problems.length > 0 || !sa || !sb) throw new ScenarioError(problems);
  const sweepA = sweptColumns(sa.summary.columns);
  const sweepB = sweptColumns(sb.summary.columns);
  if (JSON.stringify(sweepA) !== JSON.stringify(sweepB))
    throw new ScenarioError([
      argv.problem(
        b,
        `sweeps ${sweepB.length > 0 ? sweepB.join(', ') : 'nothing'} where ${a} sweeps ${sweepA.length > 0 ? sweepA.join(', ') : 'nothing'}`,
        'two runs with the same swept keys (compare cells of one sweep, or runs without a sweep)',
      ),
    ]);
  const matched = positionalNames(sa, sb);
  const rows = crossRunComparison(sa.summary, sb.summary, sweepA, matched);
  if (rows.length === 0)
    throw new ScenarioError([
      argv.problem(
        b,
        `has no row that matches one of ${a} (design, adversary, attack and swept values)`,
        'runs that share design and adversary names',
      ),
    ]);
  const keys = differingKeys(sa.manifest?.scenario ?? null, sb.manifest?.scenario ?? null).filter(
    (k) => k.path !== 'name',
  );
  const paired = rows.every((r) => r.paired);

  if (!flags.quiet) {
    const lines: string[] = [];
    lines.push(`A: ${a}`, `B: ${b}`);
    if (!sa.manifest || !sb.manifest) lines.push('scenario keys that differ: unknown (a manifest.json is missing)');
    else if (keys.length === 0) lines.push('scenario keys that differ: none');
    else {
      lines.push('scenario keys that differ (A → B):');
      for (const k of keys)
        lines.push(
          `  ${k.path}: ${k.a === undefined ? '(absent)' : show(k.a)} → ${k.b === undefined ? '(absent)' : show(k.b)}`,
        );
    }
    for (const [what, map] of [
      ['design items', matched.design],
      ['adversaries', matched.adversary],
    ] as const)
      if (map.size > 0)
        lines.push(`${what} matched by position: ${[...map].map(([nb, na]) => `${na} (A) ↔ ${nb} (B)`).join(', ')}`);
    lines.push(
      paired
        ? 'paired by seed: every matched replicate ran with the same seed on both sides; intervals are of the per-replicate differences'
        : 'not paired by seed (different seeds or replicates): intervals are Welch intervals of independent runs',
      '',
      crossRunTable(rows, sweepA, metric),
    );
    const onlyA = new Set(sa.summary.rows.map((r) => `${r.design}/${r.adversary}/${r.attack}`));
    const found = new Set(rows.map((r) => `${r.designA}/${r.adversary}/${r.attack}`));
    const missing = [...onlyA].filter((k) => !found.has(k));
    if (missing.length > 0)
      lines.push(
        `(${missing.length} rows of A have no match in B: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`,
      );
    io.out(`${lines.join('\n')}\n`);
  }

  if (flags.out !== undefined) {
    const out = await ensureOutputDir(flags.out);
    const stage = await mkdtemp(join(out, '.anonsim-tmp-'));
    try {
      const csv = await writeCsv(join(stage, 'compare.csv'), [...COMPARE_COLUMNS, ...sweepA], rows.map(compareCells), {
        keepText: true,
      });
      const manifest = {
        anonsim: anonsimVersion(),
        commit: gitCommit(),
        compare: { a, b, paired, differingKeys: keys },
        runs: {
          a: { anonsim: sa.manifest?.anonsim ?? null, commit: sa.manifest?.commit ?? null },
          b: { anonsim: sb.manifest?.anonsim ?? null, commit: sb.manifest?.commit ?? null },
        },
        files: { 'compare.csv': { sha256: csv.sha256, bytes: csv.bytes, rows: csv.rows } },
      };
      await writeFile(join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      let report = true;
      try {
        await writeReport(
          stage,
          { compare: csv.text ?? '' },
          {
            timelines: [],
            title: `compare ${a} → ${b}`,
            provenance: { anonsim: anonsimVersion(), commit: gitCommit() },
          },
        );
      } catch (e) {
        report = false;
        io.err(`anonsim: warning: report.html was not written: ${e instanceof Error ? e.message : String(e)}\n`);
      }
      for (const f of ['compare.csv', ...(report ? ['report.html'] : []), 'manifest.json'])
        await rename(join(stage, f), join(out, f));
      await rmdir(stage);
    } catch (e) {
      await rm(stage, { recursive: true, force: true });
      throw e;
    }
    if (!flags.quiet) io.out(`\ncomparison: ${join(flags.out, 'compare.csv')}\n`);
  }
  return 0;
}
