/**
 * Peak memory of a run, from the plan alone (nothing simulated), for the pre-flight of
 * `anonsim run` and `anonsim validate`: what one job takes at its peak, hence one worker, and the
 * whole process with N workers.
 *
 * One job's peak (simulated world + attack working sets + rows kept) is a linear model in the
 * job's users U, duration T (minutes), expected deliveries D (workload/expected.ts), active users
 * A = U·(1 − e^(−D/U)) (those expected to receive at least once), whether a windowed attack (flow,
 * disclosure: their series hold an entry per active ip and window) is among its evaluations, and
 * its timing evaluations Et (each keeps a memo of the windows it weighed, which grows with the
 * deliveries traced):
 *
 *   peak = base + U·perUser + [windowed]·A·T·windowed + D·Et·perTimingDelivery
 *
 * MEASURED (re-fit with `npm run bench:memory-fit` when memory use changes): peak RSS (getrusage)
 * of `anonsim run scenarios/default.yaml --workers 1` (the job runs on the main thread, so the
 * process peak is the job's) with one design item, each of the four designs at: the default 3
 * adversaries × 4 attacks at (U, T) = (10³, 30 min), (3162, 30 min), (10⁴, 5 min), (10⁴, 15 min),
 * (31 623 at 1/30 min, 10 min), (10⁵ at 1/100 min, 10 min); identifier + timing at 10⁴ users over
 * 10 min; flow alone (global observer) at 10⁴ users over 10 min; identifier alone at 10³ users —
 * 36 runs, anonsim at commit 1140542, Node 20, 2026-12-07. The earlier model (46 runs at 10³–10⁴
 * users, 1/10 min) was linear in U per evaluation and overstated many users who each send little
 * 3–9× (10⁵ users at 1/100 min: 4.6 GB estimated per job, 0.42–0.63 GB measured for Signal,
 * Session and Matrix); with A and the deliveries the fit of relative error (terms whose constant
 * came out negative dropped: per delivery, per extra evaluation, per windowed evaluation) puts 35
 * of the 36 runs within ±42 % and 32 within ±30 % (Matrix is overstated up to 1.41×, Session and
 * SimpleX understated to 0.72×). The exception, left: SimpleX at 10⁵ users (1/100 min) peaks at
 * 1.61 GB against 0.55 GB estimated — its global observer's flow alone takes 1.79 GB there (0.22 GB
 * at 10⁴ users), for a reason not yet found. test/faults/memory.test.ts checks three more mixes at
 * 10³ and 10⁴ users (±30 %).
 */
import { expectedTraffic } from '../workload/expected.js';
import type { JobSpec } from './job.js';
import { needsCalibration } from './job.js';
import { type Cell, planJobs } from './run.js';

const MIB = 1024 * 1024;

export const MEMORY_MODEL = {
  /** A run's process with anonsim loaded and one job's fixed overhead. */
  base: 114.5 * MIB,
  /** Per user: the simulated world (devices, keys, contacts, queues or swarms) and per-user indexes. */
  perUser: 2.17 * MIB * 1e-3,
  /** Per active user-minute when a windowed attack (flow, disclosure) is among the job's. */
  windowed: 1.025 * MIB * 1e-3,
  /** Per delivery and timing evaluation (the trace's memo of weighed windows, per-target rows). */
  perTimingDelivery: 3.855 * MIB * 1e-3,
  /** The main process without a job (`anonsim validate scenarios/default.yaml` peaks at 69 MiB). */
  mainBase: 69 * MIB,
  /** A worker thread's isolate with the simulation bundle loaded, before its job (see module comment). */
  workerBase: 30 * MIB,
};

const WINDOWED = new Set(['flow', 'disclosure']);

/** The job's quantities the model multiplies (see the module comment); `base` is 1. */
export type MemoryTerms = Record<Exclude<keyof typeof MEMORY_MODEL, 'mainBase' | 'workerBase'>, number>;

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
    perTimingDelivery: deliveries * timing,
  };
}

/** Peak bytes of one job run on the main thread (--workers 1). */
export function jobPeakBytes(job: JobSpec): number {
  const t = memoryTerms(job);
  let bytes = 0;
  for (const k of Object.keys(t) as (keyof MemoryTerms)[]) bytes += t[k] * MEMORY_MODEL[k];
  return bytes;
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
