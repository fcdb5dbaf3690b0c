/** Worker entry: runs one simulation job (see src/pipeline/job.ts) and returns its rows. */
import { executeJob, type JobResult, type JobSpec } from '../src/pipeline/job.js';
import { fromPlain } from '../src/pipeline/serialize.js';

export default function run(task: unknown): Promise<JobResult> {
  return executeJob(fromPlain<JobSpec>(task));
}
