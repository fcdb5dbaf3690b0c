/**
 * `anonsim validate <scenario>`: checks a scenario, prints it fully resolved as YAML on stdout
 * (itself a valid scenario), and on stderr what running it makes — sweep cells, simulation jobs,
 * simulated worlds, attack evaluations — with a rough cost (pipeline/cost.ts).
 */
import { availableParallelism } from 'node:os';
import { costLines, estimateCost } from '../pipeline/cost.js';
import { estimateDiskBytes } from '../pipeline/disk-estimate.js';
import { estimateMemory } from '../pipeline/memory-estimate.js';
import { scenarioCells } from '../pipeline/run.js';
import { formatWarning } from '../scenario/errors.js';
import { loadScenario } from '../scenario/load.js';
import { sweepCells } from '../scenario/sweep.js';
import { scenarioToYaml } from '../scenario/to-yaml.js';
import type { Io } from './io.js';
import { megabytes } from './preflight.js';

export function validateCommand(file: string, io: Io): number {
  const loaded = loadScenario(file);
  for (const w of loaded.warnings) io.err(`${formatWarning(w)}\n`);
  io.out(scenarioToYaml(loaded.scenario));
  const cells = scenarioCells(loaded.scenario, sweepCells(loaded.scenario, loaded.raw, file));
  for (const line of costLines(estimateCost(cells), availableParallelism())) io.err(`anonsim: ${line}\n`);
  const mem = estimateMemory(cells, estimateDiskBytes(cells, { messages: false }).checkpoints);
  const workers = Math.max(1, Math.min(availableParallelism(), estimateCost(cells).jobs));
  io.err(
    `anonsim: peak memory: about ${megabytes(mem.job)} for the largest job, ${megabytes(mem.total(workers))} for the run with ${workers} worker${workers === 1 ? '' : 's'} (a fit to measured runs, good to about 30 %)\n`,
  );
  return 0;
}
