/**
 * Sweep cells: one resolved scenario per combination of sweep values (grid keys crossed, zip
 * groups stepping together; sweep-spec.ts). Cells are numbered row-major with the first
 * dimension slowest (file order), so cell indices are stable for a given scenario. Each cell's raw scenario has no `sweep` key, has the cell's values set, and
 * keeps the base scenario's design/adversary names (see `cellRaw`).
 */
import { ScenarioError } from './errors.js';
import type { Raw } from './paths.js';
import { cellRaw, resolveBase } from './resolve.js';
import { sweepGrid } from './sweep-spec.js';
import type { Scenario } from './types.js';

/**
 * One cell of a run: its index in the sweep grid, the values of the swept key paths (in
 * `scenario.sweep` order; empty without a sweep) and its resolved scenario (its `sweep` is
 * empty). Resolved once here; the pipeline, workers and exports carry this same shape.
 */
export interface Cell {
  cell: number;
  sweep: (string | number | boolean)[];
  scenario: Scenario;
}

/** All cells of the sweep grid; a scenario without a sweep has exactly one cell (index 0). */
export function sweepCells(scenario: Scenario, raw: unknown, file = `${scenario.name}.yaml`): Cell[] {
  const out: Cell[] = [];
  for (const { index, values } of sweepGrid(scenario.sweep)) {
    const r = cellRaw(raw as Raw, scenario, scenario.sweep, values);
    const res = resolveBase(r, file, new Map());
    if (!res.scenario) throw new ScenarioError(res.problems);
    out.push({ cell: index, sweep: values, scenario: res.scenario });
  }
  return out;
}
