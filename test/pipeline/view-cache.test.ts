/**
 * Adversaries that observe the same rows get one evaluation: Signal's infrastructure is its one
 * service, so the single-server adversary and every colluding set hold the same host and see the
 * same rows. The pipeline runs each attack once for them (src/pipeline/job.ts `viewIdentity`),
 * and still once per distinct view (the global observer's).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ATTACKS } from '../../src/attacks/registry.js';
import { runScenarioRows } from '../run-scenario.js';

const SCENARIO = `
name: view-cache
seed: 3
duration: 10min
warmup: 1min
workload: { users: 120, contacts: 4, rate: 1/2min }
designs:
  - design: signal
  - design: session
adversaries:
  - kind: single
    target: server
  - kind: colluding
    fraction: 0.1
  - kind: global-passive
attacks: [timing]
`;

afterEach(() => vi.restoreAllMocks());

describe('evaluations are shared by views that observe the same rows', () => {
  it('Signal single-server and colluding run the attack once and report equal rows', async () => {
    const timing = ATTACKS.get('timing')!;
    const run = vi.spyOn(timing, 'run');
    const { summary } = await runScenarioRows(SCENARIO);
    // Signal: server ≡ colluding (1 view) + global = 2 runs; Session: three distinct views = 3.
    expect(run).toHaveBeenCalledTimes(5);
    const row = (design: string, adversary: string) => {
      const r = summary.find((x) => x.design === design && x.adversary === adversary);
      if (!r) throw new Error(`no row ${design}/${adversary}`);
      const { adversary: _, ...rest } = r;
      return rest;
    };
    expect(row('signal', 'colluding-10%')).toEqual(row('signal', 'single-server'));
    // Session's single node and its 10 % set are different views with different results.
    expect(row('session', 'colluding-10%').held).toBeGreaterThan(row('session', 'single-server').held);
  });
});
