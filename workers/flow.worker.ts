/** Worker entry: one recipient range of the flow correlator (see src/attacks/flow.ts flowChunk). */
import { type FlowJob, flowChunk, type PairChunk } from '../src/attacks/flow.js';

export default function run(task: { job: FlowJob; r0: number; r1: number }): PairChunk {
  return flowChunk(task.job, task.r0, task.r1);
}
