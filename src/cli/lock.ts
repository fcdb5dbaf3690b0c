/**
 * The lock a live run holds on its results folder, so two runs never write one folder (the last
 * rename would silently win). The lock is a file created exclusively (`O_EXCL`) in the folder,
 * holding the owner's pid, host and the kernel's start time of that pid. Another run finding it:
 * - same host, process gone (or the pid reused by a process started later): stale — the lock
 *   is taken over with a warning (a SIGKILLed or crashed run leaves one behind);
 * - otherwise: busy — the caller stops (exit 2) naming the owner. A lock from another host cannot
 *   be checked from here; the message says to remove the file when that run is known to be over.
 *
 * A whole run locks `.anonsim.lock`; a shard run locks `.anonsim-shard-I-of-N.lock`, so shards of
 * one run may share a folder (cluster.md) while a whole run and a shard on one folder exclude
 * each other. Released on every exit path the process survives (finally, and an 'exit' handler
 * for process.exit); only SIGKILL and crashes leave a stale lock.
 */
import {
  closeSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.anonsim.lock';
const SHARD_LOCK = /^\.anonsim-shard-\d+-of-\d+\.lock$/;

export interface LockOwner {
  pid: number;
  host: string;
  /** Start time of the pid in clock ticks since boot (/proc/<pid>/stat field 22); null off Linux. */
  start: number | null;
  /** ISO time the lock was taken (for people reading the file; never compared). */
  since: string;
  command: string;
}

export class LockBusy extends Error {
  override readonly name = 'LockBusy';
  constructor(
    readonly path: string,
    readonly owner: LockOwner,
  ) {
    super(`locked by another run: pid ${owner.pid} on ${owner.host} (since ${owner.since})`);
  }
}

export interface Lock {
  path: string;
  /** Set when a stale lock was taken over: who held it. */
  tookOver: LockOwner | null;
  release(): void;
}

/** Start time of `pid` in clock ticks since boot, or null when unknown (not Linux, no such process). */
export function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function alive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot tell: assume live
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.start === null) return true;
  const now = processStart(owner.pid);
  return now === null || now === owner.start;
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

const held = new Set<string>();
let exitHook = false;

function ownerText(): string {
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    start: processStart(process.pid),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
  };
  return `${JSON.stringify(me, null, 2)}\n`;
}

/**
 * Creates the lock file exclusively, already holding its owner; false when it exists. The owner is
 * written to a private temporary file that is then hard-linked to the lock name: link fails with
 * EEXIST like O_EXCL, and no other run can ever read the lock empty (an O_EXCL file is empty until
 * its write, and a run paused or killed in between would look stale to the others). Filesystems
 * without hard links fall back to O_EXCL. Other errors (EACCES, EROFS, ENOSPC) throw.
 */
function create(path: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, ownerText());
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createExclusive(path);
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function createExclusive(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, ownerText());
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  } finally {
    try {
      closeSync(fd);
    } catch {
      // already closed after a failed write
    }
  }
  return true;
}

/** The lock file name for a whole run or one shard. */
export function lockName(shard: { index: number; count: number } | null): string {
  return shard ? `.anonsim-shard-${shard.index}-of-${shard.count}.lock` : LOCK_FILE;
}

/** Live locks in `dir` that exclude a run holding `name` (a whole run excludes shards and vice versa). */
function conflicting(dir: string, name: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const whole = name === LOCK_FILE;
  return names.filter((n) => n !== name && (whole ? SHARD_LOCK.test(n) : n === LOCK_FILE));
}

/**
 * Takes the lock `name` in the existing folder `dir`. Throws LockBusy when a live run holds it
 * (or, for a whole run, a shard lock; for a shard, the whole-run lock), and the fs error when the
 * folder is not writable.
 */
export function acquireLock(dir: string, name = LOCK_FILE): Lock {
  const path = join(dir, name);
  let tookOver: LockOwner | null = null;
  for (let attempt = 0; ; attempt++) {
    if (create(path)) break;
    const owner = readOwner(path);
    // Only an O_EXCL lock (no hard links) can read as empty while it is written: look again.
    if (!owner && attempt < 3) continue;
    if (owner && alive(owner)) throw new LockBusy(path, owner);
    // Stale: move it aside atomically (only one of two racing runs wins the rename), then retry.
    const aside = `${path}.stale.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // someone else moved it first
    }
    const moved = readOwner(aside);
    if (moved && owner && (moved.pid !== owner.pid || moved.host !== owner.host)) {
      // Another run took the stale lock over between our read and our rename: put its lock back.
      renameSync(aside, path);
      continue;
    }
    rmSync(aside, { force: true });
    tookOver = owner ?? { pid: 0, host: '?', start: null, since: '?', command: '?' };
    if (attempt > 10) throw new Error(`cannot take the lock ${path}`);
  }
  for (const other of conflicting(dir, name)) {
    const owner = readOwner(join(dir, other));
    if (owner && alive(owner)) {
      rmSync(path, { force: true });
      throw new LockBusy(join(dir, other), owner);
    }
  }
  held.add(path);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const p of held) rmSync(p, { force: true });
    });
  }
  return {
    path,
    tookOver,
    release() {
      if (!held.delete(path)) return;
      // Only our own lock: a stale-lock takeover by another run must not be undone.
      const o = readOwner(path);
      if (!o || (o.pid === process.pid && o.host === hostname())) rmSync(path, { force: true });
    },
  };
}
