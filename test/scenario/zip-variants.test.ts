/**
 * Zipped sweeps (keys that move together, beside grid keys), per-design sweeps (variants of one
 * design item) and `compare:` pairs: what they expand to, and their problems in the house style.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatProblem, type ScenarioError } from '../../src/scenario/errors.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { parseScenarioText } from '../../src/scenario/source.js';
import { sweepCells } from '../../src/scenario/sweep.js';
import { scenarioToYaml } from '../../src/scenario/to-yaml.js';

function resolveText(text: string) {
  const src = parseScenarioText(text, 's.yaml');
  return { ...resolveScenario(src.raw, 's.yaml', src.positions), raw: src.raw };
}

function problemsOf(text: string): string[] {
  try {
    resolveText(text);
    return [];
  } catch (e) {
    return (e as ScenarioError).problems.map(formatProblem);
  }
}

const BASE = 'duration: 5min\nworkload: { users: 50 }\n';

describe('zipped sweeps', () => {
  const text = `${BASE}designs:
  - design: simplex
  - design: session
    nodes: 60
sweep:
  warmup: [0s, 1min]
  zip:
    designs.0.privateRouting: [always, never]
    designs.1.guards: [2, 0]
`;

  it('moves zipped keys together and crosses the group with grid keys (2 × 2 cells, not 2 × 2 × 2)', () => {
    const { scenario, raw } = resolveText(text);
    const cells = sweepCells(scenario, raw);
    expect(cells.map((c) => c.sweep)).toEqual([
      ['0s', 'always', 2],
      ['0s', 'never', 0],
      ['1min', 'always', 2],
      ['1min', 'never', 0],
    ]);
    expect(cells[1].scenario.designs[0].params.privateRouting).toBe('never');
    expect(cells[1].scenario.designs[1].params.guards).toBe(0);
    expect(cells[2].scenario.warmup).toBe(60e9);
    expect(scenario.sweep.map((s) => s.path)).toEqual(['warmup', 'designs.0.privateRouting', 'designs.1.guards']);
  });

  it('prints zip groups back so the resolved scenario resolves to the same cells', () => {
    const { scenario, raw } = resolveText(text);
    const yaml = scenarioToYaml(scenario);
    expect(parse(yaml).sweep).toEqual({
      warmup: ['0s', '1min'],
      zip: { 'designs.0.privateRouting': ['always', 'never'], 'designs.1.guards': [2, 0] },
    });
    const again = resolveText(yaml);
    expect(sweepCells(again.scenario, again.raw).map((c) => c.sweep)).toEqual(
      sweepCells(scenario, raw).map((c) => c.sweep),
    );
  });

  it('takes a list of zip groups, each one dimension', () => {
    const { scenario, raw } = resolveText(
      `${BASE}designs: [{ design: signal }]\nsweep:\n  zip:\n    - { workload.users: [50, 60], duration: [5min, 6min] }\n    - { warmup: [0s, 1min], seed: [1, 2] }\n`,
    );
    expect(sweepCells(scenario, raw).map((c) => c.sweep)).toEqual([
      [50, '5min', '0s', 1],
      [50, '5min', '1min', 2],
      [60, '6min', '0s', 1],
      [60, '6min', '1min', 2],
    ]);
  });

  it('reports uneven lists, repeated steps, keys swept twice and bad paths at their lines', () => {
    expect(
      problemsOf(`${BASE}designs: [{ design: signal }]\nsweep:\n  zip:\n    warmup: [0s, 1min]\n    seed: [1, 2, 3]\n`),
    ).toEqual([
      's.yaml:5:3 sweep.zip: the lists have different lengths (warmup: 2, seed: 3); expected lists of one length: the i-th values of every key form step i of the group',
    ]);
    expect(
      problemsOf(`${BASE}designs: [{ design: signal }]\nsweep:\n  zip:\n    warmup: [0s, 0s]\n    seed: [1, 1]\n`),
    ).toEqual(['s.yaml:6:18 sweep.zip.warmup.1: step 1 repeats step 0; expected distinct steps (cells would repeat)']);
    expect(
      problemsOf(
        `${BASE}designs: [{ design: signal }]\nsweep:\n  seed: [1, 2]\n  zip:\n    seed: [3, 4]\n    warmup: [0s, 1min]\n`,
      ),
    ).toEqual([
      's.yaml:7:5 sweep.zip.seed: seed is swept twice; expected each key path in one place: the grid or one zip group',
    ]);
    expect(problemsOf(`${BASE}designs: [{ design: signal }]\nsweep:\n  zip:\n    workload.usrs: [5, 6]\n`)).toEqual([
      expect.stringMatching(
        /^s\.yaml:6:5 sweep\.zip\.workload\.usrs: workload has no key "usrs"; expected a key path .* \(did you mean users\?\)$/,
      ),
    ]);
  });

  it('reports a value that is invalid in one zipped cell at that value', () => {
    expect(
      problemsOf(
        `${BASE}designs: [{ design: signal }]\nsweep:\n  zip:\n    workload.users: [50, 1]\n    seed: [1, 2]\n`,
      ),
    ).toEqual(['s.yaml:6:26 workload.users: 1 is too small; expected an integer in [2, 10000000]']);
  });
});

describe('per-design sweeps', () => {
  const text = `${BASE}designs:
  - design: simplex
    sweep: { privateRouting: [always, never] }
  - design: session
    nodes: 60
    sweep: { guards: [2, 0] }
  - design: signal
`;

  it('expands an item into variants of that design only, compared with its first variant', () => {
    const { scenario } = resolveText(text);
    expect(scenario.designs.map((d) => d.name)).toEqual([
      'simplex[privateRouting=always]',
      'simplex[privateRouting=never]',
      'session[guards=2]',
      'session[guards=0]',
      'signal',
    ]);
    expect(scenario.designs.map((d) => d.params.privateRouting ?? d.params.guards ?? null)).toEqual([
      'always',
      'never',
      2,
      0,
      null,
    ]);
    expect(scenario.designs[3].params.nodes).toBe(60);
    expect(scenario.sweep).toEqual([]);
    expect(scenario.compare).toEqual([
      { a: 'simplex[privateRouting=always]', b: 'simplex[privateRouting=never]' },
      { a: 'session[guards=2]', b: 'session[guards=0]' },
    ]);
  });

  it('crosses several keys of one item (first key slowest) and keeps a given name as the stem', () => {
    const { scenario } = resolveText(
      `${BASE}designs:\n  - design: session\n    name: s\n    nodes: 60\n    sweep: { guards: [2, 0], pathLength: [3, 4] }\n`,
    );
    expect(scenario.designs.map((d) => d.name)).toEqual([
      's[guards=2,pathLength=3]',
      's[guards=2,pathLength=4]',
      's[guards=0,pathLength=3]',
      's[guards=0,pathLength=4]',
    ]);
  });

  it('round-trips through the resolved YAML (variants written out, pairs explicit)', () => {
    const { scenario } = resolveText(text);
    const again = resolveText(scenarioToYaml(scenario)).scenario;
    expect(again.designs.map((d) => d.name)).toEqual(scenario.designs.map((d) => d.name));
    expect(again.compare).toEqual(scenario.compare);
  });

  it('reports unknown keys, keys given twice and bad values at their lines', () => {
    expect(problemsOf(`${BASE}designs:\n  - design: simplex\n    sweep: { privateRouteing: [always] }\n`)).toEqual([
      expect.stringMatching(
        /^s\.yaml:5:14 designs\.0\.sweep\.privateRouteing: simplex has no parameter "privateRouteing"; expected one of processing, relays, .* \(did you mean privateRouting\?\)$/,
      ),
    ]);
    expect(
      problemsOf(
        `${BASE}designs:\n  - design: simplex\n    privateRouting: never\n    sweep: { privateRouting: [always] }\n`,
      ),
    ).toEqual([
      's.yaml:6:14 designs.0.sweep.privateRouting: privateRouting is given both in the item and in its sweep; expected the key in one place',
    ]);
    expect(
      problemsOf(`${BASE}designs:\n  - design: simplex\n    sweep: { privateRouting: [always, sometimes] }\n`),
    ).toEqual([
      's.yaml:5:39 designs.0.sweep.privateRouting.1: unknown value "sometimes"; expected one of always | unknown | never',
    ]);
  });
});

describe('compare:', () => {
  it('takes explicit pairs of design names and reports unknown names with a suggestion', () => {
    const ok = resolveText(
      `${BASE}designs:\n  - { design: simplex, name: pr }\n  - { design: simplex, name: nopr, privateRouting: never }\ncompare:\n  - [pr, nopr]\n`,
    );
    expect(ok.scenario.compare).toEqual([{ a: 'pr', b: 'nopr' }]);
    expect(
      problemsOf(
        `${BASE}designs:\n  - { design: simplex, name: pr }\n  - { design: simplex, name: nopr, privateRouting: never }\ncompare:\n  - [pr, nopt]\n  - [pr, pr]\n  - pr\n`,
      ),
    ).toEqual([
      's.yaml:7:10 compare.0.1: no design item is named "nopt"; expected one of pr, nopr (did you mean nopr?)',
      's.yaml:8:10 compare.1.1: "pr" is compared with itself; expected two different design items',
      's.yaml:9:5 compare.2: "pr" is not a pair; expected a list of [baseline, other] pairs of design item names, e.g. - [simplex, simplex-nopr]',
    ]);
  });
});
