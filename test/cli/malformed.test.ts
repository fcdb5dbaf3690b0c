/**
 * Malformed scenarios through the real CLI (`anonsim run`, in-process): each must exit 2,
 * print one problem line per problem in the `<file>:<line>:<col> <path>: <what>; expected <what>`
 * format with the stated text, and leave no output folder behind.
 */
import { closeSync, existsSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writeScenario } from './helpers.js';

const LINE = /^(\S+):(\d+):(\d+) (\S+): (.+)$/;

interface Case {
  name: string;
  yaml: string;
  /** Substrings, each expected in some stderr line (with its `:line:col path:` prefix when given). */
  expect: string[];
  file?: string;
}

const OK_BASE = 'duration: 10min\nworkload:\n  users: 50\ndesigns:\n  - design: signal\n';

const CASES: Case[] = [
  { name: 'not YAML', yaml: 'a: [1, 2\nb: 3\n', expect: ['(file): ', 'expected valid YAML'] },
  {
    name: 'a list, not an object',
    yaml: '- 1\n- 2\n',
    expect: [':1:1 (root): a list is not a mapping; expected a mapping of scenario keys'],
  },
  { name: 'a scalar, not an object', yaml: 'hello\n', expect: ['(root): "hello" is not a mapping'] },
  { name: 'an empty file', yaml: '', expect: [':1:1 (root): the file is empty; expected a mapping of scenario keys'] },
  {
    name: 'unknown top-level key',
    yaml: `${OK_BASE}nmae: x\n`,
    expect: [':6:1 nmae: unknown key "nmae"; expected one of name, seed,', '(did you mean name?)'],
  },
  {
    name: 'misspelt design',
    yaml: 'designs:\n  - design: signl\n',
    expect: [
      ':2:5 designs.0.design: unknown design "signl"; expected one of signal | session | simplex | matrix | mixnet (did you mean signal?)',
    ],
  },
  {
    name: 'unknown design parameter',
    yaml: 'designs:\n  - design: signal\n    sealedSendr: true\n',
    expect: [
      ':3:5 designs.0.sealedSendr: unknown key "sealedSendr"; expected one of design, name, processing,',
      '(did you mean sealedSender?)',
    ],
  },
  {
    name: 'parameter of another design',
    yaml: 'designs:\n  - design: signal\n    relays: 5\n',
    expect: ['designs.0.relays: unknown key "relays" (a parameter of simplex, not of signal)'],
  },
  {
    name: 'string where an integer belongs',
    yaml: `${OK_BASE.replace('users: 50', 'users: many')}`,
    expect: [':3:3 workload.users: "many" is not a number; expected an integer in [2, 10000000]'],
  },
  {
    name: 'non-integer users',
    yaml: `${OK_BASE.replace('users: 50', 'users: 50.5')}`,
    expect: ['workload.users: 50.5 is not an integer; expected an integer in [2, 10000000]'],
  },
  {
    name: 'yes is not a boolean (YAML 1.2)',
    yaml: 'designs:\n  - design: signal\n    sealedSender: yes\n',
    expect: ['designs.0.sealedSender: "yes" is not a boolean; expected true or false'],
  },
  {
    name: 'negative duration',
    yaml: 'duration: -5min\n',
    expect: [':1:1 duration: "-5min" is negative; expected a duration in (0s, 100d] with a unit (ns us ms s min h d)'],
  },
  {
    name: 'zero duration',
    yaml: 'duration: 0s\n',
    expect: ['duration: "0s" is zero; expected a duration in (0s, 100d]'],
  },
  {
    name: 'bad unit',
    yaml: 'duration: 5 parsecs\n',
    expect: ['duration: unknown time unit "parsecs" in "5 parsecs"; expected a number with a unit'],
  },
  {
    name: 'plural unit: did you mean',
    yaml: 'duration: 30 mins\n',
    expect: [
      ':1:1 duration: unknown time unit "mins" in "30 mins"; expected a number with a unit, e.g. "50ms", "1.5 s", "10min", "2h", "1d" (did you mean "30min"?)',
    ],
  },
  {
    name: 'spelled-out unit in a rate: did you mean',
    yaml: 'workload:\n  rate: 1/10 minutes\n',
    expect: ['workload.rate: "1/10 minutes" has an unknown time unit "10 minutes"', '(did you mean "1/10min"?)'],
  },
  {
    name: 'number without unit',
    yaml: 'duration: 3600\n',
    expect: ['duration: bare number 3600 has no unit; expected a number with a unit'],
  },
  { name: 'negative warmup', yaml: 'warmup: -1s\n', expect: ['warmup: "-1s" is negative; expected a duration ≥ 0s'] },
  {
    name: 'distribution with a missing argument',
    yaml: 'network:\n  latency: uniform(20ms)\n',
    expect: [
      ':2:3 network.latency: uniform(…) takes 2 arguments, got "uniform(20ms)"; expected a duration ("30ms") or const(d)',
    ],
  },
  {
    name: 'unknown distribution',
    yaml: 'network:\n  latency: gauss(1ms, 2ms)\n',
    expect: ['network.latency: unknown distribution "gauss" in "gauss(1ms, 2ms)"'],
  },
  {
    name: 'distribution bounds reversed',
    yaml: 'network:\n  latency: uniform(60ms, 20ms)\n',
    expect: ['network.latency: uniform(a, b) needs 0 ≤ a ≤ b, got "uniform(60ms, 20ms)"'],
  },
  {
    name: 'distribution argument without unit',
    yaml: 'workload:\n  thinkTime: exp(30)\n',
    expect: ['workload.thinkTime: "30" in "exp(30)" is not a duration'],
  },
  {
    name: 'fraction zero',
    yaml: 'adversaries:\n  - kind: colluding\n    fraction: 0\n',
    expect: [':3:5 adversaries.0.fraction: 0 is too small; expected a number in (0, 1]'],
  },
  {
    name: 'fraction above one',
    yaml: 'adversaries:\n  - kind: colluding\n    fraction: 1.5\n',
    expect: ['adversaries.0.fraction: 1.5 is too large; expected a number in (0, 1]'],
  },
  {
    name: 'count larger than the smallest node set',
    yaml: 'designs:\n  - design: signal\n  - design: simplex\n    relays: 10\n    proxyOnlyRelays: 2\n  - design: session\nadversaries:\n  - kind: colluding\n    count: 20\n',
    expect: [
      ':9:5 adversaries.0.count: 20 hosts is more than the 11 infrastructure hosts of simplex (designs.1); expected an integer in [1, 11], or a fraction',
    ],
  },
  {
    name: 'fraction and count together',
    yaml: 'adversaries:\n  - kind: colluding\n    fraction: 0.1\n    count: 3\n',
    expect: ['adversaries.0.count: fraction and count are both given; expected either fraction or count, not both'],
  },
  {
    name: 'key of another adversary kind',
    yaml: 'adversaries:\n  - kind: single\n    fraction: 0.2\n',
    expect: ['adversaries.0.fraction: unknown key "fraction" (fraction applies to kind colluding, not single)'],
  },
  {
    name: 'misspelt adversary kind',
    yaml: 'adversaries:\n  - kind: colluded\n',
    expect: [
      'adversaries.0.kind: unknown value "colluded"; expected one of single | colluding | global-passive | none (did you mean colluding?)',
    ],
  },
  {
    name: 'warmup equal to duration',
    yaml: 'duration: 10min\nwarmup: 10min\n',
    expect: [':2:1 warmup: "10min" is not before the end of the run; expected a duration less than duration ("10min")'],
  },
  {
    name: 'warmup after duration (default 1h)',
    yaml: 'warmup: 2h\n',
    expect: ['warmup: "2h" is not before the end of the run; expected a duration less than duration ("1h")'],
  },
  {
    name: 'empty designs list',
    yaml: 'designs: []\n',
    expect: [':1:1 designs: the list is empty; expected at least one design item'],
  },
  { name: 'empty adversaries list', yaml: 'adversaries: []\n', expect: ['adversaries: the list is empty'] },
  {
    name: 'design item without design',
    yaml: 'designs:\n  - name: x\n',
    expect: ['designs.0.design: is missing; expected one of signal | session | simplex | matrix | mixnet'],
  },
  {
    name: 'sweep over a missing list item',
    yaml: `${OK_BASE}adversaries:\n  - kind: single\nsweep:\n  adversaries.3.fraction: [0.1, 0.2]\n`,
    expect: [
      ':9:3 sweep.adversaries.3.fraction: there is no adversaries.3 (the scenario has 1 adversaries, numbered from 0); expected a key path that names a scenario key',
    ],
  },
  {
    name: 'sweep over a misspelt key',
    yaml: `${OK_BASE}sweep:\n  workload.usres: [10, 20]\n`,
    expect: ['sweep.workload.usres: workload has no key "usres"; expected a key path', '(did you mean users?)'],
  },
  {
    name: 'sweep over a key of another kind',
    yaml: `${OK_BASE}adversaries:\n  - kind: single\nsweep:\n  adversaries.0.fraction: [0.1]\n`,
    expect: ['sweep.adversaries.0.fraction: adversaries.0 (single) has no key "fraction"'],
  },
  {
    name: 'sweep value invalid in one cell, reported at the value',
    yaml: `${OK_BASE}adversaries:\n  - kind: colluding\nsweep:\n  adversaries.0.fraction:\n    - 0.1\n    - 2\n`,
    expect: [':11:7 adversaries.0.fraction: 2 is too large; expected a number in (0, 1]'],
  },
  {
    name: 'duplicate design names',
    yaml: 'designs:\n  - design: signal\n  - design: signal\n    sealedSender: false\n',
    expect: [
      ':3:5 designs.1.name: name "signal" is already used by designs.0; expected a distinct name for each design item',
    ],
  },
  {
    name: 'duplicate adversary names',
    yaml: 'adversaries:\n  - kind: global-passive\n  - kind: global-passive\n',
    expect: ['adversaries.1.name: name "global-passive" is already used by adversaries.0'],
  },
  {
    name: 'YAML bomb (aliases)',
    yaml: 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
    expect: [':2:8 b.0: YAML alias *a is not allowed (27 aliases in the file); expected the value written out'],
  },
  {
    name: 'a key written twice',
    yaml: 'duration: 10min\nduration: 20min\n',
    expect: [':2:1 (file): a key is written twice in the same mapping; expected each key once'],
  },
  {
    name: 'two YAML documents',
    yaml: 'duration: 10min\n---\nseed: 2\n',
    expect: ['(file): Source contains multiple documents'],
  },
  {
    name: 'contacts above users − 1',
    yaml: 'workload:\n  users: 5\n  contacts: 8\n',
    expect: [
      'workload.contacts: 8 contacts per user is more than the 4 other users; expected a number in (0, 4] (users − 1)',
    ],
  },
  {
    name: 'platform fractions above one',
    yaml: 'workload:\n  platforms: { android: 0.8, ios: 0.4 }\n',
    expect: ['workload.platforms: android + ios = 1.2 is more than 1'],
  },
  {
    name: 'no traffic at all',
    yaml: 'workload:\n  rate: 0/h\n',
    expect: ['workload.rate: no messages would be sent (rate 0 and no group traffic)'],
  },
  {
    name: 'unknown attack and attack parameter',
    yaml: 'attacks: [timing, timming]\nattackParams:\n  timing: { bem: 4 }\n',
    expect: [
      ':1:19 attacks.1: unknown attack "timming"; expected one of identifier | timing | flow | disclosure (did you mean timing?)',
      'attackParams.timing.bem: unknown key "bem"',
    ],
  },
  {
    name: 'attack named by its name in the literature',
    yaml: 'attacks: [sda]\n',
    expect: [
      'attacks.0: unknown attack "sda"; expected one of identifier | timing | flow | disclosure (did you mean disclosure?)',
    ],
  },
  {
    name: 'enum value misspelt',
    yaml: 'designs:\n  - design: simplex\n    privateRouting: alway\n',
    expect: [
      'designs.0.privateRouting: unknown value "alway"; expected one of always | unknown | never (did you mean always?)',
    ],
  },
  {
    name: 'malformed JSON',
    file: 'scenario.json',
    yaml: '{\n  "duration": "10min",\n  "seed": 1,\n}\n',
    expect: ['scenario.json:4:1 (file): Expected double-quoted property name; expected valid JSON'],
  },
  {
    name: 'JSON with an unknown key',
    file: 'scenario.json',
    yaml: '{\n  "duration": "10min",\n  "sed": 1\n}\n',
    expect: ['scenario.json:3:3 sed: unknown key "sed"', '(did you mean seed?)'],
  },
];

