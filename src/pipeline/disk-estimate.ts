/**
 * How much disk a run will take, from the plan alone, for the pre-flight check (cli/preflight.ts):
 * the results folder (CSVs, report.html inlining them, timelines), the checkpoints in `.jobs/`
 * (every run writes them; they exist beside the staged CSVs until the run ends) and, with --log,
 * the saved worlds (pipeline/log-estimate.ts). An upper-leaning estimate: a check that passes should not
 * end in ENOSPC, and a results folder is small next to a disk.
 *
 * Bytes per evaluation (one cell × replicate × design × adversary × attack) were measured on
 * `scenarios/default.yaml` with one design at 1 000 users (where ttfd.csv reaches its 2 000-pair
 * cap): ttfd.csv 95 kB, roc.csv 7 kB per evaluation of every replicate; pairs.csv 22 kB and
 * correlation.csv + candidates.csv 31 kB per evaluation of replicate 0. report.html inlines the
 * CSVs beside the 180 kB viewer. A job file holds the same rows as JSON objects, keys repeated on
 * every row: its ttfd rows took 5.1× their CSV text, the others 2–3× (signal at 1 000 users: a 7.0 MB
 * job file for 1.9 MB of CSV). messages.csv (--messages) is about 90 bytes per scored delivery and
 * evaluation.
 */
import { expectedTraffic } from '../workload/expected.js';
import { type Cell, planJobs } from './run.js';

const TTFD_ROW = 48;
const TTFD_CAP = 2000;
const ROC_PER_EVAL = 7_000;
const REPLICATE0_PER_EVAL = 53_000;
const SUMMARY_PER_EVAL = 600;
const VIEWER = 180_000;
/** JSON bytes of a job file per CSV byte: ttfd rows, other rows. */
const JOB_TTFD_FACTOR = 5.5;
const JOB_OTHER_FACTOR = 3;
const MESSAGE_ROW = 90;
/** manifest.json, timelines.json, exposure.csv, distributions.csv and slack. */
const FIXED = 200_000;

export interface DiskEstimate {
  /** The results folder once written (CSVs, report.html, manifest, timelines). */
  outputs: number;
  /** `.jobs/` at its largest (every job finished). */
  checkpoints: number;
  /** `log/` with --log, else 0. */
  log: number;
}

export function estimateDiskBytes(cells: Cell[], opts: { messages: boolean; logBytes?: number }): DiskEstimate {
  let ttfd = 0;
  let other = 0;
  let messages = 0;
  for (const job of planJobs(cells, opts.messages)) {
    for (const { scenario: s } of job.cells) {
      const evals = s.adversaries.length * s.attacks.length;
      // ttfd.csv has a row per communicating pair: at most the contact pairs, the deliveries and the cap.
      const deliveries = expectedTraffic(s.workload, s.duration).deliveries;
      const pairs = Math.min(TTFD_CAP, s.workload.users * Math.max(1, s.workload.contacts), Math.ceil(deliveries));
      ttfd += evals * pairs * TTFD_ROW;
      other += evals * (ROC_PER_EVAL + SUMMARY_PER_EVAL + (job.replicate === 0 ? REPLICATE0_PER_EVAL : 0));
      if (opts.messages) messages += evals * deliveries * MESSAGE_ROW;
    }
  }
  return {
    // The report inlines the CSVs (messages.csv only when small; counted once here).
    outputs: FIXED + VIEWER + 2 * (ttfd + other) + messages,
    checkpoints: JOB_TTFD_FACTOR * ttfd + JOB_OTHER_FACTOR * (other + messages),
    log: opts.logBytes ?? 0,
  };
}
