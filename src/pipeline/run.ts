/**
 * Runs a scenario: expands sweep cells × replicates × designs into simulation jobs (cells that
 * only differ in adversaries, attacks or warmup share one simulation), runs them in a piscina
 * pool or in-process, and merges results in a fixed order so the output is byte-identical for
 * any worker count.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { replicateSeed } from '../core/rng.js';
import type { Cell } from '../scenario/sweep.js';
import type { Scenario } from '../scenario/types.js';
import { jobCost } from './cost.js';
import { grade, INPUT_VECTORS, VECTORS, type Vector } from './exposure.js';
import { executeJob, type JobResult, type JobSpec, type SavedWorlds } from './job.js';
import { toPlain } from './serialize.js';
import type { ExposureRow, RunResult } from './types.js';
import { workerPool } from './worker-pool.js';

export type { Cell };

export interface RunOptions {
  workers: number;
  messages: boolean;
  /** After each finished job `index` (planJobs order) is given; the first call (nothing done yet) has none. */
  onProgress?: (phase: string, done: number, total: number, index?: number) => void;
  signal?: AbortSignal;
  /** Results of jobs already finished (by index in planJobs order, e.g. loaded by --resume); not run again. */
  done?: ReadonlyMap<number, JobResult>;
  /** Runs only the jobs whose planJobs index this accepts (a shard); default all. */
  select?: (index: number) => boolean;
  /**
   * Awaited with each job's result as soon as it completes (e.g. to checkpoint it) and before
   * progress counts it; a rejection fails the run like a failed job.
   */
  onJob?: (index: number, result: JobResult) => void | Promise<void>;
  /** Swept key paths for the merged result (see mergeResults). */
  sweepKeys?: string[];
  /** Save every job's worlds as Parquet under `root` (`write`), or attack the ones saved there (`read`). */
  log?: { root: string; mode: 'write' } | { root: string; mode: 'read'; worldsOf(job: number): SavedWorlds };
}

/** A JobSpec as plain data (see serialize.ts): what crosses into a worker. */
export type WorkerTask = unknown;

/** Stable text of everything that shapes one design's simulation (not adversaries, attacks or warmup). */
export function simKey(s: Scenario, designIndex: number): string {
  return JSON.stringify(
    {
      seed: s.seed,
      duration: s.duration,
      workload: s.workload,
      network: s.network,
      design: s.designs[designIndex],
      designs: s.designs.map((d) => d.name),
    },
    (_k, v) => (v && typeof v === 'object' && typeof v.sample === 'function' ? `dist:${v.text}` : v),
  );
}

export function planJobs(cells: Cell[], messages: boolean): JobSpec[] {
  const base = cells[0].scenario;
  const jobs: JobSpec[] = [];
  for (let r = 0; r < base.replicates; r++) {
    for (let d = 0; d < base.designs.length; d++) {
      const groups = new Map<string, Cell[]>();
      for (const c of cells) {
        const key = simKey(c.scenario, d);
        const g = groups.get(key);
        if (g) g.push(c);
        else groups.set(key, [c]);
      }
      for (const group of groups.values()) {
        const primary = r === 0 && group[0].cell === 0;
        jobs.push({ replicate: r, designIndex: d, cells: group, messages, primary });
      }
    }
  }
  return jobs;
}

function exposureRows(results: JobResult[], cells: Cell[]): ExposureRow[] {
  const rows: ExposureRow[] = [];
  const designs = cells[0].scenario.designs;
  for (const r of results) {
    if (!r.exposure) continue;
    for (const v of VECTORS) {
      const value = r.exposure.values[v as Vector];
      const basis = r.exposure.basis[v as Vector];
      rows.push({
        design: designs[r.designIndex].name,
        vector: v,
        value,
        grade: grade(v, value, r.exposure.users),
        adversary: basis?.adversary ?? '',
        attack: basis?.attack ?? '',
        source: INPUT_VECTORS.has(v as Vector) ? 'input' : 'measured',
      });
    }
  }
  return rows;
}

