/** DesignModule.infraHosts (known before simulating) equals the infrastructure build() creates. */
import { describe, expect, it } from 'vitest';
import { Streams } from '../../src/core/rng.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { simulate } from '../../src/pipeline/job.js';
import { resolveScenario } from '../../src/scenario/resolve.js';

const VARIANTS: Record<string, Record<string, unknown>[]> = {
  signal: [{}],
  session: [{ nodes: 40 }, { nodes: 75, swarmSize: 5 }],
  simplex: [{}, { relays: 9, proxyOnlyRelays: 3 }],
  matrix: [{ homeservers: 7 }],
  mixnet: [{}, { layers: 2, mixesPerLayer: 4, providers: 3 }],
};

describe('infraHosts', () => {
  it('covers every registered design', () => {
    expect(Object.keys(VARIANTS).sort()).toEqual([...DESIGNS.keys()].sort());
  });
  for (const [id, variants] of Object.entries(VARIANTS)) {
    it.each(variants)(`${id} %o: predicted = built`, (params) => {
      const raw = {
        duration: '2min',
        workload: { users: 30, contacts: 3, rate: '1/min' },
        designs: [{ design: id, ...params }],
      };
      const { scenario } = resolveScenario(raw, 'test.yaml');
      const item = scenario.designs[0];
      const mod = DESIGNS.get(id)!;
      const world = simulate(scenario, item, mod, new Streams(3));
      expect(mod.infraHosts(item.params)).toBe(world.built.infra.length);
    });
  }
});
