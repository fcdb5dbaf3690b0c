/**
 * The top of a saved log (`DIR/log/`): `log.json` (what `anonsim attack` needs to find and
 * re-attack each world: the scenario, and per world the settings that shaped its simulation),
 * `scenario.yaml` (the run's scenario after its command-line overrides, which `anonsim attack`
 * loads and applies its own `--set` to) and `worlds.parquet` (one row per world, for SQL users).
 * World folders are written by the jobs themselves (write.ts); this is written once they are done,
 * from the worlds the pipeline planned (pipeline/log-index.ts).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { anonsimVersion, gitCommit } from '../core/package.js';
import type { Raw } from '../scenario/paths.js';
import { TableFile, toInt64 } from './parquet.js';
import { LogError } from './read.js';
import { LOG_DIR, LOG_FORMAT, WORLD_COLUMNS } from './schema.js';
import { TEMP_SUFFIX, type WorldMeta } from './write.js';

export const LOG_INDEX = 'log.json';
export const LOG_SCENARIO = 'scenario.yaml';

export interface LoggedWorld {
  world: string;
  kind: 'run' | 'calibration';
  job: number;
  replicate: number;
  designIndex: number;
  design: string;
  /** simKey of the job's scenario: a re-attack may use a world only when its own job's key is the same. */
  simKey: string;
}

export interface LogIndex {
  format: number;
  anonsim: string;
  commit: string | null;
  scenario: string;
  worlds: LoggedWorld[];
}

/**
 * Makes `DIR/log/` ready for a run with --log and returns it: emptied, unless the run resumes
 * (then finished jobs' worlds stay and unfinished ones are rewritten by their jobs).
 */
export async function prepareLogDir(outDir: string, resume: boolean): Promise<string> {
  const root = join(outDir, LOG_DIR);
  if (!resume) await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  return root;
}

/**
 * Removes what unfinished writes left under the log root: world folders still under their
 * temporary name (a job interrupted or failed mid-simulation) and `.tmp` index files. Finished
 * worlds stay for --resume. Synchronous so a hard exit can call it.
 */
export function removeLogTempSync(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names)
    if (n.endsWith(TEMP_SUFFIX) || n.endsWith('.tmp')) rmSync(join(root, n), { recursive: true, force: true });
}

async function writeAtomic(file: string, text: string | Uint8Array): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

/**
 * Writes log.json, scenario.yaml and worlds.parquet under `root` (the world folders are already
 * there); `worlds` are the run's planned worlds (pipeline/log-index.ts `plannedWorlds`).
 */
export async function writeLogIndex(root: string, raw: Raw, worlds: LoggedWorld[]): Promise<void> {
  await writeAtomic(join(root, LOG_SCENARIO), stringify(raw));
  const metas: WorldMeta[] = [];
  for (const w of worlds) {
    const file = join(root, w.world, 'world.json');
    if (existsSync(file)) metas.push(JSON.parse(readFileSync(file, 'utf8')) as WorldMeta);
  }
  const table = new TableFile(join(root, 'worlds.parquet.tmp'), WORLD_COLUMNS, 'worlds');
  if (metas.length > 0)
    table.writeGroup({
      world: metas.map((m) => m.world),
      kind: metas.map((m) => m.kind),
      job: Int32Array.from(metas, (m) => m.job),
      replicate: Int32Array.from(metas, (m) => m.replicate),
      design: metas.map((m) => m.design),
      design_id: metas.map((m) => m.designId),
      seed: toInt64(metas.map((m) => m.seed)),
      cells: metas.map((m) => m.cells.join(',')),
      users: Int32Array.from(metas, (m) => m.users),
      duration_ns: Float64Array.from(metas, (m) => m.duration),
      warmup_ns: Float64Array.from(metas, (m) => m.warmup),
      real_world_identifier: Float64Array.from(metas, (m) => m.built.realWorldIdentifier),
      events: toInt64(metas.map((m) => m.events)),
      hops: toInt64(metas.map((m) => m.hops)),
      deliveries: toInt64(metas.map((m) => m.deliveries)),
    });
  table.finish();
  await rename(join(root, 'worlds.parquet.tmp'), join(root, 'worlds.parquet'));
  const index: LogIndex = {
    format: LOG_FORMAT,
    anonsim: anonsimVersion(),
    commit: gitCommit(),
    scenario: LOG_SCENARIO,
    worlds,
  };
  await writeAtomic(join(root, LOG_INDEX), `${JSON.stringify(index, null, 1)}\n`);
}

const REWRITE = 'a folder written by `anonsim run --log` (DIR/log)';

/** Reads and checks log.json of a saved log. */
export function readLogIndex(root: string): LogIndex {
  const file = join(root, LOG_INDEX);
  if (!existsSync(root)) throw new LogError(root, 'does not exist', REWRITE);
  if (!existsSync(file)) throw new LogError(file, 'is missing: not a saved log, or its run did not finish', REWRITE);
  let index: LogIndex;
  try {
    index = JSON.parse(readFileSync(file, 'utf8')) as LogIndex;
  } catch (e) {
    throw new LogError(file, `is not valid JSON (${(e as Error).message})`, REWRITE);
  }
  if (index.format !== LOG_FORMAT)
    throw new LogError(
      file,
      `is log format ${String(index.format)} (anonsim ${String(index.anonsim)}); this anonsim reads format ${LOG_FORMAT}`,
      'a log written by this anonsim version (run the scenario again with --log)',
    );
  if (!Array.isArray(index.worlds)) throw new LogError(file, 'lists no worlds', REWRITE);
  return index;
}
