/** sweepCells: grid order, per-cell scenarios, stable names, cell validation at the value's line. */
import { describe, expect, it } from 'vitest';
import { formatProblem, type ScenarioError } from '../../src/scenario/errors.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { parseScenarioText } from '../../src/scenario/source.js';
import { sweepCells } from '../../src/scenario/sweep.js';

const RAW = {
  workload: { users: 100 },
  designs: [{ design: 'signal' }],
  adversaries: [{ kind: 'colluding' }, { kind: 'global-passive' }],
  sweep: { 'adversaries.0.fraction': [0.05, 0.1, 0.2], 'workload.users': [100, 200] },
};

/** The formatted problems of resolving scenario text (none when it resolves). */
function problemsOf(text: string): string[] {
  const src = parseScenarioText(text, 's.yaml');
  try {
    resolveScenario(src.raw, 's.yaml', src.positions);
    return [];
  } catch (e) {
    return (e as ScenarioError).problems.map(formatProblem);
  }
}

describe('sweepCells(scenario, raw)', () => {
  it('enumerates the grid row-major, first sweep key slowest', () => {
    const { scenario } = resolveScenario(RAW, 's.yaml');
    const cells = sweepCells(scenario, RAW);
    expect(cells.map((c) => c.sweep)).toEqual([
      [0.05, 100],
      [0.05, 200],
      [0.1, 100],
      [0.1, 200],
      [0.2, 100],
      [0.2, 200],
    ]);
    expect(cells.map((c) => c.cell)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cells[3].scenario.workload.users).toBe(200);
    expect(cells[3].scenario.adversaries[0]).toMatchObject({ kind: 'colluding', fraction: 0.1 });
    expect(cells[3].scenario.sweep).toEqual([]);
  });

  it('keeps one adversary name across cells when its size is swept', () => {
    const { scenario } = resolveScenario(RAW, 's.yaml');
    expect(scenario.adversaries.map((a) => a.name)).toEqual(['colluding', 'global-passive']);
    for (const c of sweepCells(scenario, RAW))
      expect(c.scenario.adversaries.map((a) => a.name)).toEqual(['colluding', 'global-passive']);
  });

  it('gives a scenario without a sweep exactly one cell', () => {
    const raw = { designs: [{ design: 'signal' }] };
    const { scenario } = resolveScenario(raw, 's.yaml');
    const cells = sweepCells(scenario, raw);
    expect(cells).toHaveLength(1);
    expect(cells[0].sweep).toEqual([]);
  });

  it('does not mutate the raw scenario', () => {
    const raw = structuredClone(RAW);
    const { scenario } = resolveScenario(raw, 's.yaml');
    sweepCells(scenario, raw);
    expect(raw).toEqual(RAW);
  });

  it('validates combinations: warmup swept past a duration fails only in that cell, at that value', () => {
    const text = 'duration: 10min\ndesigns:\n  - design: signal\nsweep:\n  warmup: [0s, 5min, 10min]\n';
    const msgs = problemsOf(text);
    expect(msgs).toEqual([
      's.yaml:5:22 warmup: "10min" is not before the end of the run; expected a duration less than duration ("10min")',
    ]);
  });

  it('sets designs.*.key on every design item alike', () => {
    const raw = {
      workload: { users: 50 },
      designs: [{ design: 'signal' }, { design: 'session' }, { design: 'simplex', name: 'sx' }],
      sweep: { 'designs.*.mixDelay': ['0s', '2s'] },
    };
    const { scenario } = resolveScenario(raw, 's.yaml');
    const cells = sweepCells(scenario, raw);
    expect(cells.map((c) => c.sweep)).toEqual([['0s'], ['2s']]);
    for (const d of cells[1].scenario.designs) expect(d.params.mixDelay).toBe(2e9);
    for (const d of cells[0].scenario.designs) expect(d.params.mixDelay).toBe(0);
    expect(cells[1].scenario.designs.map((d) => d.name)).toEqual(['signal', 'session', 'sx']);
  });

  it('names the item that lacks a key swept with designs.*', () => {
    const text = 'designs:\n  - design: signal\n  - design: mixnet\nsweep:\n  designs.*.coverRate: [0/s, 1/min]\n';
    const msgs = problemsOf(text);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toContain('designs.* covers item 1: designs.1 (mixnet) has no key "coverRate"');
  });
});
