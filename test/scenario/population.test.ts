/** The issue-14 scenarios: large.yaml is the default run at 10^5 users; population.yaml sweeps users × rate. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simKey } from '../../src/pipeline/run.js';
import { loadScenario } from '../../src/scenario/load.js';

const scenario = (f: string, overrides: { path: string; value: unknown }[] = []) =>
  loadScenario(join(process.cwd(), 'scenarios', f), { overrides }).scenario;

describe('scenarios/large.yaml', () => {
  it('is scenarios/default.yaml with workload.users=100000 and nothing else (same simulations, same attacks)', () => {
    const large = scenario('large.yaml');
    const dflt = scenario('default.yaml', [{ path: 'workload.users', value: 100000 }]);
    expect(large.workload.users).toBe(100000);
    for (let d = 0; d < dflt.designs.length; d++) expect(simKey(large, d)).toBe(simKey(dflt, d));
    const { name: _a, ...l } = large;
    const { name: _b, ...r } = dflt;
    expect(JSON.stringify(l)).toBe(JSON.stringify(r));
  });
});

describe('scenarios/population.yaml', () => {
  it('sweeps users 10^3 … 10^5 in half decades × the message rate, every design, three adversaries, ≥ 3 replicates', () => {
    const s = scenario('population.yaml');
    const users = s.sweep.find((k) => k.path === 'workload.users');
    expect(users?.values).toEqual([1000, 3162, 10000, 31623, 100000]);
    expect(s.sweep.find((k) => k.path === 'workload.rate')?.values.length).toBeGreaterThanOrEqual(3);
    expect(s.designs.map((d) => d.design)).toEqual(['signal', 'session', 'simplex', 'matrix']);
    expect(s.adversaries.map((a) => a.kind)).toEqual(['single', 'colluding', 'global-passive']);
    expect(s.replicates).toBeGreaterThanOrEqual(3);
  });
});
