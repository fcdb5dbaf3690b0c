/**
 * `anonsim run --log` and `anonsim attack` through the CLI: saving a log changes no output;
 * re-attacking the saved log with the run's own scenario gives byte-identical CSVs with 1 and 2
 * workers (sweep cells sharing a world, two replicates, the timing attack's independent-run
 * calibration world); `--set` of adversaries equals a fresh run with the same `--set`; bad,
 * foreign, truncated or incomplete logs and settings that would need a new simulation exit 2
 * with one clear line and write nothing.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOG_FORMAT } from '../../src/log/schema.js';
import { estimateLogBytes } from '../../src/pipeline/log-estimate.js';
import { scenarioCells } from '../../src/pipeline/run.js';
import { loadScenario, sweepCells } from '../../src/scenario/index.js';
import { cli, tempDir, writeScenario } from '../cli/helpers.js';

const SCENARIO = `name: log-attack
duration: 6min
warmup: 30s
replicates: 2
workload:
  users: 40
  contacts: 4
  rate: 1/2min
  groups: { count: 3, size: 4, rate: 1/4min }
designs:
  - design: signal
  - design: session
adversaries:
  - kind: single
  - kind: colluding
    fraction: 0.2
  - kind: global-passive
attacks: [identifier, timing]
attackParams:
  timing: { calibration: independent-run }
sweep:
  adversaries.1.fraction: [0.2, 0.5]
`;

/** Every CSV of results folder `a` (and the viewer's timelines) is in `b`, byte for byte. */
function expectSameFiles(a: string, b: string): void {
  const files = readdirSync(a).filter((f) => f.endsWith('.csv') || f === 'timelines.json');
  expect(files).toContain('messages.csv');
  for (const f of files) expect(readFileSync(join(b, f), 'utf8'), f).toBe(readFileSync(join(a, f), 'utf8'));
}

let dir: string;
let scenario: string;
let logged: string;

beforeAll(async () => {
  dir = tempDir('anonsim-log-attack-');
  scenario = writeScenario(dir, SCENARIO);
  logged = join(dir, 'logged');
  const r = await cli(['run', scenario, '-o', logged, '--log', '--messages', '--quiet', '--workers', '1']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
}, 120_000);

describe('anonsim run --log', () => {
  it('writes one folder per world (calibration worlds too) and changes no output', async () => {
    const index = JSON.parse(readFileSync(join(logged, 'log', 'log.json'), 'utf8'));
    // 2 replicates × 2 designs, the sweep over a colluding fraction shares each world.
    expect(index.worlds.filter((w: { kind: string }) => w.kind === 'run')).toHaveLength(4);
    expect(index.worlds.filter((w: { kind: string }) => w.kind === 'calibration')).toHaveLength(4);
    for (const w of index.worlds) expect(existsSync(join(logged, 'log', w.world, 'hops.parquet')), w.world).toBe(true);
    const plain = join(dir, 'plain');
    const r = await cli(['run', scenario, '-o', plain, '--messages', '--quiet', '--workers', '2']);
    expect(r.code).toBe(0);
    expectSameFiles(plain, logged);
  }, 120_000);

  it('takes about the disk estimateLogBytes predicts (within a factor of two)', () => {
    const { scenario: s, raw } = loadScenario(scenario);
    const cells = scenarioCells(s, sweepCells(s, raw, scenario));
    let bytes = 0;
    const root = join(logged, 'log');
    for (const w of readdirSync(root).filter((d) => d.startsWith('job-')))
      for (const f of readdirSync(join(root, w))) bytes += statSync(join(root, w, f)).size;
    const ratio = estimateLogBytes(cells) / bytes;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('anonsim attack', () => {
  it('re-attacks the saved log with byte-identical CSVs, with 1 and 2 workers', async () => {
    for (const workers of ['1', '2']) {
      const out = join(dir, `attack-${workers}`);
      const r = await cli(['attack', join(logged, 'log'), '-o', out, '--messages', '--quiet', '--workers', workers]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expectSameFiles(logged, out);
    }
  }, 120_000);

  it('with --set of adversaries equals a fresh run with the same --set', async () => {
    const set = ['--set', 'adversaries.0.target=random', '--set', 'attacks=[identifier]'];
    const fresh = join(dir, 'fresh-set');
    expect((await cli(['run', scenario, '-o', fresh, '--messages', '--quiet', ...set])).code).toBe(0);
    const out = join(dir, 'attack-set');
    const r = await cli(['attack', join(logged, 'log'), '-o', out, '--messages', '--quiet', ...set]);
    expect(r.code).toBe(0);
    expectSameFiles(fresh, out);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).not.toBe(readFileSync(join(logged, 'summary.csv'), 'utf8'));
  }, 120_000);
});

describe('bad logs exit 2 with one line and write nothing', () => {
  /** A copy of the saved log, spoilt by `spoil`; returns [exit code, stderr lines, whether OUT exists]. */
  async function attackSpoilt(spoil: (root: string) => void, extra: string[] = []) {
    const copy = tempDir('anonsim-bad-log-');
    cpSync(join(logged, 'log'), join(copy, 'log'), { recursive: true });
    spoil(join(copy, 'log'));
    const out = join(copy, 'out');
    const r = await cli(['attack', join(copy, 'log'), '-o', out, '--quiet', ...extra]);
    return { code: r.code, lines: r.lines, wrote: existsSync(out) };
  }

  it('names the file and what is wrong', async () => {
    const cases: [string, (root: string) => void, RegExp, string[]?][] = [
      [
        'other version',
        (root) => {
          const f = join(root, 'log.json');
          writeFileSync(f, readFileSync(f, 'utf8').replace(`"format": ${LOG_FORMAT}`, '"format": 99'));
        },
        new RegExp(`log\\.json.*is log format 99 .*; this anonsim reads format ${LOG_FORMAT}`),
      ],
      [
        'truncated file',
        (root) => truncateSync(join(root, 'job-0000', 'hops.parquet'), 5000),
        /hops\.parquet:1:1 .*truncated/,
      ],
      [
        'missing truth',
        (root) => rmSync(join(root, 'job-0001', 'truth.parquet')),
        /job-0001\/truth\.parquet:1:1 .*is missing/,
      ],
      ['not a log', (root) => rmSync(join(root, 'log.json')), /log\.json:1:1 .*is missing/],
      [
        'a simulation setting changed',
        () => {},
        /no world simulated with these settings; expected --set that changes only adversaries/,
        ['--set', 'workload.users=30'],
      ],
    ];
    for (const [what, spoil, message, extra] of cases) {
      const r = await attackSpoilt(spoil, extra);
      expect(r.code, what).toBe(2);
      expect(r.lines.length, `${what}: ${r.lines.join(' | ')}`).toBeGreaterThanOrEqual(1);
      expect(r.lines.join('\n'), what).toMatch(message);
      expect(r.wrote, what).toBe(false);
    }
  }, 120_000);

  it('a folder that does not exist', async () => {
    const r = await cli(['attack', join(dir, 'nowhere'), '-o', join(dir, 'x'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatch(/nowhere.*does not exist/);
  });
});
