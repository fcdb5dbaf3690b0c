// The exposure matrix's attack-based vectors come from the scenario's own adversaries (issue 17):
// the value is the best of the run's attacks for that adversary, as summary.csv has it, named in
// the adversary/attack columns; without such an adversary the vector is not measured (no grade).
import { describe, expect, it } from 'vitest';
import { runScenarioRows } from '../run-scenario.js';

const BASE = `
name: exposure
seed: 2
duration: 4min
warmup: 30s
workload: { users: 60, contacts: 3, rate: 1/min }
designs:
  - design: signal
  - design: simplex
attacks: [identifier, timing]
`;

describe('exposure.csv attack-based vectors', () => {
  it("are the best of the run's attacks for the scenario's own adversary, and say which", async () => {
    const r = await runScenarioRows(
      `${BASE}adversaries:\n  - kind: single\n    target: server\n  - kind: global-passive\n`,
    );
    for (const design of ['signal', 'simplex']) {
      for (const [vector, adversary, metric] of [
        ['global_passive', 'global-passive', 'top1'],
        ['social_graph', 'single-server', 'pair_precision'],
      ] as const) {
        const row = r.exposure.find((e) => e.design === design && e.vector === vector)!;
        const rows = r.summary.filter((s) => s.design === design && s.adversary === adversary);
        const best = Math.max(...rows.map((s) => s[metric]));
        expect(row.value).toBe(best);
        expect(row.adversary).toBe(adversary);
        expect(rows.find((s) => s.attack === row.attack)![metric]).toBe(best);
        expect(['A', 'P', 'X']).toContain(row.grade);
      }
      // Chain-based vectors name no adversary.
      expect(r.exposure.find((e) => e.design === design && e.vector === 'ip_visible')!.adversary).toBe('');
    }
  });

  it('are not measured (empty value and grade) when the scenario has no such adversary', async () => {
    const r = await runScenarioRows(`${BASE}adversaries:\n  - kind: colluding\n    fraction: 0.5\n`);
    for (const e of r.exposure.filter((x) => x.vector === 'global_passive' || x.vector === 'social_graph')) {
      expect(e.value).toBeNaN();
      expect(e.grade).toBe('');
      expect(e.adversary).toBe('');
    }
    // No groups in this workload: group membership is not measured either, and not graded "A".
    for (const e of r.exposure.filter((x) => x.vector === 'group_membership')) expect(e.grade).toBe('');
  });
});

describe('exposure.csv source column', () => {
  it("marks the real-world-identifier rows as inputs (the design's parameter, passed through) and every other row measured", async () => {
    const r = await runScenarioRows(
      `${BASE.replace('  - design: simplex\n', '  - design: simplex\n  - { design: matrix, threepidFraction: 0.37 }\n')}adversaries:\n  - kind: global-passive\n`,
    );
    const inputs = r.exposure.filter((e) => e.source === 'input');
    expect(inputs.map((e) => [e.design, e.vector, e.value]).sort()).toEqual([
      ['matrix', 'real_world_identifier', 0.37],
      ['signal', 'real_world_identifier', 1],
      ['simplex', 'real_world_identifier', 0],
    ]);
    for (const e of r.exposure.filter((x) => x.vector !== 'real_world_identifier')) expect(e.source).toBe('measured');
  });
});