describe('anonsim run with a malformed scenario', () => {
  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  for (const c of CASES) {
    it(`rejects ${c.name} with exit 2, the exact message and no output`, async () => {
      const dir = tempDir();
      const file = writeScenario(dir, c.yaml, c.file);
      const out = join(dir, 'out');
      const r = await cli(['run', file, '-o', out, '--workers', '1', '--quiet']);
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      for (const e of c.expect)
        expect(
          r.lines.some((l) => l.includes(e)),
          `missing "${e}" in:\n${r.err}`,
        ).toBe(true);
      for (const l of r.lines.filter((l) => !l.includes(': warning: '))) expect(l).toMatch(LINE);
      expect(r.lines.every((l) => l.startsWith(file) || l.startsWith('argv:'))).toBe(true);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('reports every problem at once, in file order', async () => {
    const dir = tempDir();
    const file = writeScenario(
      dir,
      'duration: 5 parsecs\nworkload:\n  users: 1\n  contcts: 3\ndesigns:\n  - design: signl\nattacks: [timming]\n',
    );
    const r = await cli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.lines.map((l) => l.split(' ')[1])).toEqual([
      'duration:',
      'workload.users:',
      'workload.contcts:',
      'designs.0.design:',
      'attacks.0:',
    ]);
    const lines = r.lines.map((l) => Number(LINE.exec(l)?.[2]));
    expect(lines).toEqual([1, 3, 4, 6, 7]);
  });

  it('refuses a 50 MB file before reading it', async () => {
    const dir = tempDir();
    const file = join(dir, 'huge.yaml');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const r = await cli(['run', file, '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([`${file}:1:1 (file): is 50.0 MB; expected a scenario file of at most 5 MB`]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses a path that does not exist', async () => {
    const dir = tempDir();
    const file = join(dir, 'nope.yaml');
    const r = await cli(['run', file, '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `${file}:1:1 (file): does not exist; expected a readable YAML (.yaml, .yml) or JSON (.json) scenario file`,
    ]);
  });

  it('refuses a folder as the scenario', async () => {
    const dir = tempDir();
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toContain(`${dir}:1:1 (file): is a directory`);
  });

  it('refuses an output folder that is a file', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, OK_BASE);
    const outFile = join(dir, 'results.txt');
    writeFileSync(outFile, 'not a folder\n');
    const r = await cli(['run', file, '-o', outFile, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `argv:1:3 -o: "${outFile}" is a file; expected a folder, or a path that does not exist yet`,
    ]);
  });

  it('refuses an output folder below a file', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, OK_BASE);
    writeFileSync(join(dir, 'f'), 'x');
    const r = await cli(['run', file, '-o', join(dir, 'f', 'sub'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatch(/^argv:1:3 -o: ".*f" \(part of ".*sub"\) is a file/);
  });

  it('names the part of a relative output path as the user wrote it', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, OK_BASE);
    writeFileSync(join(dir, 'f'), 'x');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await cli(['run', file, '-o', 'f/sub/deeper', '--quiet']);
      expect(r.code).toBe(2);
      expect(r.lines[0]).toMatch(/^argv:1:3 -o: "f" \(part of "f\/sub\/deeper"\) is a file/);
    } finally {
      process.chdir(cwd);
    }
  });
});
