/**
 * The fault-injection suite's tools: the shipped binary as a child process (signals, exit codes
 * and stderr as a user sees them), a small scenario that runs in a second or two, tmpfs mounts
 * (real ENOSPC and read-only filesystems; tests that need one skip, naming why, only where
 * mounting is impossible) and comparisons of results folders.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { RUN_OUTPUTS } from '../cli/helpers.js';

export const CLI = join(process.cwd(), 'dist/cli.js');

/** 2 designs × 6 replicates = 12 jobs of about 0.1 s CPU each; 4 evaluations per job. */
export const SMALL =
  'name: faults\nduration: 5min\nreplicates: 6\nworkload:\n  users: 150\n  contacts: 4\n  rate: 1/5min\n' +
  'designs:\n  - design: signal\n  - design: simplex\nadversaries:\n  - kind: single\n  - kind: global-passive\n' +
  'attacks: [identifier, timing]\n';
export const SMALL_JOBS = 12;

export interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** The test process may itself run inside a Slurm or Kubernetes job: never leak its shard. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SLURM_') || k === 'JOB_COMPLETION_INDEX') delete env[k];
  delete env.ANONSIM_DEBUG;
  return { ...env, ...extra };
}

export function start(
  args: string[],
  opts: { env?: Record<string, string>; prefix?: string[]; cwd?: string } = {},
): { child: ChildProcess; done: Promise<Done> } {
  const [cmd, ...rest] = [...(opts.prefix ?? []), process.execPath, CLI, ...args];
  const child = spawn(cmd, rest, {
    env: cleanEnv(opts.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const done = new Promise<Done>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { child, done };
}

export const anonsim = (args: string[], opts: Parameters<typeof start>[1] = {}) => start(args, opts).done;

/** Resolves when `pred` holds (polled every 5 ms) or the child has exited. */
export function until(pred: () => boolean, child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (pred() || child.exitCode !== null || child.signalCode !== null) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
}

export function jobCount(out: string): number {
  const dir = join(out, '.jobs');
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.json$/.test(f)).length : 0;
}

/** Every file under `dir` (relative paths), hidden ones included. */
export function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Temporary files a write in progress uses: job files' `.PID.tmp`, staging folders, log `.partial`/`.tmp`. */
export function tempFiles(dir: string): string[] {
  return allFiles(dir).filter((f) => /\.tmp$|\.anonsim-tmp-|\.partial(\/|$)/.test(f));
}

export function expectSameResults(expected: string, actual: string): void {
  for (const f of RUN_OUTPUTS) expect(readFileSync(join(actual, f)), f).toEqual(readFileSync(join(expected, f)));
}

/**
 * Mounts a tmpfs of `size` at `dir` (created); returns null, or why it cannot (then the caller
 * skips, quoting it). `ro` mounts it read-only.
 */
export function mountTmpfs(dir: string, size: string, ro = false): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${ro ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (e) {
    const msg = (e as { stderr?: Buffer }).stderr?.toString().trim() || String(e);
    return `cannot mount a tmpfs here (${msg}); needs root or CAP_SYS_ADMIN`;
  }
}

export function umount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // not mounted
  }
}

/**
 * `setpriv` prefix running a command as root without the capabilities that bypass file
 * permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER), or null when that is impossible
 * here. Such a process obeys permission bits like any user: it cannot write a folder of another
 * user, yet it still reads the checkout (root owns it, whatever its mode - a clean clone in a
 * 0700 temp folder is unreadable by `nobody`).
 */
const UNPRIVILEGED = ['setpriv', '--bounding-set=-dac_override,-dac_read_search,-fowner', '--inh-caps=-all'];
export function asUnprivileged(): string[] | null {
  if (process.getuid?.() !== 0) return null;
  try {
    execFileSync(UNPRIVILEGED[0], [...UNPRIVILEGED.slice(1), 'true'], { stdio: 'pipe' });
    return UNPRIVILEGED;
  } catch {
    return null;
  }
}
