/**
 * Scale-out (issue 8): shards run as separate processes of the shipped binary and merged give
 * byte-identical files to one run; a run killed mid-way and resumed gives identical output;
 * merge refuses other scenarios, duplicate and missing jobs (exit 2, naming them); the shard
 * index is taken from Slurm / Kubernetes environment variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Argv } from '../../src/cli/argv.js';
import { resolveShard } from '../../src/cli/shard.js';
import { decodeJson, encodeJson } from '../../src/pipeline/shard.js';
import { RUN_OUTPUTS, tempDir, writeScenario } from './helpers.js';

const CLI = join(process.cwd(), 'dist/cli.js');

const TINY =
  'name: tiny\nduration: 10min\nreplicates: 2\nworkload:\n  users: 40\n  contacts: 4\n  rate: 1/5min\n' +
  'designs:\n  - design: signal\n  - design: simplex\nadversaries:\n  - kind: single\n  - kind: global-passive\n' +
  'attacks: [identifier, timing]\n';

/** The test process may itself run inside a Slurm or Kubernetes job: never leak its shard. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SLURM_') || k === 'JOB_COMPLETION_INDEX') delete env[k];
  return { ...env, ...extra };
}

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
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

const node = (args: string[], env: Record<string, string> = {}) => start(args, env).done;

function expectSameFiles(a: string, b: string): void {
  for (const f of RUN_OUTPUTS) expect(readFileSync(join(b, f)), f).toEqual(readFileSync(join(a, f)));
}

describe('sharded runs and merge', () => {
  it('three shards run as separate processes, merged, are byte-identical to one run', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    const single = await node(['run', file, '-o', join(dir, 'single'), '--quiet', '--workers', '1']);
    expect(single.code, single.err).toBe(0);
    const shards = await Promise.all(
      [0, 1, 2].map((i) =>
        node(['run', file, '-o', join(dir, `s${i}`), '--shard', `${i}/3`, '--quiet', '--workers', '1']),
      ),
    );
    for (const s of shards) expect(s.code, s.err).toBe(0);
    // A shard writes only its manifest and job files, no CSV.
    expect(readdirSync(join(dir, 's1')).sort()).toEqual(['.jobs', 'shard-1-of-3.json']);
    expect(readdirSync(join(dir, 's0', '.jobs')).sort()).toEqual(['0.json', '3.json']);
    const merged = await node([
      'merge',
      join(dir, 's0'),
      join(dir, 's1'),
      join(dir, 's2'),
      '-o',
      join(dir, 'm'),
      '--quiet',
    ]);
    expect(merged.code, merged.err).toBe(0);
    expectSameFiles(join(dir, 'single'), join(dir, 'm'));
    const m = JSON.parse(readFileSync(join(dir, 'm', 'manifest.json'), 'utf8'));
    const s = JSON.parse(readFileSync(join(dir, 'single', 'manifest.json'), 'utf8'));
    expect(m.scenario).toEqual(s.scenario);
    expect(m.counts).toEqual(s.counts);
    expect(m.merged.shards).toHaveLength(3);
  });

  it('shards sharing one folder merge the same way; a sweep keeps its columns', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, `${TINY}sweep:\n  warmup: [0s, 60s]\n  workload.users: [30, 40]\n`);
    const single = await node(['run', file, '-o', join(dir, 'single'), '--quiet', '--workers', '2']);
    expect(single.code, single.err).toBe(0);
    expect(readFileSync(join(dir, 'single', 'summary.csv'), 'utf8').split('\n')[0]).toMatch(
      /,bytes_per_message,excluded,held,warmup,workload\.users$/,
    );
    for (const i of [0, 1]) {
      const r = await node(['run', file, '-o', join(dir, 'shared'), '--shard', `${i}/2`, '--quiet', '--workers', '2']);
      expect(r.code, r.err).toBe(0);
    }
    const merged = await node(['merge', join(dir, 'shared'), '-o', join(dir, 'm'), '--quiet']);
    expect(merged.code, merged.err).toBe(0);
    expectSameFiles(join(dir, 'single'), join(dir, 'm'));
  });

  it('keeps messages.csv byte-identical and refuses to mix --messages settings', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    const run = (out: string, ...more: string[]) =>
      node(['run', file, '-o', join(dir, out), '--quiet', '--workers', '1', ...more]);
    for (const r of await Promise.all([
      run('single', '--messages'),
      run('m0', '--shard', '0/2', '--messages'),
      run('m1', '--shard', '1/2', '--messages'),
      run('p1', '--shard', '1/2'),
    ]))
      expect(r.code, r.err).toBe(0);
    const merged = await node(['merge', join(dir, 'm0'), join(dir, 'm1'), '-o', join(dir, 'm'), '--quiet']);
    expect(merged.code, merged.err).toBe(0);
    expectSameFiles(join(dir, 'single'), join(dir, 'm'));
    expect(readFileSync(join(dir, 'm', 'messages.csv'))).toEqual(readFileSync(join(dir, 'single', 'messages.csv')));
    const mixed = await node(['merge', join(dir, 'm0'), join(dir, 'p1'), '-o', join(dir, 'x'), '--quiet']);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(
      /p1\/shard-1-of-2\.json:1:1 messages: ran without --messages, .*m0\/shard-0-of-2\.json with/,
    );
  });

  it('a run killed mid-way and resumed gives the same files, re-running only unfinished jobs', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    // More replicates than the other tests so the kill lands between jobs, not after the last.
    const args = ['run', file, '--replicates', '10', '--workers', '1'];
    const full = await node([...args, '-o', join(dir, 'full'), '--quiet']);
    expect(full.code, full.err).toBe(0);
    const out = join(dir, 'out');
    const jobs = join(out, '.jobs');
    const { child, done } = start([...args, '-o', out, '--quiet']);
    const count = () => (existsSync(jobs) ? readdirSync(jobs).filter((f) => /^\d+\.json$/.test(f)).length : 0);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (count() > 0 || child.exitCode !== null) {
          clearInterval(t);
          resolve();
        }
      }, 2);
    });
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal, killed.err).toBe('SIGKILL');
    const finished = count();
    expect(finished).toBeGreaterThan(0);
    expect(existsSync(join(out, 'summary.csv'))).toBe(false);

    const resumed = await node([...args, '-o', out, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain(`anonsim: resuming: ${finished} of 20 jobs already finished`);
    expectSameFiles(join(dir, 'full'), out);
    // The checkpoints go once the CSVs are in place.
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('--resume refuses job files of another scenario (exit 2)', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    const out = join(dir, 'out');
    const r = await node(['run', file, '-o', out, '--shard', '0/2', '--quiet', '--workers', '1']);
    expect(r.code, r.err).toBe(0);
    const other = await node(['run', file, '-o', out, '--shard', '0/2', '--seed', '9', '--resume', '--quiet']);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(
      /\.jobs:1:1 jobs 0, 2: written for a different scenario .*; expected job files of this run/,
    );
  });

  it('merge refuses mismatched scenarios, duplicate and missing jobs with clear errors (exit 2)', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    const shard = (name: string, spec: string, ...more: string[]) =>
      node(['run', file, '-o', join(dir, name), '--shard', spec, '--quiet', '--workers', '1', ...more]);
    for (const [name, spec, ...more] of [
      ['a0', '0/2'],
      ['a1', '1/2'],
      ['b1', '1/2', '--seed', '2'],
      ['c0', '0/2'],
    ]) {
      const r = await shard(name, spec, ...more);
      expect(r.code, r.err).toBe(0);
    }
    const merge = (...dirs: string[]) =>
      node(['merge', ...dirs.map((d) => join(dir, d)), '-o', join(dir, 'm'), '--quiet']);

    const mismatch = await merge('a0', 'b1');
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toMatch(
      /b1\/shard-1-of-2\.json:1:1 scenarioHash: is a different scenario .* from .*a0\/shard-0-of-2\.json/,
    );

    const duplicate = await merge('a0', 'a1', 'c0');
    expect(duplicate.code).toBe(2);
    expect(duplicate.err).toMatch(
      /c0\/shard-0-of-2\.json:1:1 jobs: shard 0\/2 in .*c0 duplicates jobs 0, 2 of shard 0\/2 in .*a0/,
    );

    const missingShard = await merge('a0');
    expect(missingShard.code).toBe(2);
    expect(missingShard.err).toMatch(/^argv:1:2 .*a0: jobs 1, 3 of 4 are in no given shard \(missing shards 1\/2\)/);

    rmSync(join(dir, 'a1', '.jobs', '3.json'));
    const missingJob = await merge('a0', 'a1');
    expect(missingJob.code).toBe(2);
    expect(missingJob.err).toMatch(
      /a1\/shard-1-of-2\.json:1:1 jobs: shard 1\/2 in .*a1 did not finish job 3 \(replicate 1, design simplex\); expected every job finished \(run the shard again with --resume\)/,
    );
    expect(existsSync(join(dir, 'm'))).toBe(false);

    // The shard run again with --resume completes it; now the merge succeeds.
    const again = await shard('a1', '1/2', '--resume');
    expect(again.code, again.err).toBe(0);
    expect((await merge('a0', 'a1')).code).toBe(0);
    expect(existsSync(join(dir, 'm', 'summary.csv'))).toBe(true);
  });

  it('takes the shard from SLURM_ARRAY_TASK_ID in a spawned run', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    const out = join(dir, 'out');
    const r = await node(['run', file, '-o', out, '--workers', '1'], {
      SLURM_ARRAY_TASK_ID: '1',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_COUNT: '3',
    });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('anonsim: running shard 1/3 (from SLURM_ARRAY_TASK_ID)');
    const m = JSON.parse(readFileSync(join(out, 'shard-1-of-3.json'), 'utf8'));
    expect(m.shard).toEqual({ index: 1, count: 3 });
    expect(m.jobs).toEqual([1]);
    expect(m.source).toBe('SLURM_ARRAY_TASK_ID');
  });
});

describe('shard index detection', () => {
  const argv = new Argv(['run', 's.yaml']);
  const pick = (flags: { shard?: string; shards?: string }, env: Record<string, string>) => {
    const r = resolveShard(flags, env, argv);
    return r.choice ? { ...r.choice } : r.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.path}: ${p.message}`);
  };

  it('reads --shard, Slurm array and Kubernetes Indexed Job variables', () => {
    expect(pick({}, {})).toEqual({ shard: null, source: '' });
    expect(pick({ shard: '2/5' }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '9' })).toEqual({
      shard: { index: 2, count: 5 },
      source: '--shard',
    });
    expect(pick({}, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({
      shard: { index: 3, count: 4 },
      source: 'SLURM_ARRAY_TASK_ID',
    });
    // Re-submitting one failed task (--array=5): the task id stays the index, --shards the count.
    expect(
      pick({ shards: '8' }, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '1' }),
    ).toEqual({ shard: { index: 5, count: 8 }, source: 'SLURM_ARRAY_TASK_ID' });
    expect(pick({ shards: '8' }, { JOB_COMPLETION_INDEX: '7' })).toEqual({
      shard: { index: 7, count: 8 },
      source: 'JOB_COMPLETION_INDEX',
    });
    expect(pick({ shard: 'none' }, { JOB_COMPLETION_INDEX: '7' })).toEqual({ shard: null, source: '--shard' });
  });

  it('reports unusable values as problems', () => {
    expect(pick({}, { JOB_COMPLETION_INDEX: '1' })).toEqual([
      'env:1:1 JOB_COMPLETION_INDEX: is set (a Kubernetes Indexed Job) but the shard count is unknown: Kubernetes does not export it',
    ]);
    expect(pick({ shards: '2' }, { JOB_COMPLETION_INDEX: '2' })).toEqual([
      'env:1:1 JOB_COMPLETION_INDEX: shard 2 is not below the shard count 2',
    ]);
    expect(pick({}, { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' })).toEqual([
      'env:1:1 SLURM_ARRAY_TASK_ID: "x" is not an integer',
    ]);
    expect(pick({}, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '1' })).toEqual([
      'env:1:1 SLURM_ARRAY_TASK_ID: the array starts at 5 in steps of 1, so its size does not give the shard count',
    ]);
    expect(pick({}, { SLURM_ARRAY_TASK_ID: '3' })).toEqual(['env:1:1 SLURM_ARRAY_TASK_COUNT: is not set']);
    expect(pick({ shard: '3/3' }, {})).toEqual(['argv:1:1 --shard: "3/3" is not a shard']);
    expect(pick({ shards: '3' }, {})).toEqual(['argv:1:1 --shards: gives a shard count but no shard index']);
  });
});

describe('job file encoding', () => {
  it('keeps NaN, ±Infinity and −0 exactly', () => {
    const v = { a: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.5e-300, null] };
    const back = decodeJson<typeof v>(encodeJson(v));
    expect(back.a[0]).toBeNaN();
    expect(back.a.slice(1, 3)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Object.is(back.a[3], -0)).toBe(true);
    expect(Object.is(back.a[4], 0)).toBe(true);
    expect(back.a.slice(5)).toEqual([1.5e-300, null]);
  });
});