/**
 * `sweepKeys`: the swept key paths (summary/aggregate column names). Sweep cells' own scenarios
 * have an empty `sweep`, so callers with a sweep must pass the base scenario's paths.
 */
export function mergeResults(results: JobResult[], cells: Cell[], sweepKeys?: string[]): RunResult {
  const base = cells[0].scenario;
  const byOrder = (a: JobResult, b: JobResult) => a.replicate - b.replicate || a.designIndex - b.designIndex;
  const sorted = [...results].sort(byOrder);
  // Rows of every file in (sweep cell, replicate, design, job order): a job holds several cells.
  const merged = <R extends { cell: number }>(pick: (r: JobResult) => R[]): R[] => {
    const tagged: { row: R; rep: number; d: number; k: number }[] = [];
    for (const r of sorted) {
      const rows = pick(r);
      for (let k = 0; k < rows.length; k++) tagged.push({ row: rows[k], rep: r.replicate, d: r.designIndex, k });
    }
    tagged.sort((a, b) => a.row.cell - b.row.cell || a.rep - b.rep || a.d - b.d || a.k - b.k);
    return tagged.map((t) => t.row);
  };
  const counts = { events: 0, messagesSent: 0, hops: 0, deliveries: 0 };
  for (const r of sorted) {
    counts.events += r.counts.events;
    counts.messagesSent += r.counts.messagesSent;
    counts.hops += r.counts.hops;
    counts.deliveries += r.counts.deliveries;
  }
  const held = sorted
    .flatMap((r) => (r.held ?? []).map((h, k) => ({ h, d: r.designIndex, k })))
    .sort((a, b) => a.h.cell - b.h.cell || a.h.replicate - b.h.replicate || a.d - b.d || a.k - b.k)
    .map((t) => t.h);
  const caps = sorted
    .flatMap((r) => (r.caps ?? []).map((c, k) => ({ c, d: r.designIndex, k })))
    .sort((a, b) => a.c.cell - b.c.cell || a.c.replicate - b.c.replicate || a.d - b.d || a.k - b.k)
    .map((t) => t.c);
  const primaries = sorted.filter((r) => r.exposure !== null);
  return {
    scenarioName: base.name,
    sweepKeys: sweepKeys ?? base.sweep.map((s) => s.path),
    summary: merged((r) => r.summary),
    pairs: merged((r) => r.pairs),
    ttfd: merged((r) => r.ttfd),
    messages: merged((r) => r.messages),
    roc: merged((r) => r.roc),
    distributions: merged((r) => r.distributions),
    correlation: merged((r) => r.correlation),
    candidates: merged((r) => r.candidates),
    exposure: exposureRows(primaries, cells),
    timelines: primaries.flatMap((r) => r.timelines),
    held,
    caps,
    seeds: Array.from({ length: base.replicates }, (_, r) => replicateSeed(base.seed, r)),
    counts,
  };
}

/**
 * The order in which the worker pool is handed the jobs `todo` (indices into `jobs`): the most
 * expensive first by the cost model (cost.ts `jobCost`), ties in plan order. A pool of w workers
 * then finishes no later than plan order would on the default scenario: at 10^4 users, with
 * measured per-design CPU Signal 38.6, Session 33.6, SimpleX 41 and Matrix 27 s, plan order ends
 * at 74.6 s on 2 workers (Session then SimpleX on one), this order at 72.2 s, the best two-way
 * split. Only the order of work changes: results are merged by job index (mergeResults).
 */
export function submissionOrder(jobs: JobSpec[], todo: readonly number[]): number[] {
  const cost = new Map(todo.map((i) => [i, jobCost(jobs[i]).cpuSeconds]));
  return [...todo].sort((a, b) => (cost.get(b) ?? 0) - (cost.get(a) ?? 0) || a - b);
}

