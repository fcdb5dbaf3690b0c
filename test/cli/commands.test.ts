/** `anonsim validate`, `list`, `--set`, flag errors and exit codes, in-process through main(). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ATTACKS } from '../../src/attacks/registry.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { cli, tempDir, writeScenario } from './helpers.js';

const SMALL =
  'name: small\nduration: 10min\nworkload:\n  users: 50\ndesigns:\n  - design: signal\n  - design: session\n';

describe('anonsim validate', () => {
  it('prints the resolved scenario with every default filled in, exit 0', async () => {
    const file = writeScenario(tempDir(), SMALL);
    const r = await cli(['validate', file]);
    expect(r.code, r.err).toBe(0);
    type Item = Record<string, unknown> & { name: string; design: string };
    const y = parse(r.out) as {
      name: string;
      seed: number;
      replicates: number;
      duration: string;
      warmup: string;
      workload: Record<string, unknown>;
      network: { latency: string };
      designs: Item[];
      adversaries: Item[];
      attacks: string[];
      attackParams: Record<string, unknown>;
    };
    expect(y.name).toBe('small');
    expect(y.seed).toBe(1);
    expect(y.replicates).toBe(1);
    expect(y.duration).toBe('10min');
    expect(y.warmup).toBe('0s');
    expect(y.workload).toMatchObject({
      users: 50,
      contacts: 8,
      rate: '1/10min',
      replyProbability: 0.5,
      thinkTime: 'exp(30s)',
      messageSize: 'lognormal(80, 1)',
      groups: { count: 0, size: 8, rate: '1/h' },
      online: { model: 'always' },
      platforms: { android: 0.5, ios: 0.3 },
    });
    expect(y.network.latency).toBe('uniform(20ms, 60ms)');
    expect(y.designs.map((d) => d.name)).toEqual(['signal', 'session']);
    for (const d of y.designs) {
      const mod = DESIGNS.get(d.design)!;
      expect(d.processing).toBe(mod.processing.default);
      for (const p of mod.params) expect(d, `${d.design}.${p.name}`).toHaveProperty(p.name);
    }
    expect(y.adversaries.map((a) => a.name)).toEqual(['single-server', 'colluding-10%', 'global-passive']);
    expect(y.attacks).toEqual([...ATTACKS.keys()]);
    expect(Object.keys(y.attackParams)).toEqual([...ATTACKS.keys()]);
  });

  it('accepts its own output as a scenario (round trip)', async () => {
    const dir = tempDir();
    const first = await cli(['validate', writeScenario(dir, SMALL)]);
    const again = await cli(['validate', writeScenario(dir, first.out, 'resolved.yaml')]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toBe(first.out);
  });

  it('reads JSON', async () => {
    const file = writeScenario(
      tempDir(),
      JSON.stringify({ name: 'j', duration: '5min', designs: [{ design: 'signal' }] }),
      's.json',
    );
    const r = await cli(['validate', file]);
    expect(r.code, r.err).toBe(0);
    expect(parse(r.out).duration).toBe('5min');
  });

  it('warns on stderr about an adversary that observes nothing, still exit 0', async () => {
    const file = writeScenario(tempDir(), `${SMALL}adversaries:\n  - kind: none\n`);
    const r = await cli(['validate', file]);
    expect(r.code).toBe(0);
    expect(r.lines.filter((l) => !l.startsWith('anonsim: '))).toEqual([
      `${file}:9:5 adversaries.0: warning: kind none observes nothing, so its rows only show the no-information baseline (top1 = 1/users); remove it or keep it deliberately as a baseline`,
    ]);
  });

  it('names the scenario after its file when name is left out', async () => {
    const file = writeScenario(tempDir(), 'duration: 5min\n', 'my-study.yaml');
    const r = await cli(['validate', file]);
    expect(parse(r.out).name).toBe('my-study');
  });
});

describe('anonsim list', () => {
  it('prints every design, adversary kind and attack with every parameter, default and source', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    for (const d of DESIGNS.values()) {
      expect(r.out).toContain(`${d.id} — ${d.summary}`);
      for (const p of d.params) {
        expect(r.out).toMatch(
          new RegExp(`\\n  ${p.name}  .*default ${String(p.default).replace(/[()|.*+?]/g, '\\$&')}`),
        );
        expect(r.out).toContain(`source: ${p.source.split(' ')[0]}`);
      }
    }
    for (const a of ATTACKS.values()) {
      expect(r.out).toContain(`${a.id} — ${a.summary}`);
      for (const p of a.params) expect(r.out).toContain(`  ${p.name}  `);
    }
    for (const k of ['single', 'colluding', 'global-passive', 'none']) expect(r.out).toContain(`\n${k} — `);
    expect(r.out).toContain('fraction  number (0, 1]  default 0.1');
  });

  it('shows one design, adversary kind or attack by name', async () => {
    const d = await cli(['list', 'simplex']);
    expect(d.code, d.err).toBe(0);
    expect(d.out).toMatch(/^simplex — /m);
    for (const p of DESIGNS.get('simplex')!.params) expect(d.out).toContain(`  ${p.name}  `);
    for (const other of ['signal', 'session', 'matrix', 'mixnet'])
      expect(d.out).not.toMatch(new RegExp(`^${other} — `, 'm'));
    expect(d.out).not.toContain('ATTACKS');
    const a = await cli(['list', 'colluding']);
    expect(a.out).toMatch(/^colluding — /m);
    expect(a.out).not.toMatch(/^single — /m);
    const t = await cli(['list', 'timing']);
    expect(t.out).toMatch(/^timing — /m);
    expect(t.out).not.toMatch(/^flow — /m);
    const sda = await cli(['list', 'sda']);
    expect(sda.code).toBe(2);
    expect(sda.lines[0]).toMatch(/\(did you mean disclosure\?\)$/);
  });

  it('list --help names --reference', async () => {
    const h = await cli(['list', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('--reference');
  });

  it('lists one category', async () => {
    const r = await cli(['list', 'attacks']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('ATTACKS')).toBe(true);
    expect(r.out).not.toContain('DESIGNS');
  });

  it('rejects an unknown category with a suggestion, exit 2', async () => {
    const r = await cli(['list', 'desings']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `argv:1:2 desings: unknown list or name "desings"; expected one of designs, adversaries, attacks, or a name: ${[
        ...DESIGNS.keys(),
        'single',
        'colluding',
        'global-passive',
        'none',
        ...ATTACKS.keys(),
      ].join(', ')} (did you mean designs?)`,
    ]);
  });
});

describe('command-line errors', () => {
  it('unknown command → exit 2 with a suggestion', async () => {
    const r = await cli(['rnu', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'argv:1:1 rnu: unknown command "rnu"; expected one of run, attack, validate, list, view, compare, merge, figures, tables (did you mean run?)',
    ]);
  });

  it('unknown flag → exit 2 at its position', async () => {
    const r = await cli(['run', 'x.yaml', '--quite']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'argv:1:3 --quite: unknown option "--quite"; expected an option of anonsim run [options] <scenario> (see --help) (did you mean --quiet?)',
    ]);
  });

  it('missing scenario argument → exit 2', async () => {
    const r = await cli(['validate']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual(['argv:1:2 <scenario>: is missing; expected anonsim validate [options] <scenario>']);
  });

  it('no command → exit 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toBe(
      'argv:1:1 (command): no command given; expected one of run, attack, validate, list, view, compare, merge, figures, tables (see anonsim --help)',
    );
  });

  it('--help and --version exit 0', async () => {
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('run [options] <scenario>');
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('bad flag values are all reported together with the scenario problems', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'duration: 5 parsecs\n');
    const r = await cli(['run', file, '--seed', 'x', '--workers', '0', '--set', 'nothing', '-o', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'argv:1:3 --seed: "x" is not allowed; expected an integer in [0, 9007199254740991]',
      'argv:1:5 --workers: "0" is not allowed; expected an integer in [1, 1024]',
      'argv:1:7 --set: "nothing" is not PATH=VALUE; expected PATH=VALUE, e.g. --set workload.users=5000 or --set designs.1.nodes=500',
      `${file}:1:1 duration: unknown time unit "parsecs" in "5 parsecs"; expected a number with a unit, e.g. "50ms", "1.5 s", "10min", "2h", "1d"`,
    ]);
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });

  it('view refuses a folder that does not exist and a bad port', async () => {
    const dir = tempDir();
    const r = await cli(['view', join(dir, 'nope'), '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `argv:1:2 ${join(dir, 'nope')}: does not exist; expected a results folder written by anonsim run, merge or compare`,
      'argv:1:3 --port: "70000" is not a port; expected an integer in [0, 65535] (0: any free port)',
    ]);
  });

  it('view refuses a folder without results instead of serving an empty viewer', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const r = await cli(['view', dir]);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `argv:1:2 ${dir}: has no results (no summary.csv or compare.csv); expected a results folder written by anonsim run, merge or compare`,
    ]);
  });

  it('view serves a results folder on loopback and stops on abort', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'summary.csv'), 'design,adversary,attack\n');
    const ac = new AbortController();
    let url = '';
    const pending = (async () => {
      let out = '';
      const { main } = await import('../../src/cli/main.js');
      const code = await main(['node', 'anonsim', 'view', dir, '--port', '0'], {
        out: (t) => {
          out += t;
          url = out.trim();
        },
        err: () => {},
        isTTY: false,
        signal: ac.signal,
      });
      return code;
    })();
    for (let i = 0; i < 200 && !url; i++) await new Promise((r) => setTimeout(r, 10));
    if (!existsSync(join(process.cwd(), 'dist/viewer/index.html'))) {
      ac.abort();
      await pending;
      return;
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    ac.abort();
    expect(await pending).toBe(0);
  });
});

describe('--set', () => {
  it('overrides keys before validation; bad overrides point at their argument', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, SMALL);
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    const r = await cli([
      'run',
      file,
      '-o',
      outDir,
      '--set',
      'workload.users=1',
      '--set',
      'designs.1.nodes=abc',
      '--set',
      'designs.4.nodes=5',
    ]);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'argv:1:9 designs.4.nodes: there is no item 4 in designs (it has 2 items, numbered from 0); expected an index below 2',
      'argv:1:5 workload.users: 1 is too small; expected an integer in [2, 10000000]',
      'argv:1:7 designs.1.nodes: "abc" is not a number; expected an integer ≥ 1',
    ]);
  });
});
