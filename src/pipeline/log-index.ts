/**
 * The worlds a run saves with --log, planned like its jobs: what the log's index
 * (src/log/index.ts, log.json and worlds.parquet) lists. Here, not in log/, because it plans jobs.
 */
import type { LoggedWorld } from '../log/index.js';
import { needsCalibration, worldName } from './job.js';
import { type Cell, planJobs, simKey } from './run.js';

/** The worlds a run with these cells saves (`anonsim run --log`), by job: the run and, when an attack needs it, the calibration run. */
export function plannedWorlds(cells: Cell[]): LoggedWorld[] {
  const out: LoggedWorld[] = [];
  planJobs(cells, false).forEach((job, i) => {
    const s = job.cells[0].scenario;
    const w = {
      job: i,
      replicate: job.replicate,
      designIndex: job.designIndex,
      design: s.designs[job.designIndex].name,
      simKey: simKey(s, job.designIndex),
    };
    out.push({ world: worldName(i, 'run'), kind: 'run', ...w });
    if (needsCalibration(job)) out.push({ world: worldName(i, 'calibration'), kind: 'calibration', ...w });
  });
  return out;
}