/**
 * Runs the selected jobs of `planJobs(cells)` that are not in `opts.done`; resolves to every
 * selected job's result (done ∪ run) keyed by job index. Job indices are positions in the
 * deterministic plan, so shards and resumed runs name the same job the same way.
 */
export async function runJobs(cells: Cell[], opts: RunOptions): Promise<Map<number, JobResult>> {
  const jobs = planJobs(cells, opts.messages);
  const log = opts.log;
  if (log)
    for (let i = 0; i < jobs.length; i++)
      jobs[i].log = {
        root: log.root,
        mode: log.mode,
        job: i,
        ...(log.mode === 'read' ? { worlds: log.worldsOf(i) } : {}),
      };
  const results = new Map<number, JobResult>();
  const todo: number[] = [];
  for (let i = 0; i < jobs.length; i++) {
    if (opts.select && !opts.select(i)) continue;
    const prior = opts.done?.get(i);
    if (prior) results.set(i, prior);
    else todo.push(i);
  }
  const total = results.size + todo.length;
  let done = results.size;
  opts.onProgress?.('simulate', done, total);
  const finish = async (i: number, r: JobResult) => {
    await opts.onJob?.(i, r);
    results.set(i, r);
    opts.onProgress?.('simulate', ++done, total, i);
  };
  const workers = Math.max(1, Math.min(opts.workers || availableParallelism(), todo.length));
  if (workers === 1) {
    for (const i of todo) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      await finish(i, await executeJob(jobs[i]));
      // Yield so a SIGINT handler can run between jobs.
      await new Promise((r) => setImmediate(r));
    }
    return results;
  }
  const pool = workerPool<WorkerTask, JobResult>('sim.worker', workers);
  // The first failure (a job, or saving its result on a full disk) stops the jobs still queued or
  // running: their results could not be saved either. An outside abort stops them the same way.
  const stop = new AbortController();
  const relay = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', relay, { once: true });
  if (opts.signal?.aborted) relay();
  // Every queued task listens on the one abort signal; that many listeners is intended.
  setMaxListeners(todo.length + 10, stop.signal);
  let failure: { reason: unknown } | null = null;
  try {
    const pending = submissionOrder(jobs, todo).map((i) =>
      pool
        .run(toPlain(jobs[i]), { signal: stop.signal })
        .then((r) => finish(i, r))
        .catch((e: unknown) => {
          if (!stop.signal.aborted) {
            failure = { reason: e };
            stop.abort(e);
          }
          throw e;
        }),
    );
    // allSettled first so a failure never leaves unhandled rejections behind; then rethrow the cause.
    const settled = await Promise.allSettled(pending);
    if (failure) throw (failure as { reason: unknown }).reason;
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
  } finally {
    opts.signal?.removeEventListener('abort', relay);
    await pool.close({ force: true });
  }
  return results;
}

/**
 * Job results in job-index order. mergeResults sorts stably by (replicate, design), and jobs of
 * different sweep groups can share both, so its input must be in plan order for stable output.
 */
export function inJobOrder(results: ReadonlyMap<number, JobResult>): JobResult[] {
  return [...results.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

export async function runCells(cells: Cell[], opts: RunOptions): Promise<RunResult> {
  return mergeResults(inJobOrder(await runJobs(cells, opts)), cells, opts.sweepKeys);
}

/** Numbered cells of a run: the sweep grid in order, or the scenario itself as cell 0. */
export function scenarioCells(scenario: Scenario, cells: Cell[] | null): Cell[] {
  return cells?.length ? cells : [{ cell: 0, sweep: [], scenario }];
}

/**
 * Runs a resolved scenario. `cells` expands the sweep grid (one entry per cell, in grid
 * order); without a sweep the scenario itself is the only cell.
 */
export async function runScenario(scenario: Scenario, cells: Cell[] | null, opts: RunOptions): Promise<RunResult> {
  return runCells(scenarioCells(scenario, cells), { sweepKeys: scenario.sweep.map((s) => s.path), ...opts });
}
