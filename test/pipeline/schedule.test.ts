/**
 * The worker pool gets the jobs most expensive first by the cost model (run.ts `submissionOrder`):
 * on the default scenario SimpleX, Signal, Session, Matrix, the order that measured per-design
 * CPU at 10^4 users calls for (plan order left SimpleX for last on a 2-worker pool). Ties keep
 * plan order. Results are merged by job index, so the order changes no output (the CLI's
 * worker-count tests compare the files).
 */
import { describe, expect, it } from 'vitest';
import { jobCost } from '../../src/pipeline/cost.js';
import { planJobs, scenarioCells, submissionOrder } from '../../src/pipeline/run.js';
import { loadScenario } from '../../src/scenario/index.js';

function plan(overrides: { path: string; value: unknown }[] = []) {
  const { scenario } = loadScenario('scenarios/default.yaml', { overrides });
  return planJobs(scenarioCells(scenario, null), false);
}

describe('submissionOrder', () => {
  it('hands the pool the default scenario largest-estimated first: SimpleX, Signal, Session, Matrix', () => {
    const jobs = plan();
    const names = (order: number[]) => order.map((i) => jobs[i].cells[0].scenario.designs[jobs[i].designIndex].name);
    expect(names(jobs.map((_, i) => i))).toEqual(['signal', 'session', 'simplex', 'matrix']);
    const order = submissionOrder(jobs, [0, 1, 2, 3]);
    expect(names(order)).toEqual(['simplex', 'signal', 'session', 'matrix']);
    const cost = order.map((i) => jobCost(jobs[i]).cpuSeconds);
    for (let k = 1; k < cost.length; k++) expect(cost[k]).toBeLessThanOrEqual(cost[k - 1]);
    // Only the jobs asked for (a shard, a resumed run), each once.
    expect(submissionOrder(jobs, [3, 1])).toEqual([1, 3]);
  });

  it('keeps plan order among equal estimates (replicates of one design)', () => {
    const jobs = plan([
      { path: 'replicates', value: 3 },
      { path: 'designs', value: [{ design: 'session' }] },
    ]);
    expect(jobs).toHaveLength(3);
    expect(submissionOrder(jobs, [2, 0, 1])).toEqual([0, 1, 2]);
  });
});
