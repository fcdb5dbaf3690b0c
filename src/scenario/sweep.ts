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

export interface SweepCell {
  index: number;
  /** Values of the swept key paths, in `scenario.sweep` order. */
  values: (string | number | boolean)[];
  raw: Raw;
  /** This cell's resolved scenario (its `sweep` is empty). */
  scenario: Scenario;
}

/** All cells of the sweep grid; a scenario without a sweep has exactly one cell (index 0). */
export function sweepCells(scenario: Scenario, raw: unknown, file = `${scenario.name}.yaml`): SweepCell[] {
  const out: SweepCell[] = [];
  for (const { index, values } of sweepGrid(scenario.sweep)) {
    const r = cellRaw(raw as Raw, scenario, scenario.sweep, values);
    const res = resolveBase(r, file, new Map());
    if (!res.scenario) throw new ScenarioError(res.problems);
    out.push({ index, values, raw: r, scenario: res.scenario });
  }
  return out;
}
