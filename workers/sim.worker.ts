/** Worker entry: runs one simulation job (see src/pipeline/job.ts) and returns its rows. */
import { type JobResult, type JobSpec, runJob } from '../src/pipeline/job.js';
import { fromPlain } from '../src/pipeline/serialize.js';

export default function run(task: unknown): JobResult {
  return runJob(fromPlain<JobSpec>(task));
}
