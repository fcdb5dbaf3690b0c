/**
 * The memory pre-flight of `anonsim run`: the estimate of pipeline/memory-estimate.ts against the
 * memory available — `ANONSIM_MEMORY` when set (bytes, or with kB/MB/GB/KiB/MiB/GiB: what a batch
 * job was granted), else what the OS says this process can still use
 * (`process.availableMemory()`: free memory, within a cgroup limit when there is one). When the
 * run fits only with fewer workers it runs with fewer and says so; when not even one job fits it
 * stops (exit 2) naming the estimate, the memory and the levers, instead of dying in V8 minutes in.
 */
import type { MemoryEstimate } from '../pipeline/memory-estimate.js';
import { workersThatFit } from '../pipeline/memory-estimate.js';
import { megabytes } from './preflight.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** `2GB`, `512 MiB`, `1500000000` → bytes; undefined when it is none of these. */
export function parseMemory(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  return m && unit !== undefined ? Number(m[1]) * unit : undefined;
}

export type MemoryPlan = { workers: number; warning?: string } | { problem: { message: string; expected: string } };

export function memoryPlan(est: MemoryEstimate, workers: number, env: Record<string, string | undefined>): MemoryPlan {
  const given = env.ANONSIM_MEMORY;
  let available: number;
  let source: string;
  if (given !== undefined) {
    const bytes = parseMemory(given);
    if (bytes === undefined)
      return {
        problem: {
          message: `ANONSIM_MEMORY="${given}" is not an amount of memory`,
          expected: 'bytes, or a number with kB, MB, GB, KiB, MiB or GiB (e.g. 16GB)',
        },
      };
    available = bytes;
    source = 'ANONSIM_MEMORY';
  } else {
    available = process.availableMemory();
    source = 'free memory';
  }
  const fit = workersThatFit(est, workers, available);
  if (fit === 0)
    return {
      problem: {
        message: `one job needs about ${megabytes(est.job)} at its peak and the run about ${megabytes(est.total(1))} with 1 worker, but ${megabytes(available)} are available (${source})`,
        expected:
          'a smaller job: a shorter duration, fewer users, fewer adversaries × attacks, or shards (--shard I/N) on machines with more memory',
      },
    };
  if (fit < workers)
    return {
      workers: fit,
      warning: `anonsim: warning: running ${fit} worker${fit === 1 ? '' : 's'} instead of ${workers}: ${workers} would need about ${megabytes(est.total(workers))} at the peak, ${megabytes(available)} are available (${source}); each worker takes about ${megabytes(est.worker)}\n`,
    };
  return { workers };
}
