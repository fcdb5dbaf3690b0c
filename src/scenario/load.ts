/**
 * `loadScenario`: file → validated, resolved Scenario, with command-line overrides (`--set`,
 * `--seed`, `--replicates`) applied to the raw value first so they are validated like file
 * keys; problems they cause point at their argument (`argv:1:<index>`).
 */
import { InputError } from '../core/errors.js';
import { dedupeProblems, type Pos, type Positions, type Problem, ScenarioError } from './errors.js';
import { isPlainObject, type Raw, setPath } from './paths.js';
import { resolveScenario } from './resolve.js';
import { readScenarioFile } from './source.js';
import type { Scenario } from './types.js';

export interface Override {
  /** Key path, e.g. `workload.users`. */
  path: string;
  /** Value; strings are read as YAML scalars (`500` → 500, `true` → true, `1h` → "1h"). */
  value: unknown;
  /** Where the override was written, e.g. `{ file: 'argv', line: 1, col: 4 }`. */
  pos?: Pos;
}

export interface Loaded {
  scenario: Scenario;
  /** The raw scenario after overrides (what sweep cells are derived from). */
  raw: Raw;
  warnings: Problem[];
  file: string;
  positions: Positions;
}

/** Applies overrides in order to `raw` (mutating it and `positions`); returns the problems. */
export function applyOverrides(
  raw: unknown,
  overrides: readonly Override[],
  positions: Positions,
  file: string,
): Problem[] {
  const problems: Problem[] = [];
  if (!isPlainObject(raw)) return problems;
  for (const o of overrides) {
    const pos = o.pos ?? { line: 1, col: 1, file };
    try {
      setPath(raw, o.path, o.value);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push({
        file: pos.file ?? file,
        line: pos.line,
        col: pos.col,
        path: o.path || '(root)',
        message: e.message,
        expected: e.expected,
      });
      continue;
    }
    // Keys below an overridden key no longer come from the file.
    for (const k of [...positions.keys()]) if (k.startsWith(`${o.path}.`)) positions.delete(k);
    positions.set(o.path, pos);
  }
  return problems;
}

/**
 * Loads, overrides, validates and resolves a scenario file. Throws ScenarioError with every
 * problem (file, overrides, sweep cells); returns warnings that should be shown on stderr.
 */
export function loadScenario(file: string, opts: { overrides?: readonly Override[] } = {}): Loaded {
  const src = readScenarioFile(file);
  const raw = src.raw;
  const positions = src.positions;
  const overrides = opts.overrides ?? [];
  const problems = applyOverrides(raw, overrides, positions, file);
  try {
    const { scenario, warnings } = resolveScenario(raw, file, positions);
    if (problems.length > 0) throw new ScenarioError(problems);
    for (const o of overrides) {
      if (scenario.sweep.some((s) => s.path === o.path)) {
        const pos = o.pos ?? { line: 1, col: 1 };
        warnings.push({
          file: pos.file ?? file,
          line: pos.line,
          col: pos.col,
          path: o.path,
          message: 'this key is also swept, so the sweep values replace the override',
          expected: 'remove the override or the sweep entry',
        });
      }
    }
    return { scenario, raw: raw as Raw, warnings, file, positions };
  } catch (e) {
    if (e instanceof ScenarioError && problems.length > 0 && e.problems !== problems)
      throw new ScenarioError(dedupeProblems([...problems, ...e.problems]));
    throw e;
  }
}
