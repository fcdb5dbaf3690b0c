/**
 * Adversaries that observe the same rows get one evaluation: Signal's infrastructure is its one
 * service, so the single-server adversary and every colluding set hold the same host and see the
 * same rows. The pipeline runs each attack once for them (src/pipeline/job.ts `viewIdentity`),
 * and still once per distinct view (the global observer's).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ATTACKS } from '../../src/attacks/registry.js';
import { estimateCost } from '../../src/pipeline/cost.js';
import { scenarioCells } from '../../src/pipeline/run.js';
import { resolveScenario } from '../../src/scenario/index.js';
import { parseScenarioText } from '../../src/scenario/source.js';
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

  it('the cost estimate counts the evaluations the cache runs', async () => {
    const run = vi.spyOn(ATTACKS.get('timing')!, 'run');
    // A second colluding set of Signal's one service, and a Session set as large as the 10 % one
    // (the same prefix of one order): neither adds an evaluation.
    const more =
      '  - { kind: colluding, count: 1, name: one-host }\n  - { kind: colluding, fraction: 0.1, name: again }\n';
    const text = SCENARIO.replace('attacks:', `${more}attacks:`);
    const { scenario } = resolveScenario(parseScenarioText(text, 'view-cache.yaml').raw, 'view-cache.yaml');
    const estimate = estimateCost(scenarioCells(scenario, null));
    await runScenarioRows(text);
    // Signal: 1 held view + global; Session: single, 10 % (twice), one host, global = 4.
    expect(run).toHaveBeenCalledTimes(6);
    expect(estimate.evaluations).toBe(6);
  });
});
