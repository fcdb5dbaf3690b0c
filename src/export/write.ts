/**
 * Writes a run's results folder (docs/cli.md): summary.csv, aggregate.csv, exposure.csv, the
 * detail files of detail.ts (pairs.csv, ttfd.csv, roc.csv, distributions.csv, correlation.csv,
 * candidates.csv; messages.csv only with --messages), timelines.json, manifest.json and report.html.
 *
 * Atomicity: every file is first written into a fresh staging folder inside the output folder
 * (same filesystem, so rename is atomic) and moved into place only when ALL of them are
 * complete; on any failure or abort the staging folder is removed, so a failed or interrupted
 * run never leaves a partial CSV. A `messages.csv` from an earlier run is removed when this run
 * writes none (it would not match the manifest). Staging folders still pending can be removed
 * synchronously from an exit handler with `removeStagingSync()`.
 *
 * Byte stability: fixed column order, fixed number text (format.ts), rows in the order the
 * pipeline merged them (deterministic for any worker count).
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError, machineFault } from '../core/errors.js';
import { anonsimVersion, gitCommit } from '../core/package.js';
import { AGG_METRICS, aggregateRows } from '../metrics/aggregate.js';
import { LABEL_COLUMNS, SUMMARY_COLUMNS, type SummaryColumn, type SummaryRow } from '../metrics/schema.js';
import type { RunResult } from '../pipeline/types.js';
import { scenarioToPlain } from '../scenario/to-yaml.js';
import type { Scenario } from '../scenario/types.js';
import { COMPARE_COLUMNS, compareCells, withinRunComparison } from './compare.js';
import { type CsvResult, throwIfAborted, writeCsv } from './csv.js';
import { DETAIL_FILES, MESSAGES } from './detail.js';
import { cell } from './format.js';
import type { SweepRates } from './rates.js';
import type { Provenance } from './report.js';

export { SUMMARY_COLUMNS };

export const AGGREGATE_COLUMNS = [
  'design',
  'adversary',
  'attack',
  'replicates',
  ...AGG_METRICS.flatMap((m) => [`${m}_mean`, `${m}_lo`, `${m}_hi`]),
];
export const EXPOSURE_COLUMNS = ['design', 'vector', 'value', 'grade', 'adversary', 'attack', 'source'] as const;
/** A detail file's text is inlined into report.html only below this size (the page must stay loadable). */
const REPORT_DETAIL_MAX = 20 * 1024 * 1024;
/** Files always inlined: the charts' summaries. */
const REPORT_ALWAYS = new Set(['summary.csv', 'aggregate.csv', 'exposure.csv']);

export type ReportWriter = (
  dir: string,
  files: Record<string, string>,
  extra: { timelines: unknown[]; title: string; rates?: SweepRates; provenance?: Provenance },
) => Promise<string>;

export interface WriteOptions {
  /** The resolved scenario (recorded in manifest.json). */
  scenario: Scenario;
  workers: number;
  /** Wall-clock seconds of the run (manifest only; never in a CSV). */
  wallTimeS: number;
  /** Write messages.csv (`--messages`). */
  messages: boolean;
  signal?: AbortSignal;
  /** Writes report.html into a folder; null skips it (e.g. when the viewer is not built). */
  report?: ReportWriter | null;
  /** Extra manifest.json keys (e.g. which shards `anonsim merge` combined); never in a CSV. */
  extra?: Record<string, unknown>;
  /**
   * Message rates per sweep cell and design (rates.ts), for the viewer's trilemma panel: recorded
   * in manifest.json as `rates` and inlined into report.html; never in a CSV.
   */
  rates?: SweepRates;
}

export interface FileInfo {
  sha256: string;
  bytes: number;
  rows: number;
}

export interface Written {
  dir: string;
  files: Record<string, FileInfo>;
  /** Path of report.html, or null when it was skipped. */
  report: string | null;
  /** Why report.html was not written, when it failed (the CSVs are still written). */
  reportError: string | null;
  manifest: Record<string, unknown>;
}

const staging = new Set<string>();
const STAGING_PREFIX = '.anonsim-tmp-';

/** Removes staging folders of writes still in progress (for SIGINT / exit handlers). */
export function removeStagingSync(): void {
  for (const d of staging) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
    staging.delete(d);
  }
}

/**
 * Removes staging folders a killed run (SIGKILL, a crash, a power cut) left in `dir`. Only safe
 * while holding the folder's lock: no other run can be writing there.
 */
export function removeStaleStagingSync(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(STAGING_PREFIX)) rmSync(join(dir, n), { recursive: true, force: true });
}

