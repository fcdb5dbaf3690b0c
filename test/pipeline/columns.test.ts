// summary.csv's run-describing columns through the pipeline: `held` counts the hosts each
// adversary holds, `deliveries` the scored deliveries every per-delivery metric averages over.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/pipeline/run.js';
import { loadScenario, sweepCells } from '../../src/scenario/index.js';

const SCENARIO = `
name: columns
seed: 3
duration: 5min
warmup: 1min
workload: { users: 60, contacts: 4, rate: 1/min, groups: { count: 4, size: 5, rate: 1/min } }
designs:
  - design: session
    nodes: 90
  - design: simplex
adversaries:
  - kind: single
  - kind: colluding
    fraction: 0.1
  - kind: colluding
    count: 4
  - kind: global-passive
attacks: [identifier, timing]
`;

describe('summary columns held and deliveries', () => {
  it('held: 1 for a single node, round(fraction × infrastructure) or count for colluding, 0 for a link observer', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'anonsim-columns-')), 'scenario.yaml');
    writeFileSync(file, SCENARIO);
    const { scenario, raw } = loadScenario(file);
    const cells = sweepCells(scenario, raw, file);
    const result = await runScenario(scenario, cells, { workers: 1, messages: true });
    const rows = result.summary;
    const held = (design: string, adversary: string) =>
      new Set(rows.filter((r) => r.design === design && r.adversary === adversary).map((r) => r.held));
    expect(held('session', 'single-server')).toEqual(new Set([1]));
    expect(held('session', 'colluding-10%')).toEqual(new Set([9])); // 90 service nodes
    expect(held('session', 'colluding-4-hosts')).toEqual(new Set([4]));
    expect(held('session', 'global-passive')).toEqual(new Set([0]));
    expect(held('simplex', 'global-passive')).toEqual(new Set([0]));

    // Deliveries: messages.csv has one row per scored delivery, counted independently here.
    for (const r of rows) {
      const listed = result.messages.filter(
        (m) => m.design === r.design && m.adversary === r.adversary && m.attack === r.attack,
      ).length;
      expect(r.deliveries).toBe(listed);
      expect(r.deliveries).toBeGreaterThan(100);
    }
  });
});
