/**
 * Interruption (issue 18), through the shipped binary: SIGTERM (what Slurm and Kubernetes send
 * before preemption) and SIGINT at seeded random points keep every finished job, whatever the
 * flags, exit 143 / 130 and print the command that continues; SIGKILL keeps what was saved before
 * it. In every case `--resume` then finishes the run with CSVs byte-identical to an uninterrupted
 * run, and no temporary file or lock is left behind.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeScenario } from '../cli/helpers.js';
import { anonsim, expectSameResults, jobCount, SMALL, SMALL_JOBS, start, tempFiles, until } from './helpers.js';

/** stderr without the per-job progress lines (stderr is not a terminal here). */
const messages = (err: string) => err.split('\n').filter((l) => l !== '' && !l.startsWith('anonsim: simulate '));

/** mulberry32: the kill points are random but the same on every run of the suite. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const random = seeded(18);
/** A point to interrupt at: after 1 … SMALL_JOBS − 2 jobs are saved. */
const killPoint = () => 1 + Math.floor(random() * (SMALL_JOBS - 2));

let dir: string;
let file: string;
let reference: string;
beforeAll(async () => {
  dir = tempDir();
  file = writeScenario(dir, SMALL);
  reference = join(dir, 'reference');
  const r = await anonsim(['run', file, '-o', reference, '--quiet', '--workers', '1']);
  expect(r.code, r.err).toBe(0);
}, 120_000);

async function interruptAndResume(signal: NodeJS.Signals, workers: string, name: string) {
  const out = join(dir, name);
  const args = ['run', file, '-o', out, '--workers', workers];
  const k = killPoint();
  const run = start(args);
  await until(() => jobCount(out) >= k, run.child);
  run.child.kill(signal);
  const r = { ...(await run.done), pid: run.child.pid };
  const kept = jobCount(out);
  return { out, args, r, kept, k };
}

describe('interruption', () => {
  for (const [signal, workers, code] of [
    ['SIGTERM', '1', 143],
    ['SIGTERM', '2', 143],
    ['SIGINT', '2', 130],
  ] as const)
    it(`${signal} with ${workers} worker(s) keeps the finished jobs, says how to continue, and --resume finishes identically`, async () => {
      const { out, args, r, kept, k } = await interruptAndResume(signal, workers, `${signal}-${workers}`);
      expect(r.code, r.err).toBe(code);
      expect(kept).toBeGreaterThanOrEqual(k);
      expect(kept).toBeLessThan(SMALL_JOBS);
      expect(messages(r.err)).toEqual([
        `anonsim: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'} (${signal}); stopping workers, keeping finished jobs, removing temporary files`,
        `anonsim: ${kept} of ${SMALL_JOBS} jobs finished and are kept in ${join(out, '.jobs')}; continue with: anonsim ${args.join(' ')} --resume`,
      ]);
      expect(existsSync(join(out, 'summary.csv'))).toBe(false);
      expect(tempFiles(out)).toEqual([]);
      expect(readdirSync(out).filter((f) => f.endsWith('.lock'))).toEqual([]);

      const resumed = await anonsim([...args, '--resume']);
      expect(resumed.code, resumed.err).toBe(0);
      expect(messages(resumed.err)).toEqual([`anonsim: resuming: ${kept} of ${SMALL_JOBS} jobs already finished`]);
      expectSameResults(reference, out);
      expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    });

  it('SIGKILL keeps what was saved; --resume takes over the dead lock, drops half-written files, finishes identically', async () => {
    const { out, args, r, kept } = await interruptAndResume('SIGKILL', '2', 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect(kept).toBeGreaterThan(0);
    expect(existsSync(join(out, '.anonsim.lock'))).toBe(true);
    // What a kill in the middle of a write leaves (whether or not this kill hit one).
    writeFileSync(join(out, '.jobs', `${SMALL_JOBS - 1}.json.${r.pid}.tmp`), '{"format": "anonsim-jo');
    mkdirSync(join(out, '.anonsim-tmp-Ab12Cd'));
    writeFileSync(join(out, '.anonsim-tmp-Ab12Cd', 'summary.csv'), 'design,adv');
    const resumed = await anonsim([...args, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    const lines = messages(resumed.err);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^anonsim: warning: took over the lock of a run that is no longer running \\(pid ${r.pid} on `),
    );
    expect(lines[1]).toBe(`anonsim: resuming: ${kept} of ${SMALL_JOBS} jobs already finished`);
    expectSameResults(reference, out);
    expect(tempFiles(out)).toEqual([]);
  });

  it('an interruption before any job finished says nothing is kept', async () => {
    const out = join(dir, 'early');
    // Two workers: the jobs run in worker threads, so the signal is handled at once (with one
    // worker a job runs on the main thread and the signal waits for it to finish and be saved).
    const run = start(['run', file, '-o', out, '--workers', '2']);
    await until(() => existsSync(join(out, '.anonsim.lock')), run.child);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code, r.err).toBe(143);
    expect(jobCount(out)).toBe(0);
    expect(r.err).toContain(
      'anonsim: no job had finished, so nothing is kept; run the same command again to start over',
    );
    expect(tempFiles(out)).toEqual([]);
  });
});
