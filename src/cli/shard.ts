/**
 * Which shard this process runs: `--shard I/N` on the command line, else a Slurm array job's
 * SLURM_ARRAY_TASK_ID as the index (count from --shards, else SLURM_ARRAY_TASK_COUNT — then the
 * array must be 0..N-1), else a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (count from
 * --shards, which Kubernetes does not export). The task id is used as is, never relative to
 * SLURM_ARRAY_TASK_MIN, so re-submitting one failed task (`--array=3 … --shards 8`) runs shard
 * 3/8 again rather than silently becoming shard 0/1. `--shard none` ignores the environment. Problems are returned in the CLI problem format; environment
 * variables are reported as `env:1:1 <NAME>: …`.
 */

import { parseShard, type Shard } from '../pipeline/shard.js';
import type { Problem } from '../scenario/errors.js';
import { type Argv, parseIntArg } from './argv.js';

export interface ShardChoice {
  shard: Shard | null;
  /** `--shard`, or the environment variable the index came from. */
  source: string;
}

const envProblem = (name: string, message: string, expected: string): Problem => ({
  file: 'env',
  line: 1,
  col: 1,
  path: name,
  message,
  expected,
});

export function resolveShard(
  flags: { shard?: string; shards?: string },
  env: Record<string, string | undefined>,
  argv: Argv,
): { choice?: ShardChoice; problems: Problem[] } {
  const problems: Problem[] = [];
  let shards: number | undefined;
  if (flags.shards !== undefined) {
    shards = parseIntArg(flags.shards);
    if (shards === undefined || shards < 1) {
      problems.push(
        argv.problem('--shards', `"${flags.shards}" is not allowed`, 'an integer ≥ 1 (the number of shards)'),
      );
      return { problems };
    }
  }
  if (flags.shard !== undefined) {
    if (flags.shard.trim() === 'none') return { choice: { shard: null, source: '--shard' }, problems };
    const shard = parseShard(flags.shard);
    if (!shard)
      problems.push(
        argv.problem('--shard', `"${flags.shard}" is not a shard`, 'I/N with 0 ≤ I < N, e.g. --shard 0/4, or none'),
      );
    else if (shards !== undefined && shards !== shard.count)
      problems.push(
        argv.problem(
          '--shards',
          `${shards} disagrees with --shard ${flags.shard}`,
          `--shards ${shard.count} or no --shards`,
        ),
      );
    return shard && problems.length === 0 ? { choice: { shard, source: '--shard' }, problems } : { problems };
  }
  const set = (name: string) => env[name] !== undefined && env[name]?.trim() !== '';
  const int = (name: string): number | undefined => {
    const n = parseIntArg(env[name] ?? '');
    if (n === undefined) problems.push(envProblem(name, `"${env[name]}" is not an integer`, 'an integer ≥ 0'));
    return n;
  };
  let index: number | undefined;
  let count: number | undefined;
  let source: string;
  if (set('SLURM_ARRAY_TASK_ID')) {
    source = 'SLURM_ARRAY_TASK_ID';
    const id = int('SLURM_ARRAY_TASK_ID');
    if (id === undefined) return { problems };
    if (shards === undefined) {
      // The count comes from the array itself, which is then only meaningful for --array=0-(N-1).
      const min = set('SLURM_ARRAY_TASK_MIN') ? int('SLURM_ARRAY_TASK_MIN') : 0;
      const step = set('SLURM_ARRAY_TASK_STEP') ? int('SLURM_ARRAY_TASK_STEP') : 1;
      count = set('SLURM_ARRAY_TASK_COUNT') ? int('SLURM_ARRAY_TASK_COUNT') : undefined;
      if (min === undefined || step === undefined) return { problems };
      if (count === undefined) {
        if (problems.length === 0)
          problems.push(envProblem('SLURM_ARRAY_TASK_COUNT', 'is not set', 'the array size from Slurm, or --shards N'));
        return { problems };
      }
      if (min !== 0 || step !== 1) {
        problems.push(
          envProblem(
            source,
            `the array starts at ${min} in steps of ${step}, so its size does not give the shard count`,
            'sbatch --array=0-(N-1), or --shards N (the task id is the shard index)',
          ),
        );
        return { problems };
      }
    } else count = shards;
    index = id;
  } else if (set('JOB_COMPLETION_INDEX')) {
    source = 'JOB_COMPLETION_INDEX';
    index = int(source);
    count = shards;
    if (index === undefined) return { problems };
    if (count === undefined) {
      problems.push(
        envProblem(
          source,
          'is set (a Kubernetes Indexed Job) but the shard count is unknown: Kubernetes does not export it',
          "--shards N with N = the Job's completions (or --shard none to run everything)",
        ),
      );
      return { problems };
    }
  } else {
    if (shards !== undefined)
      problems.push(
        argv.problem(
          '--shards',
          'gives a shard count but no shard index',
          '--shard I/N, or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX in the environment',
        ),
      );
    return problems.length > 0 ? { problems } : { choice: { shard: null, source: '' }, problems };
  }
  if (count < 1 || index >= count) {
    problems.push(
      envProblem(source, `shard ${index} is not below the shard count ${count}`, `an index in [0, ${count - 1}]`),
    );
    return { problems };
  }
  return { choice: { shard: { index, count }, source }, problems };
}
