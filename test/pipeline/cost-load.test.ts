/**
 * The cost estimate's attack term grows faster than deliveries above ≈ 10 messages/s in total
 * (cost.ts `loadFactor`): measured, flow costs ×3.2 per delivery at 31 623 users and ×8.3 at 10^5
 * against 3162, so a linear estimate told a user a 10^5-user run takes 23 CPU min when it takes
 * hours. Below the reference load the estimate stays linear in deliveries.
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
    expect(loadFactor(10)).toBe(1);
    expect(loadFactor(200)).toBeCloseTo(20 ** 0.7, 12);
  });

  it('keeps the estimate linear at 10^3–3162 users and raises it per delivery at 10^4 and 10^5', () => {
    const small = attackPerDelivery(1000);
    const mid = attackPerDelivery(3162);
    const ref = attackPerDelivery(10000);
    const large = attackPerDelivery(100000);
    // ≈ 2 and 6 messages/s: below the reference load.
    expect(mid / small).toBeCloseTo(1, 6);
    // 10^4 users at 1 message per 10 min send ≈ 20 messages/s: (20/10)^0.7 ≈ 1.6× per delivery.
    expect(ref / small).toBeGreaterThan(1.4);
    expect(ref / small).toBeLessThan(1.9);
    // 10^5 users send ≈ 200 messages/s: 10× the load of 10^4, so 10^0.7 ≈ 5× per delivery again.
    expect(large / ref).toBeGreaterThan(4);
    expect(large / ref).toBeLessThan(6.5);
  });
});
