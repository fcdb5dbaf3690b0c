/**
 * Pre-flight of `anonsim run`, after the scenario is checked and before anything is simulated
 * (a typo in `-o` or a full disk must not cost the run's minutes): the results folder, or its
 * nearest existing parent, is writable; no other live run holds the folder (lock.ts); the free
 * space of its filesystem covers the estimated outputs, checkpoints and --log
 * (pipeline/disk-estimate.ts). Every failure is a problem line (exit 2) naming the path and
 * what to do. Creates the folder (it has to, to lock it) and removes what it created when a
 * later check fails, so a refused run leaves nothing behind. Takes milliseconds: a few stat
 * calls, one exclusive create and one statfs.
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DiskEstimate } from '../pipeline/disk-estimate.js';
import { acquireLock, type Lock, LockBusy } from './lock.js';

export interface PreflightProblem {
  message: string;
  expected: string;
}

export type Preflight = { ok: true; lock: Lock; warnings: string[] } | { ok: false; problem: PreflightProblem };

const MB = 1e6;

export function megabytes(bytes: number): string {
  const mb = bytes / MB;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb).toLocaleString('en-US')} MB`;
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/** The folder itself when it exists, else its nearest existing ancestor (outputDirProblem has ruled out files). */
function existingBase(dir: string): string {
  let p = resolve(dir);
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return p;
}

/** Creates `dir` and returns the topmost folder it created (to remove on a later failure), or null. */
function makeDir(dir: string): string | null {
  return mkdirSync(resolve(dir), { recursive: true }) ?? null;
}

export function preflight(dir: string, opts: { lockName: string; need: DiskEstimate }): Preflight {
  const base = existingBase(dir);
  try {
    accessSync(base, constants.W_OK | constants.X_OK);
  } catch (e) {
    return {
      ok: false,
      problem: {
        message: `${base === resolve(dir) ? `"${dir}"` : `"${base}" (the existing part of "${dir}")`} is not writable (${errno(e)})`,
        expected: 'a folder this user can write: choose another -o, or fix the permissions or the mount',
      },
    };
  }
  let created: string | null;
  try {
    created = makeDir(dir);
  } catch (e) {
    return {
      ok: false,
      problem: {
        message: `"${dir}" cannot be created (${errno(e)})`,
        expected: 'a writable folder (choose another -o)',
      },
    };
  }
  const undo = () => {
    if (created) rmSync(created, { recursive: true, force: true });
  };
  let lock: Lock;
  try {
    lock = acquireLock(resolve(dir), opts.lockName);
  } catch (e) {
    undo();
    if (e instanceof LockBusy)
      return {
        ok: false,
        problem: {
          message: `is in use by another run: pid ${e.owner.pid} on ${e.owner.host} since ${e.owner.since} (lock ${e.path})`,
          expected: `a folder no other run writes: wait for that run, or choose another -o (if that run is over, e.g. on another host, remove ${e.path})`,
        },
      };
    return {
      ok: false,
      problem: { message: `"${dir}" is not writable (${errno(e)})`, expected: 'a writable folder (choose another -o)' },
    };
  }
  const warnings: string[] = [];
  if (lock.tookOver)
    warnings.push(
      `anonsim: warning: took over the lock of a run that is no longer running (pid ${lock.tookOver.pid} on ${lock.tookOver.host}, since ${lock.tookOver.since}): ${lock.path}\n`,
    );
  const need = opts.need.outputs + opts.need.checkpoints + opts.need.log;
  const fs = statfsSync(resolve(dir));
  const free = fs.bavail * fs.bsize;
  if (free < need) {
    lock.release();
    undo();
    const parts = [`results ${megabytes(opts.need.outputs)}`, `checkpoints ${megabytes(opts.need.checkpoints)}`];
    if (opts.need.log > 0) parts.push(`--log ${megabytes(opts.need.log)}`);
    return {
      ok: false,
      problem: {
        message: `not enough free disk space in "${dir}": ${megabytes(free)} free, the run needs about ${megabytes(need)} (${parts.join(', ')})`,
        expected:
          'more free space: free some, or choose another -o on a larger disk (fewer replicates or sweep cells, or no --messages/--log, need less)',
      },
    };
  }
  return { ok: true, lock, warnings };
}
