/**
 * I/O errors mid-run (issue 18), through the shipped binary: a disk that fills up (a real tmpfs,
 * filled with ballast right after the pre-flight passed, leaving room for n bytes more: none, some
 * checkpoints, all checkpoints but not the results) and a disk that fails (an injected fs layer
 * making the n-th write fail with EIO or EACCES). Each run ends with one line naming the file and
 * the error, no stack trace, exit 1, no temporary file left, the finished jobs kept and the command
 * that continues; after the fault is gone `--resume` finishes with byte-identical CSVs.
 */
import { readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeScenario } from '../cli/helpers.js';
import {
  anonsim,
  expectSameResults,
  jobCount,
  mountTmpfs,
  SMALL,
  SMALL_JOBS,
  start,
  tempFiles,
  umount,
  until,
} from './helpers.js';

const INJECT = join(process.cwd(), 'test/faults/inject-fs.mjs');
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.splice(0)) umount(m);
});

let dir: string;
let file: string;
let reference: string;
/** Bytes of all checkpoint files of the run. */
let checkpoints: number;
beforeAll(async () => {
  dir = tempDir();
  file = writeScenario(dir, SMALL);
  reference = join(dir, 'reference');
  const r = await anonsim(['run', file, '-o', reference, '--quiet', '--workers', '1']);
  expect(r.code, r.err).toBe(0);
  // A one-shard run writes exactly the checkpoints a whole run holds before its CSVs.
  const shard = join(dir, 'shard');
  expect((await anonsim(['run', file, '-o', shard, '--shard', '0/1', '--quiet', '--workers', '1'])).code).toBe(0);
  const jobs = join(shard, '.jobs');
  checkpoints = readdirSync(jobs).reduce((n, f) => n + statSync(join(jobs, f)).size, 0);
}, 180_000);

/** The lines a failed run prints: the fault, then what is kept and how to continue. */
function expectFaultLines(err: string, out: string, args: string[], code: string, words: string) {
  const lines = err.trim().split('\n');
  expect(lines, err).toHaveLength(2);
  expect(lines[0]).toMatch(new RegExp(`^anonsim: cannot write ${out}/\\S+: ${words} \\(${code}\\)$`));
  const kept = jobCount(out);
  expect(lines[1]).toBe(
    kept > 0
      ? `anonsim: ${kept} of ${SMALL_JOBS} jobs finished and are kept in ${join(out, '.jobs')}; once that is fixed, continue with: anonsim ${args.join(' ')} --resume`
      : 'anonsim: no job had finished, so nothing is kept; run the same command again to start over',
  );
  expect(err).not.toMatch(/\n\s+at /);
  expect(tempFiles(out)).toEqual([]);
  expect(readdirSync(out).filter((f) => f.endsWith('.lock'))).toEqual([]);
  return { failed: lines[0].split(' ')[3].replace(/:$/, ''), kept };
}

describe('a disk that fills up (tmpfs)', () => {
  const KB = 1024;
  for (const [label, room, where] of [
    ['no room at all', () => 0, 'job'],
    ['room for some checkpoints', () => Math.floor(checkpoints / 3), 'job'],
    ['room for the checkpoints but not the results', () => checkpoints + 64 * KB, 'results'],
  ] as const)
    it(`${label}: one line, exit 1, nothing partial, jobs kept; --resume finishes identically`, async (ctx) => {
      const mnt = join(dir, `tmpfs-${label.replace(/\W+/g, '-')}`);
      const why = mountTmpfs(mnt, '64m');
      if (why) ctx.skip(why);
      mounts.push(mnt);
      const out = join(mnt, 'out');
      const args = ['run', file, '-o', out, '--workers', '2', '--quiet'];
      const run = start(args);
      // The pre-flight has passed once the lock exists; then the disk fills up behind the run's back.
      await until(() => readdirSync(mnt).includes('out') && readdirSync(out).includes('.anonsim.lock'), run.child);
      const fs = statfsSync(mnt);
      const ballast = join(mnt, 'ballast');
      writeFileSync(ballast, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - room())));
      const r = await run.done;
      expect(r.code, r.err).toBe(1);
      const { failed, kept } = expectFaultLines(r.err, out, args, 'ENOSPC', 'no space left on device');
      if (where === 'job') expect(failed).toMatch(/\/\.jobs\/\d+\.json$/);
      else {
        expect(failed).not.toContain('/.jobs/');
        expect(kept).toBe(SMALL_JOBS);
      }
      if (label !== 'no room at all') expect(kept).toBeGreaterThan(0);

      rmSync(ballast);
      const resumed = await anonsim([...args, '--resume']);
      expect(resumed.code, resumed.err).toBe(0);
      expectSameResults(reference, out);
      expect(tempFiles(out)).toEqual([]);
    });
});

describe('a disk that fails (injected fs layer)', () => {
  // Write 1 is the lock file; 2… the checkpoints (one write each); then the results.
  for (const [at, code, words] of [
    [2, 'EIO', 'i/o error'],
    [6, 'EIO', 'i/o error'],
    [6, 'EACCES', 'permission denied'],
    [SMALL_JOBS + 2, 'EIO', 'i/o error'],
  ] as const)
    it(`write ${at} fails with ${code}: one line, exit 1, nothing partial; --resume finishes identically`, async () => {
      const out = join(dir, `inject-${at}-${code}`);
      const args = ['run', file, '-o', out, '--workers', '1', '--quiet'];
      const r = await anonsim(args, {
        env: {
          NODE_OPTIONS: `--import=${INJECT}`,
          ANONSIM_FAULT_DIR: out,
          ANONSIM_FAULT_AT: String(at),
          ANONSIM_FAULT_CODE: code,
        },
      });
      expect(r.code, r.err).toBe(1);
      const { failed, kept } = expectFaultLines(r.err, out, args, code, words);
      expect(kept).toBe(Math.min(at - 2, SMALL_JOBS));
      if (at <= SMALL_JOBS + 1) expect(failed).toBe(join(out, '.jobs', `${at - 2}.json`));
      else expect(failed).toBe(join(out, 'summary.csv'));
      const resumed = await anonsim([...args, '--resume']);
      expect(resumed.code, resumed.err).toBe(0);
      expectSameResults(reference, out);
    });

  it('ANONSIM_DEBUG=1 adds the stack trace', async () => {
    const out = join(dir, 'inject-debug');
    const r = await anonsim(['run', file, '-o', out, '--workers', '1', '--quiet'], {
      env: {
        NODE_OPTIONS: `--import=${INJECT}`,
        ANONSIM_FAULT_DIR: out,
        ANONSIM_FAULT_AT: '3',
        ANONSIM_DEBUG: '1',
      },
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^anonsim: cannot write .*\/\.jobs\/1\.json: i\/o error \(EIO\)\n.*EIO[^\n]*\n\s+at /s);
  });
});