/** Creates `dir` (and parents); InputError when it or a parent exists as a file. */
export async function ensureOutputDir(dir: string, flag = '-o'): Promise<string> {
  const abs = resolve(dir);
  if (existsSync(abs) && !statSync(abs).isDirectory())
    throw new InputError(`"${dir}" is a file`, flag, 'a folder, or a path that does not exist yet');
  try {
    await mkdir(abs, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR')
      throw new InputError(`"${dir}" cannot be created: part of the path is a file`, flag, 'a folder path');
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new InputError(`"${dir}" cannot be created (${code})`, flag, 'a writable folder');
    throw e;
  }
  return abs;
}

const LABELS = new Set<SummaryColumn>(LABEL_COLUMNS);

/** The fixed columns of one summary row as CSV cells, in SUMMARY_COLUMNS order. */
export function summaryCells(r: SummaryRow): string[] {
  return SUMMARY_COLUMNS.map((c) => (LABELS.has(c) ? String(r[c]) : cell(r[c] as number)));
}

function sweepCells(values: readonly (string | number | boolean)[]): string[] {
  return values.map((v) => cell(v));
}

export async function writeResults(dir: string, result: RunResult, opts: WriteOptions): Promise<Written> {
  throwIfAborted(opts.signal);
  const out = await ensureOutputDir(dir);
  const stage = await mkdtemp(join(out, STAGING_PREFIX)).catch((e) => {
    throw machineFault(e, out) ?? e;
  });
  staging.add(stage);
  // The file being written, named by its final path: a disk-full or I/O error message names it.
  let current = out;
  try {
    const files: Record<string, CsvResult> = {};
    const csv = async (name: string, header: readonly string[], rows: Iterable<string[]>, keepText = true) => {
      throwIfAborted(opts.signal);
      current = join(out, name);
      files[name] = await writeCsv(join(stage, name), header, rows, { keepText, signal: opts.signal });
    };
    const keys = result.sweepKeys;

    await csv(
      'summary.csv',
      [...SUMMARY_COLUMNS, ...keys],
      (function* () {
        for (const r of result.summary) yield [...summaryCells(r), ...sweepCells(r.sweep)];
      })(),
    );

    await csv(
      'aggregate.csv',
      [...AGGREGATE_COLUMNS, ...keys],
      (function* () {
        for (const a of aggregateRows(result.summary)) {
          const stats: string[] = [];
          for (const m of AGG_METRICS) stats.push(cell(a.stats[m].mean), cell(a.stats[m].lo), cell(a.stats[m].hi));
          yield [a.design, a.adversary, a.attack, cell(a.replicates), ...stats, ...sweepCells(a.sweep)];
        }
      })(),
    );

    // Paired differences between the scenario's compared design items (compare.ts).
    const compared = opts.scenario.compare ?? [];
    if (compared.length > 0)
      await csv(
        'compare.csv',
        [...COMPARE_COLUMNS, ...keys],
        withinRunComparison(result.summary, compared).map(compareCells),
      );

    await csv(
      'exposure.csv',
      EXPOSURE_COLUMNS,
      (function* () {
        for (const r of result.exposure)
          yield [r.design, r.vector, cell(r.value), r.grade, r.adversary, r.attack, r.source];
      })(),
    );

    for (const f of DETAIL_FILES) await csv(f.name, f.columns(keys), f.rows(result));
    if (opts.messages)
      await csv(MESSAGES.name, MESSAGES.columns(keys), MESSAGES.rows(result), result.messages.length < 200_000);

    throwIfAborted(opts.signal);
    current = join(out, 'timelines.json');
    await writeFile(join(stage, 'timelines.json'), `${JSON.stringify(result.timelines)}\n`);

    const fileInfo: Record<string, FileInfo> = {};
    for (const [name, f] of Object.entries(files)) fileInfo[name] = { sha256: f.sha256, bytes: f.bytes, rows: f.rows };
    const manifest: Record<string, unknown> = {
      anonsim: anonsimVersion(),
      commit: gitCommit(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      workers: opts.workers,
      wallTimeS: Math.round(opts.wallTimeS * 1000) / 1000,
      scenario: scenarioToPlain(opts.scenario),
      seeds: result.seeds,
      sweep: { keys: result.sweepKeys, cells: new Set(result.summary.map((r) => r.cell)).size },
      counts: result.counts,
      files: fileInfo,
      ...(opts.rates ? { rates: opts.rates } : {}),
      ...opts.extra,
      // Evaluations whose work caps cut a posterior (timing's scan, beam, budget, depth): out of
      // `targets`, how many each cap cut by more than 0.1 % of their mass; absent when none did.
      ...(result.caps?.length ? { caps: result.caps } : {}),
      // Last: one entry per (cell, replicate, design, adversary), possibly long.
      held: result.held,
    };
    current = join(out, 'manifest.json');
    await writeFile(join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    let report: string | null = null;
    let reportError: string | null = null;
    if (opts.report) {
      throwIfAborted(opts.signal);
      const texts: Record<string, string> = {};
      for (const [name, f] of Object.entries(files)) {
        if (f.text === undefined) continue;
        if (!REPORT_ALWAYS.has(name) && f.bytes > REPORT_DETAIL_MAX) continue;
        texts[name] = f.text;
      }
      current = join(out, 'report.html');
      try {
        await opts.report(stage, texts, {
          timelines: result.timelines,
          title: opts.scenario.name,
          ...(opts.rates ? { rates: opts.rates } : {}),
          provenance: { anonsim: manifest.anonsim as string, commit: manifest.commit as string | null },
        });
        report = join(out, 'report.html');
      } catch (e) {
        // A full disk fails the run like any other file; only a missing or broken viewer is an extra.
        const fault = machineFault(e, current);
        if (fault) throw fault;
        // The viewer is an extra; a missing viewer build must not cost the run its CSVs.
        reportError = e instanceof Error ? e.message : String(e);
      }
    }

    // Everything is complete: move into place. Manifest last, so it never describes files not yet there.
    throwIfAborted(opts.signal);
    const names = [...Object.keys(files), 'timelines.json', ...(report ? ['report.html'] : []), 'manifest.json'];
    for (const name of names) {
      current = join(out, name);
      await rename(join(stage, name), join(out, name));
    }
    if (!opts.messages) await rm(join(out, 'messages.csv'), { force: true });
    if (compared.length === 0) await rm(join(out, 'compare.csv'), { force: true });
    await rmdir(stage).catch(() => rm(stage, { recursive: true, force: true }));
    staging.delete(stage);
    return { dir: out, files: fileInfo, report, reportError, manifest };
  } catch (e) {
    await rm(stage, { recursive: true, force: true }).catch(() => {});
    staging.delete(stage);
    throw machineFault(e, current) ?? e;
  }
}
