/**
 * Scenario problems as values. Every problem knows where it came from (file, line, column),
 * which key it concerns (a dotted path with list indices, `designs.1.relays`) and what a valid
 * value looks like, so the CLI can print one line per problem and exit with code 2:
 *
 *   <file>:<line>:<col> <key path>: <what is wrong>; expected <what> (did you mean X?)
 *
 * Problems that concern the command line rather than the file use the pseudo-file `argv`
 * with line 1 and the column set to the argument's 1-based index after the command name.
 */

/** A place in a source: 1-based line and column; `file` overrides the scenario file (e.g. `argv`). */
export interface Pos {
  line: number;
  col: number;
  file?: string;
}

/** Key path (dotted, list indices as numbers) → where that key (or list item) is written. */
export type Positions = Map<string, Pos>;

/** What the checker needs of positions (a Map, or a layered view over one). */
export interface PositionLookup {
  get(path: string): Pos | undefined;
}

export interface Problem {
  file: string;
  line: number;
  col: number;
  /** Dotted key path; `(file)` for the file itself, `(root)` for the top-level value. */
  path: string;
  message: string;
  expected: string;
  /** Near-miss suggestion for names: printed as ` (did you mean X?)`. */
  hint?: string;
}

export function formatProblem(p: Problem): string {
  const hint = p.hint !== undefined ? ` (did you mean ${p.hint}?)` : '';
  const expected = p.expected ? `; expected ${p.expected}` : '';
  return `${p.file}:${p.line}:${p.col} ${p.path}: ${p.message}${expected}${hint}`;
}

/** Warnings share the location format but say `warning:` and carry no expectation. */
export function formatWarning(p: Problem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path}: warning: ${p.message}${p.expected ? `; ${p.expected}` : ''}`;
}

/** Thrown by `loadScenario` / `resolveScenario` with every problem found (never just the first). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** Removes exact duplicates (same formatted line), keeping first-seen order. */
export function dedupeProblems(ps: Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of ps) {
    const k = formatProblem(p);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}
