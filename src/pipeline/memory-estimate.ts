/**
 * Peak memory of a run, from the plan alone (nothing simulated), for the pre-flight of
 * `anonsim run` and `anonsim validate`: what one job takes at its peak, hence one worker, and the
 * whole process with N workers.
 *
 * One job's peak (simulated world + attack working sets + rows kept) is a linear model in the
 * job's users U, duration T (minutes), expected deliveries D (workload/expected.ts), evaluations E
 * (adversary × attack over its cells) and windowed evaluations W (flow, disclosure: they bin every
 * ip's traffic per window, so they grow with U·T):
 *
 *   peak = base + U·perUser + D·perDelivery + [W > 0]·U·T·windowed + U·(E − 1)·perExtraEvaluation
 *          + U·T·W·perWindowedEvaluation
 *
 * MEASURED (re-fit these when memory use changes): peak RSS (`/usr/bin/time -f %M`) of
 * `anonsim run scenarios/default.yaml --workers 1` (the job runs on the main thread, so the
 * process peak is the job's) with one design item and `--set workload.users=U duration=T
 * adversaries=… attacks=…`: the four designs with the default 3 adversaries × 4 attacks at
 * (U, T) = (10³, 5 min), (10³, 30 min), (3·10³, 30 min), (10⁴, 5 min); Signal and Session with a
 * global observer and each attack alone at 10³ and 10⁴ users over 10 min; the four designs with
 * identifier + timing at 10³ and 10⁴ users; flow alone and with two adversaries at 10³ users over
 * 30 min — 46 runs, anonsim at commit 9552c38, Node 20.20, 2026-12-07. A least-squares fit of
 * relative error gives the constants below; every run is within ±23 % of them (the designs differ
 * by less than that, so one set serves all). Out of sample: Signal at 10⁴ users over 15 min with
 * the default 3 × 4 evaluations measured 754 MiB, estimated 777 MiB; test/faults/memory.test.ts
 * checks three more mixes at 10³ and 10⁴ users (±30 %). Beyond what was measured it extrapolates
 * linearly: Session at 10⁵ users, 1 h, identifier on a global observer is estimated at 4.4 GiB
 * against 3.3 GiB measured (docs/results.md). To re-fit, rerun such commands after a memory change
 * and solve the least squares again (the terms are the rows of `jobPeakBytes`).
 */
import { expectedTraffic } from '../workload/expected.js';
import type { JobSpec } from './job.js';
import { needsCalibration } from './job.js';
import { type Cell, planJobs } from './run.js';

const MIB = 1024 * 1024;

export const MEMORY_MODEL = {
  /** A run's process with anonsim loaded and one job's fixed overhead. */
  base: 82.5 * MIB,
  perUser: 2.05 * MIB * 1e-3,
  perDelivery: 6.93 * MIB * 1e-3,
  /** Per user-minute when a windowed attack (flow, disclosure) is among the job's. */
  windowed: 7.93 * MIB * 1e-4,
  /** Per user and evaluation beyond the first (per-target and per-pair rows held until the job ends). */
  perExtraEvaluation: 13.0 * MIB * 1e-4,
  /** Per user-minute and windowed evaluation. */
  perWindowedEvaluation: 34.1 * MIB * 1e-5,
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
  let evaluations = 0;
  let windowed = 0;
  for (const { scenario: c } of job.cells) {
    evaluations += c.adversaries.length * c.attacks.length;
    windowed += c.adversaries.length * c.attacks.filter((a) => WINDOWED.has(a)).length;
  }
  return {
    base: 1,
    perUser: users,
    perDelivery: deliveries,
    windowed: windowed > 0 ? users * minutes : 0,
    perExtraEvaluation: users * Math.max(0, evaluations - 1),
    perWindowedEvaluation: users * minutes * windowed,
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
