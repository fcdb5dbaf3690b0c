/** resolveScenario / loadScenario: defaults, units, positions, registries and the shipped scenarios. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACKS } from '../../src/attacks/registry.js';
import { HOUR, MIN, MS, SEC } from '../../src/core/time.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { formatProblem, ScenarioError } from '../../src/scenario/errors.js';
import { formatRate, resolveDefault } from '../../src/scenario/fields.js';
import { loadScenario } from '../../src/scenario/load.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { parseScenarioText } from '../../src/scenario/source.js';
import { scenarioToPlain, scenarioToYaml } from '../../src/scenario/to-yaml.js';

function problems(text: string, format: 'yaml' | 'json' = 'yaml'): string[] {
  try {
    const src = parseScenarioText(text, 's.yaml', format);
    resolveScenario(src.raw, 's.yaml', src.positions);
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

describe('resolveScenario(raw)', () => {
  it('fills every documented default from an empty mapping', () => {
    const { scenario: s, warnings } = resolveScenario({}, 'dir/empty.yaml');
    // The default colluding 10 % holds few of SimpleX's and the mixnet's hosts: warned.
    expect(warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "adversaries.1.fraction: 10 % holds only 2 of simplex's 18, 1 of mixnet's 13 infrastructure hosts (round(fraction × hosts), at least 1)",
    ]);
    expect(s.name).toBe('empty');
    expect([s.seed, s.replicates, s.duration, s.warmup]).toEqual([1, 1, HOUR, 0]);
    expect(s.workload.users).toBe(1000);
    expect(s.workload.rate).toBeCloseTo(1 / (10 * MIN), 20);
    expect(s.workload.thinkTime.mean).toBeCloseTo(30 * SEC);
    expect(s.workload.messageSize.text).toBe('lognormal(80, 1)');
    expect(s.network.latency.mean).toBeCloseTo(40 * MS);
    expect(s.designs.map((d) => d.design)).toEqual([...DESIGNS.keys()]);
    expect(s.adversaries).toEqual([
      { kind: 'single', target: 'server', name: 'single-server' },
      { kind: 'colluding', fraction: 0.1, name: 'colluding-10%' },
      { kind: 'global-passive', name: 'global-passive' },
    ]);
    expect(s.attacks).toEqual([...ATTACKS.keys()]);
    expect(s.sweep).toEqual([]);
  });

  it('names adversaries by kind and size', () => {
    const { scenario } = resolveScenario(
      {
        adversaries: [
          { kind: 'colluding', fraction: 0.01 },
          { kind: 'colluding', count: 5 },
          { kind: 'single', target: 'random' },
          { kind: 'colluding', fraction: 0.333, name: 'third' },
        ],
      },
      's.yaml',
    );
    expect(scenario.adversaries.map((a) => a.name)).toEqual([
      'colluding-1%',
      'colluding-5-hosts',
      'single-random',
      'third',
    ]);
  });

  it('resolves design parameters by their ParamSpec and runs the module check', () => {
    const { scenario } = resolveScenario(
      { designs: [{ design: 'session', pollInterval: '2s', processing: '0s' }] },
      's.yaml',
    );
    const d = scenario.designs[0];
    expect(d.params.pollInterval).toBe(2 * SEC);
    expect(d.processing.mean).toBe(0);
    expect(Object.keys(d.params).sort()).toEqual(
      DESIGNS.get('session')!
        .params.map((p) => p.name)
        .sort(),
    );
  });

  it('points problems in JSON at the key', () => {
    expect(problems('{\n  "workload": {\n    "users": 1\n  }\n}\n', 'json')).toEqual([
      's.yaml:3:5 workload.users: 1 is too small; expected an integer in [2, 10000000]',
    ]);
  });

  it('rejects a sweep grid over the cell limit', () => {
    const values = Array.from({ length: 200 }, (_, i) => i + 2);
    const text = `sweep:\n  workload.users: [${values.join(', ')}]\n  seed: [${values.join(', ')}]\n`;
    expect(problems(text)).toEqual([
      's.yaml:1:1 sweep: the grid has 40000 cells; expected at most 10000 cells (product of value counts)',
    ]);
  });

  it('rejects repeated sweep values', () => {
    expect(problems('sweep:\n  workload.users: [10, 10]\n')).toEqual([
      's.yaml:2:24 sweep.workload.users.1: 10 appears twice; expected each value once (cells would repeat)',
    ]);
  });

  it('warns when many messages are expected', () => {
    const { warnings } = resolveScenario({ duration: '30d', workload: { users: 100000 } }, 's.yaml');
    expect(warnings.map((w) => w.message).filter((m) => !m.includes('infrastructure hosts'))).toEqual([
      expect.stringMatching(/^about [\d,]+ message deliveries/),
    ]);
  });
});

describe('registries', () => {
  it('every design and attack default resolves (a bad default is a module bug)', () => {
    for (const d of DESIGNS.values()) {
      for (const p of d.params) expect(() => resolveDefault(p), `${d.id}.${p.name}`).not.toThrow();
      expect(() =>
        resolveDefault({
          name: 'processing',
          type: 'dist',
          default: d.processing.default,
          description: '',
          source: '',
        }),
      ).not.toThrow();
    }
    for (const a of ATTACKS.values())
      for (const p of a.params) expect(() => resolveDefault(p), `${a.id}.${p.name}`).not.toThrow();
  });
});

describe('formatRate(perNs)', () => {
  it('round-trips through the scenario text', () => {
    expect(formatRate(1 / (10 * MIN))).toBe('1/10min');
    expect(formatRate(1 / HOUR)).toBe('1/h');
    expect(formatRate(6 / HOUR)).toBe('1/10min');
    expect(formatRate(7 / HOUR)).toBe('7/h');
    expect(formatRate(0)).toBe('0/s');
  });
});

describe('scenarioToYaml(resolved)', () => {
  it('resolves back to the same scenario', () => {
    const raw = {
      duration: '45min',
      warmup: '90s',
      workload: { users: 300, rate: '7/h', online: { model: 'sessions' } },
      designs: [{ design: 'simplex', relays: 9 }, { design: 'signal' }],
      adversaries: [{ kind: 'colluding', count: 3 }, { kind: 'none' }],
      sweep: { 'adversaries.0.count': [1, 2, 3] },
    };
    const a = resolveScenario(raw, 'x.yaml').scenario;
    const src = parseScenarioText(scenarioToYaml(a), 'x.yaml');
    const b = resolveScenario(src.raw, 'x.yaml', src.positions).scenario;
    expect(scenarioToPlain(b)).toEqual(scenarioToPlain(a));
    expect(scenarioToYaml(b)).toBe(scenarioToYaml(a));
  });
});

describe('scenarios/*.yaml', () => {
  const dir = join(process.cwd(), 'scenarios');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

  it('ships the documented scenarios', () => {
    for (const f of [
      'default.yaml',
      'colluding-sweep.yaml',
      'sealed-sender-receipts.yaml',
      'session-guards.yaml',
      'simplex-routing-modes.yaml',
      'matrix-homeserver-concentration.yaml',
      'large.yaml',
    ])
      expect(files).toContain(f);
  });

  for (const f of files) {
    it(`${f} validates and starts with a header comment saying what it answers and how to run it`, () => {
      const loaded = loadScenario(join(dir, f));
      expect(loaded.scenario.name).toBe(f.replace(/\.ya?ml$/, ''));
      const head = loadHeader(join(dir, f));
      expect(head).toMatch(/Question:/);
      expect(head).toContain(`anonsim run scenarios/${f}`);
    });
  }
});

function loadHeader(path: string): string {
  const text = readFileSync(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .join('\n');
}
