/**
 * How much disk `anonsim run --log` will take, from the plan alone (for a pre-flight disk check
 * and `anonsim validate`): per simulated world, expected deliveries × the bytes a saved world
 * takes per delivery for its design. The constants are all five tables of one world of
 * `scenarios/default.yaml` (1 000 users, 30 min; the mixnet added with its defaults) divided by
 * its deliveries; Session at 10^5 users over 1 h measured 1 330 bytes per delivery against 1 363
 * here, so they hold across scale to a few percent. Designs not listed take the largest. Countermeasures (cover traffic, Tor) add
 * hops per delivery that these do not count: treat the estimate as good to a factor of two.
 */

import { expectedTraffic } from '../workload/expected.js';
import { needsCalibration } from './job.js';
import { type Cell, planJobs } from './run.js';

/** Saved bytes per expected delivery, by design id (see module comment). */
const LOG_BYTES_PER_DELIVERY: Record<string, number> = {
  signal: 381,
  session: 1363,
  simplex: 332,
  matrix: 309,
  mixnet: 2644,
};
const LOG_BYTES_DEFAULT = Math.max(...Object.values(LOG_BYTES_PER_DELIVERY));

/** Expected bytes of DIR/log/ for a run of these cells with --log (all worlds, calibration worlds included). */
export function estimateLogBytes(cells: Cell[]): number {
  let bytes = 0;
  for (const job of planJobs(cells, false)) {
    const s = job.cells[0].scenario;
    const per = expectedTraffic(s.workload, s.duration).deliveries;
    const worlds = needsCalibration(job) ? 2 : 1;
    bytes += worlds * per * (LOG_BYTES_PER_DELIVERY[s.designs[job.designIndex].design] ?? LOG_BYTES_DEFAULT);
  }
  return bytes;
}
