/**
 * Scale-out support: shard selection, per-job checkpoint files and shard manifests.
 *
 * A run is the deterministic job list of `planJobs` (sweep group × replicate × design); a job's
 * index is its position in that list. Every finished job is saved as `<out>/.jobs/<index>.json`
 * (written to a temporary name, fsynced, then renamed, so a file either is complete or does not
 * exist). A shard run (`--shard I/N`) runs the jobs with index ≡ I (mod N) and writes only job
 * files plus `<out>/shard-<I>-of-<N>.json`; `anonsim merge` checks and combines them. Job files
 * and shard manifests carry the scenario hash (sha256 of the resolved scenario in plain form),
 * the anonsim version and the `--messages` flag, so results of different runs never mix.
 *
 * Job files are JSON with a format tag; numbers JSON cannot hold (NaN, ±Infinity, −0) are
 * written as `{"$num": "NaN"}` etc., so a loaded JobResult equals the one computed and the
 * merged CSVs are byte-identical to a single run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { machineFault } from '../core/errors.js';
import { scenarioToPlain } from '../scenario/to-yaml.js';
import type { Scenario } from '../scenario/types.js';
import type { JobResult, JobSpec } from './job.js';

export const JOB_FORMAT = 'anonsim-job/1';
export const SHARD_FORMAT = 'anonsim-shard/1';
export const JOBS_DIR = '.jobs';

export interface Shard {
  /** 0-based shard index, < count. */
  index: number;
  count: number;
}

/** What every job file and shard manifest of one run shares; two runs mix only when all fields agree. */
export interface RunIdentity {
  anonsim: string;
  scenarioHash: string;
  messages: boolean;
  jobCount: number;
}

export interface JobFile extends RunIdentity {
  format: typeof JOB_FORMAT;
  job: number;
  replicate: number;
  designIndex: number;
  result: JobResult;
}

export interface ShardManifest extends RunIdentity {
  format: typeof SHARD_FORMAT;
  shard: Shard;
  /** Where the shard index came from: `--shard`, `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX`. */
  source: string;
  /** Job indices this shard runs (index ≡ shard.index mod shard.count). */
  jobs: number[];
  /** The resolved scenario in plain form (`anonsim validate` output as data): merge re-resolves it. */
  scenario: Record<string, unknown>;
  commit: string | null;
}

/** sha256 of the resolved scenario in plain form (key order is fixed by scenarioToPlain). */
export function scenarioHash(scenario: Scenario): string {
  return createHash('sha256')
    .update(JSON.stringify(scenarioToPlain(scenario)))
    .digest('hex');
}

/** `I/N` with 0 ≤ I < N; undefined when the text is not one. */
export function parseShard(text: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count) return undefined;
  return { index, count };
}

/** Round-robin assignment: job i belongs to shard i mod N. */
export function inShard(shard: Shard, job: number): boolean {
  return job % shard.count === shard.index;
}

export function shardJobs(shard: Shard, jobCount: number): number[] {
  const out: number[] = [];
  for (let i = shard.index; i < jobCount; i += shard.count) out.push(i);
  return out;
}

export function shardManifestName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

/** A human name for a job in messages: `job 5 (replicate 1, design simplex)`. */
export function describeJob(index: number, spec: JobSpec): string {
  const design = spec.cells[0].scenario.designs[spec.designIndex]?.name ?? `#${spec.designIndex}`;
  return `job ${index} (replicate ${spec.replicate}, design ${design})`;
}

/** JSON text with NaN, ±Infinity and −0 kept exactly. */
export function encodeJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))
        ? { $num: Object.is(v, -0) ? '-0' : String(v) }
        : v,
    indent,
  );
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.$num === 'string' && Object.keys(v).length === 1)
      return Number(v.$num);
    return v;
  }) as T;
}

/** Temporary files of writes in progress, for `removePendingTempSync` at a hard exit. */
const pending = new Set<string>();

/** Removes the temporary files of writes still in progress (an exit handler's last resort). */
export function removePendingTempSync(): void {
  for (const tmp of pending) rmSync(tmp, { force: true });
  pending.clear();
}

/**
 * Writes `text` to `path` atomically: temporary name in the same folder, fsync, rename. On any
 * failure the temporary file is removed and the error is a MachineFault naming `path` when the
 * machine caused it (disk full, I/O error, permission).
 */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  pending.add(tmp);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw machineFault(e, path) ?? e;
  } finally {
    pending.delete(tmp);
  }
}

export function jobPath(out: string, index: number): string {
  return join(out, JOBS_DIR, `${index}.json`);
}

export async function writeJobFile(
  out: string,
  id: RunIdentity,
  index: number,
  spec: JobSpec,
  result: JobResult,
): Promise<void> {
  await mkdir(join(out, JOBS_DIR), { recursive: true }).catch((e) => {
    throw machineFault(e, join(out, JOBS_DIR)) ?? e;
  });
  const file: JobFile = {
    format: JOB_FORMAT,
    ...id,
    job: index,
    replicate: spec.replicate,
    designIndex: spec.designIndex,
    result,
  };
  await writeAtomic(jobPath(out, index), `${encodeJson(file)}\n`);
}

/** Job file indices present in `<out>/.jobs` (temporary files of killed writes are not listed). */
export function listJobFiles(out: string): number[] {
  const dir = join(out, JOBS_DIR);
  if (!existsSync(dir)) return [];
  const found: number[] = [];
  for (const f of readdirSync(dir)) {
    const m = /^(\d+)\.json$/.exec(f);
    if (m) found.push(Number(m[1]));
  }
  return found.sort((a, b) => a - b);
}

/** Removes temporary files left by writes that were killed mid-way. */
export async function removeStaleTemp(out: string): Promise<void> {
  const dir = join(out, JOBS_DIR);
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) await rm(join(dir, f), { force: true });
}

/**
 * Why a job file cannot be used for job `index` of the run `id` / plan `jobs`, or null.
 * Checked field by field so the message names what differs.
 */
export function jobFileProblem(file: JobFile, id: RunIdentity, index: number, jobs: JobSpec[]): string | null {
  if (file.format !== JOB_FORMAT)
    return `unknown job file format "${String(file.format)}" (this anonsim reads ${JOB_FORMAT})`;
  if (file.anonsim !== id.anonsim) return `written by anonsim ${file.anonsim}, this is anonsim ${id.anonsim}`;
  if (file.scenarioHash !== id.scenarioHash)
    return `written for a different scenario (hash ${file.scenarioHash.slice(0, 12)}…, this run ${id.scenarioHash.slice(0, 12)}…)`;
  if (file.messages !== id.messages)
    return `written ${file.messages ? 'with' : 'without'} --messages, this run is ${id.messages ? 'with' : 'without'} it`;
  if (file.jobCount !== id.jobCount || file.job !== index) return `does not belong to job ${index} of ${id.jobCount}`;
  const spec = jobs[index];
  if (!spec) return `names job ${index}, but the run has ${jobs.length} jobs`;
  if (file.replicate !== spec.replicate || file.designIndex !== spec.designIndex)
    return `holds replicate ${file.replicate}, design ${file.designIndex}, not ${describeJob(index, spec)}`;
  return null;
}

/** Reads one job file; throws a plain Error with the reason when it is not valid JSON. */
export function readJobFile(out: string, index: number): JobFile {
  const path = jobPath(out, index);
  try {
    return decodeJson<JobFile>(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
