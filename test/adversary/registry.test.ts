/** The adversary registry: each kind is one module (kinds/), and validation, views and list read it. */
import { describe, expect, it } from 'vitest';
import { makeView } from '../../src/adversary/adversaries.js';
import { ADVERSARIES, ADVERSARY_KINDS } from '../../src/adversary/registry.js';
import { listText } from '../../src/cli/list.js';
import { Streams } from '../../src/core/rng.js';
import type { BuiltDesign } from '../../src/designs/design.js';
import { formatProblem, ScenarioError } from '../../src/scenario/errors.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { ADVERSARY_KEYS } from '../../src/scenario/schema.js';

const built: BuiltDesign = {
  infra: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
  central: 12,
  realWorldIdentifier: 0,
  pushHosts: [],
};
const heldHosts = (held: Uint8Array) => [...held.keys()].filter((h) => held[h] === 1);

function problems(raw: unknown): string[] {
  try {
    resolveScenario(raw, 's.yaml');
    return [];
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map(formatProblem);
    throw e;
  }
}

describe('adversary registry', () => {
  it('every kind is validated, named, listed and keyed from its own module', () => {
    expect(ADVERSARY_KINDS).toEqual(['single', 'colluding', 'global-passive', 'none']);
    const list = listText('adversaries');
    for (const kind of ADVERSARIES.values()) {
      expect(ADVERSARY_KEYS[kind.kind as keyof typeof ADVERSARY_KEYS]).toEqual([
        'kind',
        'name',
        ...kind.fields.map((f) => f.name),
      ]);
      expect(list).toContain(`${kind.kind} — ${kind.summary}`);
      const { scenario } = resolveScenario({ adversaries: [{ kind: kind.kind }] }, 's.yaml');
      expect(scenario.adversaries[0].name).toBe(kind.defaultName(scenario.adversaries[0] as never));
    }
  });

  it('a key of another kind is refused with the kind it belongs to', () => {
    expect(problems({ adversaries: [{ kind: 'single', fraction: 0.2 }] })).toEqual([
      expect.stringMatching(/adversaries\.0\.fraction: .*fraction applies to kind colluding, not single/),
    ]);
  });

  it('views: single holds the central host; colluding sets are nested prefixes; global sees links', () => {
    const streams = new Streams(3);
    const single = makeView({ kind: 'single', name: 's', target: 'server' }, built, 20, streams);
    expect(heldHosts(single.held)).toEqual([12]);
    const small = makeView({ kind: 'colluding', name: 'c', fraction: 0.3 }, built, 20, streams);
    const large = makeView({ kind: 'colluding', name: 'c', count: 6 }, built, 20, streams);
    expect(heldHosts(small.held)).toHaveLength(3);
    expect(heldHosts(large.held)).toHaveLength(6);
    for (const h of heldHosts(small.held)) expect(large.held[h]).toBe(1);
    const global = makeView({ kind: 'global-passive', name: 'g' }, built, 20, streams);
    expect(global.global).toBe(true);
    expect(heldHosts(global.held)).toEqual([]);
    const none = makeView({ kind: 'none', name: 'n' }, built, 20, streams);
    expect(none.global).toBe(false);
    expect(heldHosts(none.held)).toEqual([]);
  });

  it("colluding count is checked against each design's own infrastructure (mixnet 13, SimpleX 18)", () => {
    const at = (design: string, count: number) =>
      problems({ designs: [{ design }], adversaries: [{ kind: 'colluding', count }] });
    expect(at('mixnet', 13)).toEqual([]);
    expect(at('mixnet', 14)).toEqual([
      expect.stringContaining('adversaries.0.count: 14 hosts is more than the 13 infrastructure hosts of mixnet'),
    ]);
    expect(at('simplex', 18)).toEqual([]);
    expect(at('simplex', 19)).toEqual([
      expect.stringContaining('19 hosts is more than the 18 infrastructure hosts of simplex'),
    ]);
  });
});
