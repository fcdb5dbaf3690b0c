/**
 * Problems about the command line, in the scenario problem format: the pseudo-file `argv`,
 * line 1, column = the 1-based index of the offending argument after `anonsim`.
 * `argv:1:3 --seed: "x" is not an integer; expected an integer ≥ 0`.
 */
import type { Pos, Problem } from '../scenario/errors.js';
import type { Override } from '../scenario/load.js';

export class Argv {
  constructor(readonly args: readonly string[]) {}

  /** Position of the `nth` occurrence of `flag` (as `--flag v` or `--flag=v`), or of `token`. */
  pos(flag: string, nth = 0): Pos {
    let seen = 0;
    for (let i = 0; i < this.args.length; i++) {
      const a = this.args[i];
      if (a === flag || a.startsWith(`${flag}=`)) {
        if (seen++ === nth) return { file: 'argv', line: 1, col: i + 1 };
      }
    }
    return { file: 'argv', line: 1, col: 1 };
  }

  problem(flag: string, message: string, expected: string, hint?: string, nth = 0): Problem {
    const p = this.pos(flag, nth);
    return { file: 'argv', line: p.line, col: p.col, path: flag, message, expected, hint };
  }
}

/** Parses a non-negative integer flag value; undefined when it is not one. */
export function parseIntArg(v: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `--set PATH=VALUE` flags as scenario overrides; malformed ones become problems at their argument. */
export function setOverrides(sets: readonly string[], argv: Argv, problems: Problem[]): Override[] {
  const overrides: Override[] = [];
  sets.forEach((s, i) => {
    const eq = s.indexOf('=');
    if (eq <= 0) {
      problems.push(
        argv.problem(
          '--set',
          `"${s}" is not PATH=VALUE`,
          'PATH=VALUE, e.g. --set workload.users=5000 or --set designs.1.nodes=500',
          undefined,
          i,
        ),
      );
      return;
    }
    overrides.push({ path: s.slice(0, eq).trim(), value: s.slice(eq + 1), pos: argv.pos('--set', i) });
  });
  return overrides;
}
