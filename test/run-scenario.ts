/** Runs scenario text through the real pipeline (resolve, sweep cells, simulate, attack) in-process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../src/pipeline/run.js';
import type { RunResult, SummaryRow } from '../src/pipeline/types.js';
import { loadScenario, sweepCells } from '../src/scenario/index.js';

/** summary.csv rows of the scenario `text` (YAML), one worker. */
export async function runScenarioText(text: string): Promise<SummaryRow[]> {
  return (await runScenarioRows(text)).summary;
}

/** Every output of the scenario `text` (YAML), one worker; messages.csv rows with `messages`. */
export async function runScenarioRows(text: string, messages = false): Promise<RunResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'anonsim-test-')), 'scenario.yaml');
  writeFileSync(file, text);
  const { scenario, raw } = loadScenario(file);
  const cells = sweepCells(scenario, raw, file);
  return runScenario(scenario, cells, { workers: 1, messages });
}

/**
 * Standard error of a top1 over `scored` deliveries (a mean of values in [0, 1]); the variance is
 * floored at 0.01 so a top1 near 0 or 1 still gets a tolerance.
 */
export function top1Se(r: SummaryRow, scored = r.deliveries): number {
  return Math.sqrt(Math.max(r.top1 * (1 - r.top1), 0.01) / scored);
}
