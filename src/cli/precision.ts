/**
 * The `--precision H` flag of `anonsim run` (pipeline/precision.ts does the work): its value
 * checks, the cap it needs, and what it cannot be combined with.
 */
import { PRECISION_MIN_REPLICATES } from '../pipeline/precision.js';
import type { Problem } from '../scenario/errors.js';
import type { Argv } from './argv.js';

/** The half-width asked for, or undefined (problems pushed for a bad value or combination). */
export function parsePrecision(
  flags: { precision?: string; shard?: string },
  argv: Argv,
  problems: Problem[],
): number | undefined {
  if (flags.precision === undefined) return undefined;
  const h = Number(flags.precision);
  if (!/^\s*(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(flags.precision) || !(h > 0 && h <= 1)) {
    problems.push(
      argv.problem('--precision', `"${flags.precision}" is not allowed`, 'a half-width in (0, 1] for top1, e.g. 0.02'),
    );
    return undefined;
  }
  if (flags.shard !== undefined && flags.shard !== 'none')
    problems.push(
      argv.problem(
        '--precision',
        'cannot be used with --shard',
        'a run on one machine (the stopping rule needs every replicate before it)',
      ),
    );
  return h;
}

/** The problem when the cap (the run's replicates) is below the minimum the rule starts from. */
export function capProblem(cap: number, argv: Argv): Problem | undefined {
  if (cap >= PRECISION_MIN_REPLICATES) return undefined;
  return argv.problem(
    '--precision',
    `needs at least ${PRECISION_MIN_REPLICATES} replicates as its cap, and the run has ${cap}`,
    `--replicates N with N ≥ ${PRECISION_MIN_REPLICATES} (the most replicates to run)`,
  );
}
