/**
 * Peak memory of a run, from the plan alone (nothing simulated), for the pre-flight of
 * `anonsim run` and `anonsim validate`: what one job takes at its peak, hence one worker, and the
 * whole process with N workers.
 *
 * One job's peak is the simulated world plus the larger of two working sets: the timing trace's
 * (its memo of weighed windows grows with the deliveries D traced, workload/expected.ts) and the
 * windowed attacks' (flow, disclosure: their series hold an entry per active ip and window, so
 * they grow with the active users A = U·(1 − e^(−D/U)), those expected to receive at least once,
 * times the duration T in minutes). An evaluation frees its working set before the next starts,
 * so the two do not add up:
 *
 *   peak = base + U·perUser + max([timing]·D·perTimingDelivery, [windowed]·A·T·windowed)
 *
 * MEASURED (re-fit with `npm run bench:memory-fit` when memory use changes): peak RSS (getrusage)
 * of `anonsim run scenarios/default.yaml --workers 1` (the job runs on the main thread, so the
 * process peak is the job's) with one design item, each of the four designs at: the default 3
 * adversaries × 4 attacks at (U, T) = (10³, 30 min), (3162, 30 min), (10⁴, 5 min), (10⁴, 15 min),
 * (31 623 at 1/30 min, 10 min), (10⁵ at 1/100 min, 10 min); identifier + timing at 10⁴ users over
 * 10 min; flow alone (global observer) at 10⁴ users over 10 min; identifier alone at 10³ users —
 * 36 runs at commit 1140542 (Node 20, 2026-12-07), the 8 Signal and Session runs with timing
 * measured again at 6cc9541 (timing's `widen` 4 → 8 took them 9–28 % higher). The earlier model
 * (46 runs at 10³–10⁴ users, 1/10 min) was linear in U per evaluation and overstated many users who
 * each send little 3–9× (10⁵ users at 1/100 min: 4.6 GB estimated per job, 0.42–0.66 GB measured
 * for Signal, Session and Matrix); this one, fitted by least squares of relative error, puts 34 of
 * the 36 runs within ±42 % and 31 within ±30 % (Matrix is overstated up to 1.4×, Session
 * understated to 0.65× at 10⁴ users over 15 min). The exception, left out of the fit: SimpleX at 10⁵
 * users (1/100 min) peaks at 1.61 GB against 0.5 GB estimated — its global observer's flow alone
 * takes 1.79 GB there (0.22 GB at 10⁴ users), for a reason not yet found. A sum of the two working
 * sets instead of their larger fitted worse (30 within ±30 %) and understated timing-only runs (a
 * 10⁴-user global observer's identifier + timing at 0.64×). test/faults/memory.test.ts checks four
 * more mixes at 10³–31 623 users (±30 %).
 */
import { expectedTraffic } from '../workload/expected.js';
import type { JobSpec } from './job.js';
import { needsCalibration } from './job.js';
import { type Cell, planJobs } from './run.js';

const MIB = 1024 * 1024;

export const MEMORY_MODEL = {
  /** A run's process with anonsim loaded and one job's fixed overhead. */
  base: 110.9 * MIB,
  /** Per user: the simulated world (devices, keys, contacts, queues or swarms) and per-user indexes. */
  perUser: 2.055 * MIB * 1e-3,
  /** Per active user-minute when a windowed attack (flow, disclosure) is among the job's. */
  windowed: 1.383 * MIB * 1e-3,
  /** Per delivery and timing evaluation (the trace's memo of weighed windows, per-target rows). */
  perTimingDelivery: 19.07 * MIB * 1e-3,
  /** The main process without a job (`anonsim validate scenarios/default.yaml` peaks at 69 MiB). */
  mainBase: 69 * MIB,
  /** A worker thread's isolate with the simulation bundle loaded, before its job (see module comment). */
  workerBase: 30 * MIB,
};

const WINDOWED = new Set(['flow', 'disclosure']);

/** The job's quantities the model multiplies (see the module comment); `base` is 1. */
export type MemoryTerms = Record<Exclude<keyof typeof MEMORY_MODEL, 'mainBase' | 'workerBase'>, number>;
/** Bytes per unit of each term. */
export type MemoryConstants = MemoryTerms;

/** The terms of one job, which `jobPeakBytes` weighs by MEMORY_MODEL (and bench/memory-fit.ts fits). */
export function memoryTerms(job: JobSpec): MemoryTerms {
  const s = job.cells[0].scenario;
  const users = s.workload.users;
  const minutes = s.duration / 60e9;
  // A calibration run is a second world simulated in the same job.
  const deliveries = expectedTraffic(s.workload, s.duration).deliveries * (needsCalibration(job) ? 2 : 1);
  let windowed = 0;
  let timing = 0;
  for (const { scenario: c } of job.cells) {
    windowed += c.adversaries.length * c.attacks.filter((a) => WINDOWED.has(a)).length;
    timing += c.attacks.includes('timing') ? c.adversaries.length : 0;
  }
  // Users expected to receive at least once (deliveries land on users as a Poisson count): the
  // windowed series hold entries only for ips with traffic.
  const active = users * -Math.expm1(-deliveries / Math.max(1, users));
  return {
    base: 1,
    perUser: users,
    windowed: windowed > 0 ? active * minutes : 0,
    perTimingDelivery: timing > 0 ? deliveries : 0,
  };
}

/**
 * Peak bytes of `t` under constants `c`: the world, plus the larger of the timing trace's and the
 * windowed series' working sets (an evaluation frees its working set before the next starts, so
 * the two do not add up).
 */
export function peakBytes(t: MemoryTerms, c: MemoryConstants): number {
  return (
    t.base * c.base +
    t.perUser * c.perUser +
    Math.max(t.windowed * c.windowed, t.perTimingDelivery * c.perTimingDelivery)
  );
}

/** Peak bytes of one job run on the main thread (--workers 1). */
export function jobPeakBytes(job: JobSpec): number {
  return peakBytes(memoryTerms(job), MEMORY_MODEL);
}

export interface MemoryEstimate {
  /** The largest job's peak on the main thread (--workers 1). */
  job: number;
  /** One worker thread running the largest job. */
  worker: number;
  /** The main process besides its workers: anonsim, and every finished job's rows until the CSVs are written. */
  main: number;
  /** Expected peak of the whole run with this many workers. */
  total(workers: number): number;
}

/** `resultBytes`: the rows all jobs hand back (≈ the checkpoint bytes, pipeline/disk-estimate.ts). */
export function estimateMemory(cells: Cell[], resultBytes: number): MemoryEstimate {
  const m = MEMORY_MODEL;
  let job = 0;
  for (const spec of planJobs(cells, false)) job = Math.max(job, jobPeakBytes(spec));
  const worker = m.workerBase + (job - m.base);
  const main = m.mainBase + resultBytes;
  return {
    job,
    worker,
    main,
    // With one worker the job runs on the main thread (pipeline/run.ts).
    total: (workers) => (workers <= 1 ? job + resultBytes : main + workers * worker),
  };
}

/**
 * The number of workers that fits in `available` bytes: `workers` when it does, fewer when only
 * fewer do, 0 when not even one job fits.
 */
export function workersThatFit(est: MemoryEstimate, workers: number, available: number): number {
  for (let w = workers; w >= 1; w--) if (est.total(w) <= available) return w;
  return 0;
}
