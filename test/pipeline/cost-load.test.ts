/**
 * The cost estimate's attack term grows faster than deliveries above the aggregate send rate its
 * rates were measured at (cost.ts `loadFactor`): measured, flow and disclosure cost ×2 per delivery
 * at 31 623 users and flow ×5 at 10^5, so a linear estimate told a user a 10^5-user run takes 23 CPU
 * min when it takes hours. Below the reference load the estimate stays linear in deliveries.
 */
import { describe, expect, it } from 'vitest';
import { jobCost, loadFactor } from '../../src/pipeline/cost.js';
import { planJobs, scenarioCells } from '../../src/pipeline/run.js';
import { loadScenario } from '../../src/scenario/index.js';

/** Estimated attack CPU seconds per delivery and evaluation of the default scenario's Signal job. */
function attackPerDelivery(users: number): number {
  const overrides = [
    { path: 'workload.users', value: users },
    { path: 'designs', value: [{ design: 'signal' }] },
    { path: 'attacks', value: ['flow'] },
  ];
  const { scenario } = loadScenario('scenarios/default.yaml', { overrides });
  const [job] = planJobs(scenarioCells(scenario, null), false);
  const withAttacks = jobCost(job);
  const { scenario: none } = loadScenario('scenarios/default.yaml', {
    overrides: [...overrides, { path: 'adversaries', value: [{ kind: 'none' }] }],
  });
  const simOnly = jobCost(planJobs(scenarioCells(none, null), false)[0]);
  return (withAttacks.cpuSeconds - simOnly.cpuSeconds) / withAttacks.deliveries / withAttacks.evaluations;
}

describe('loadFactor', () => {
  it('is 1 up to the reference load and a power 0.7 of the load above it', () => {
    expect(loadFactor(0.5)).toBe(1);
    expect(loadFactor(20)).toBe(1);
    expect(loadFactor(200)).toBeCloseTo(10 ** 0.7, 12);
  });

  it('keeps the estimate linear at 10^3–10^4 users and raises it per delivery at 10^5', () => {
    const small = attackPerDelivery(1000);
    const ref = attackPerDelivery(10000);
    const large = attackPerDelivery(100000);
    expect(ref / small).toBeCloseTo(1, 6);
    // 10^5 users at 1 message per 10 min send ≈ 200 messages/s: about (200/20)^0.7 ≈ 5× per delivery.
    expect(large / ref).toBeGreaterThan(4);
    expect(large / ref).toBeLessThan(6.5);
  });
});
