/**
 * Every parameter of every design is held to its own spec (type, `min`, `max`, enum values; durations
 * and rates are never negative unless the spec's `min` says so) by the scenario layer, before the
 * design's `check` runs (src/scenario/resolve.ts calls `check` only once every value has passed its
 * spec): so a design's `check` never repeats those rules, and these are the messages a user gets.
 */
import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../../src/designs/registry.js';
import { type Problem, ScenarioError } from '../../src/scenario/errors.js';
import { expectedText } from '../../src/scenario/fields.js';
import { resolveScenario } from '../../src/scenario/resolve.js';

/** The problems of a scenario with one item of `design` setting `name: value` (small workload). */
function problems(design: string, name: string, value: number | string): Problem[] {
  try {
    resolveScenario({ workload: { users: 100 }, designs: [{ design, [name]: value }] }, 's.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
  return [];
}

describe('design integer parameters are bounded by their specs', () => {
  it('names the parameter, the value and the bound, and check() adds nothing', () => {
    const cases = [...DESIGNS.values()].flatMap((d) =>
      d.params.filter((s) => s.type === 'int' && s.min !== undefined).map((s) => ({ d: d.id, s })),
    );
    expect(cases.length).toBeGreaterThan(20);
    for (const { d, s } of cases) {
      const min = s.min as number;
      const path = `designs.0.${s.name}`;
      expect(problems(d, s.name, min - 1).map((p) => [p.path, p.message, p.expected])).toEqual([
        [path, `${min - 1} is too small`, expectedText(s)],
      ]);
      expect(problems(d, s.name, min + 0.5).map((p) => [p.path, p.message])).toEqual([
        [path, `${min + 0.5} is not an integer`],
      ]);
    }
  });

  it('rejects an unknown name, a fraction out of [0, 1], a number under its min, a negative duration or rate', () => {
    const at = (d: string, name: string, v: number | string) =>
      problems(d, name, v).map((p) => `${p.path}: ${p.message}`);
    let n = 0;
    for (const d of DESIGNS.values())
      for (const s of d.params) {
        const path = `designs.0.${s.name}`;
        if (s.type === 'enum') expect(at(d.id, s.name, 'nope')).toEqual([`${path}: unknown value "nope"`]);
        else if (s.type === 'fraction') expect(at(d.id, s.name, 2)).toEqual([`${path}: 2 is too large`]);
        else if (s.type === 'number' && s.min !== undefined)
          expect(at(d.id, s.name, s.min - 1)).toEqual([`${path}: ${s.min - 1} is too small`]);
        else if (s.type === 'duration' && (s.min === undefined || s.min >= 0))
          expect(at(d.id, s.name, '-1s')).toEqual([`${path}: "-1s" is negative`]);
        else if (s.type === 'rate') expect(at(d.id, s.name, '-1/s')).toEqual([`${path}: rate "-1/s" is negative`]);
        else continue;
        n++;
      }
    expect(n).toBeGreaterThan(20);
  });

  it('rejects zero for a duration that must be positive (exclusive lower bound), before check() runs', () => {
    const cases = [...DESIGNS.values()].flatMap((d) =>
      d.params.filter((s) => s.type === 'duration' && s.minExclusive).map((s) => ({ d: d.id, s })),
    );
    expect(cases.map(({ d, s }) => `${d}.${s.name}`)).toEqual([
      'signal.keepaliveInterval',
      'session.pollInterval',
      'session.groupPollInterval',
      'simplex.pingInterval',
      'matrix.syncTimeout',
      'mixnet.fetchInterval',
    ]);
    for (const { d, s } of cases)
      expect(problems(d, s.name, '0s').map((p) => [p.path, p.message, p.expected])).toEqual([
        [`designs.0.${s.name}`, '"0s" is zero', expectedText(s)],
      ]);
  });

  it('reads as the user sees it', () => {
    const [p] = problems('session', 'nodes', 0);
    expect(`${p.path}: ${p.message}; expected ${p.expected}`).toBe(
      'designs.0.nodes: 0 is too small; expected an integer ≥ 1',
    );
    const [g] = problems('session', 'guards', 1.5);
    expect(`${g.path}: ${g.message}; expected ${g.expected}`).toBe(
      'designs.0.guards: 1.5 is not an integer; expected an integer ≥ 0',
    );
    const [z] = problems('matrix', 'placement', 'ring');
    expect(`${z.path}: ${z.message}; expected ${z.expected}`).toBe(
      'designs.0.placement: unknown value "ring"; expected one of uniform | zipf',
    );
    const [k] = problems('signal', 'keepaliveInterval', '0s');
    expect(`${k.path}: ${k.message}; expected ${k.expected}`).toBe(
      'designs.0.keepaliveInterval: "0s" is zero; expected a duration > 0s with a unit (ns us ms s min h d), e.g. "50ms", "10min"',
    );
  });
});
