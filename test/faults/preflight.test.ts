/**
 * Pre-flight and the folder lock (issue 18), through the shipped binary: an unwritable -o (a
 * read-only mount, and a folder of root's run by `nobody`), a disk too small for the estimate,
 * a second run on a folder in use, and a lock left behind by a killed run. Each is refused (or,
 * for a stale lock, taken over) before anything is simulated, leaving nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeScenario } from '../cli/helpers.js';
import {
  anonsim,
  asUnprivileged,
  expectSameResults,
  jobCount,
  mountTmpfs,
  SMALL,
  start,
  tempFiles,
  umount,
  until,
} from './helpers.js';

const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.splice(0)) umount(m);
});

function mounted(dir: string, size: string, ro = false): string | null {
  const why = mountTmpfs(dir, size, ro);
  if (!why) mounts.push(dir);
  return why;
}

describe('pre-flight', () => {
  it('refuses an -o on a read-only filesystem at once (exit 2, path and remedy), simulating nothing', async (ctx) => {
    const dir = tempDir();
    const file = writeScenario(dir, SMALL);
    const ro = join(dir, 'ro');
    const why = mounted(ro, '1m', true);
    if (why) ctx.skip(why);
    const t0 = process.cpuUsage();
    const r = await anonsim(['run', file, '-o', join(ro, 'sub', 'out'), '--quiet']);
    expect(r.code, r.err).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([
      `argv:1:3 -o: "${ro}" (the existing part of "${join(ro, 'sub', 'out')}") is not writable (EROFS); expected a folder this user can write: choose another -o, or fix the permissions or the mount`,
    ]);
    expect(process.cpuUsage(t0).user).toBeLessThan(1e6);
    expect(readdirSync(ro)).toEqual([]);
  });

  it('refuses a folder this user cannot write (no permission-bypassing capability, a folder of nobody)', async (ctx) => {
    const prefix = asUnprivileged();
    if (!prefix) ctx.skip('cannot drop CAP_DAC_OVERRIDE for a child (not root, or setpriv missing)');
    const dir = tempDir();
    const file = writeScenario(dir, SMALL);
    const locked = join(dir, 'nobodys');
    mkdirSync(locked, { mode: 0o755 });
    chownSync(locked, 65534, 65534); // nobody:nogroup on Debian
    const r = await anonsim(['run', file, '-o', join(locked, 'out'), '--quiet'], { prefix: prefix ?? [] });
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain(`is not writable (EACCES); expected a folder this user can write`);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('refuses a disk smaller than the estimate, naming free space and need, and leaves nothing', async (ctx) => {
    const dir = tempDir();
    const file = writeScenario(dir, SMALL);
    const small = join(dir, 'small');
    const why = mounted(small, '600k');
    if (why) ctx.skip(why);
    const r = await anonsim(['run', file, '-o', join(small, 'out'), '--quiet']);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(
      /^argv:1:3 -o: not enough free disk space in ".*small\/out": 0\.6 MB free, the run needs about [\d.,]+ MB \(results [\d.,]+ MB, checkpoints [\d.,]+ MB\); expected more free space/,
    );
    expect(readdirSync(small)).toEqual([]);
  });
});

describe('the folder lock', () => {
  it('a second run on a folder in use exits 2 naming the other pid and host; the first finishes intact', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, SMALL);
    const alone = join(dir, 'alone');
    expect((await anonsim(['run', file, '-o', alone, '--quiet', '--workers', '1'])).code).toBe(0);
    const out = join(dir, 'out');
    const first = start(['run', file, '-o', out, '--quiet', '--workers', '1']);
    await until(() => jobCount(out) > 0, first.child);
    // Paused, the first run is certainly still live while the second one starts, however loaded the machine.
    first.child.kill('SIGSTOP');
    const second = await anonsim(['run', file, '-o', out, '--quiet', '--workers', '1']);
    first.child.kill('SIGCONT');
    expect(second.code, second.err).toBe(2);
    expect(second.err).toContain(
      `argv:1:3 -o: is in use by another run: pid ${first.child.pid} on ${hostname()} since `,
    );
    expect(second.err).toContain(`(lock ${join(out, '.anonsim.lock')}); expected a folder no other run writes`);
    const r = await first.done;
    expect(r.code, r.err).toBe(0);
    expectSameResults(alone, out);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('shards of one run share a folder; a whole run and a shard on one folder exclude each other', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, SMALL);
    const out = join(dir, 'out');
    const shard0 = start(['run', file, '-o', out, '--shard', '0/2', '--quiet', '--workers', '1']);
    await until(() => existsSync(join(out, '.anonsim-shard-0-of-2.lock')), shard0.child);
    shard0.child.kill('SIGSTOP');
    const whole = await anonsim(['run', file, '-o', out, '--quiet', '--workers', '1']);
    const shard1 = await anonsim(['run', file, '-o', out, '--shard', '1/2', '--quiet', '--workers', '1']);
    shard0.child.kill('SIGCONT');
    expect(whole.code, whole.err).toBe(2);
    expect(whole.err).toContain(`is in use by another run: pid ${shard0.child.pid} on ${hostname()}`);
    expect(shard1.code, shard1.err).toBe(0);
    expect((await shard0.done).code).toBe(0);
    expect(jobCount(out)).toBe(12);
  });

  it('takes over the lock of a dead process with a warning and a live one of another host is refused', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, SMALL);
    const out = join(dir, 'out');
    mkdirSync(out);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const lock = join(out, '.anonsim.lock');
    const stale = { pid: dead, host: hostname(), start: 1, since: '2026-01-01T00:00:00.000Z', command: 'x' };
    writeFileSync(lock, JSON.stringify(stale));
    const r = await anonsim(['run', file, '-o', out, '--quiet', '--workers', '1', '--replicates', '1']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe(
      `anonsim: warning: took over the lock of a run that is no longer running (pid ${dead} on ${hostname()}, since 2026-01-01T00:00:00.000Z): ${lock}\n`,
    );
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, JSON.stringify({ ...stale, pid: 1, host: 'node-17.cluster' }));
    const busy = await anonsim(['run', file, '-o', out, '--quiet', '--workers', '1', '--replicates', '1']);
    expect(busy.code).toBe(2);
    expect(busy.err).toContain(
      `is in use by another run: pid 1 on node-17.cluster since 2026-01-01T00:00:00.000Z (lock ${lock}); expected a folder no other run writes: wait for that run, or choose another -o (if that run is over, e.g. on another host, remove ${lock})`,
    );
    expect(JSON.parse(readFileSync(lock, 'utf8')).host).toBe('node-17.cluster');
    expect(tempFiles(out)).toEqual([]);
  });
});
