/** `anonsim run` end to end (in-process). */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractReportData } from '../../src/export/report.js';
import { buildModel } from '../../viz/src/data.js';
import { ratesFor } from '../../viz/src/tradeoff-data.js';
import { cli, RUN_CSVS, tempDir, writeScenario } from './helpers.js';

const TINY =
  'name: tiny\nduration: 5min\nwarmup: 30s\nworkload:\n  users: 60\n  contacts: 4\n  rate: 1/5min\ndesigns:\n  - design: signal\n  - design: simplex\nadversaries:\n  - kind: single\n  - kind: global-passive\n';

describe('anonsim run', () => {
  it('writes every output file, prints the summary table and the report path', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await cli(['run', writeScenario(dir, TINY), '-o', out, '--workers', '1', '--messages']);
    expect(r.code, r.err).toBe(0);
    for (const f of [...RUN_CSVS, 'messages.csv', 'manifest.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.out).toMatch(
      /^design\s+adversary\s+attack\s+n\s+top1\s+top1 95% interval\s+anonymity set\s+pair AUC\s+held\n/,
    );
    expect(r.out).toMatch(/\n(report|results): .+\n$/);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it("lists in manifest.json how often the timing attack's work caps cut a posterior", async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    // One row per window and one hypothesis per hop, fixed (widen 1: caps that widen per target
    // would outgrow them in this small run), cut some posteriors of a global observer.
    const tight = [
      ...['--set', 'attackParams.timing.scan=1', '--set', 'attackParams.timing.beam=1'],
      ...['--set', 'attackParams.timing.widen=1'],
    ];
    const r = await cli(['run', file, '-o', join(dir, 'tight'), '--quiet', ...tight]);
    expect(r.code, r.err).toBe(0);
    const caps = JSON.parse(readFileSync(join(dir, 'tight', 'manifest.json'), 'utf8')).caps as {
      attack: string;
      adversary: string;
      targets: number;
      capped: Record<string, number>;
    }[];
    expect(caps.length).toBeGreaterThan(0);
    for (const c of caps) {
      expect(c.attack).toBe('timing');
      expect(c.adversary).toBe('global-passive');
      for (const n of Object.values(c.capped)) {
        expect(n).toBeGreaterThan(0);
        expect(n).toBeLessThanOrEqual(c.targets);
      }
    }
    // With the default caps nothing in this small run is cut, and the key is left out.
    const d = await cli(['run', file, '-o', join(dir, 'default'), '--quiet']);
    expect(d.code, d.err).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'default', 'manifest.json'), 'utf8')).caps).toBeUndefined();
  });

  // Also with every option that adds simulation or randomness: a calibration run, cover slots.
  const STRONG = [
    ...['attackParams.timing.dwell=per-kind', 'attackParams.timing.fallback=break'],
    ...['attackParams.timing.calibration=independent-run', 'designs.*.coverRate=2/min', 'designs.*.coverMode=slots'],
  ].flatMap((s) => ['--set', s]);
  it.for<[string, string[]]>([
    ['defaults', []],
    ['the strongest timing attack and cover slots', STRONG],
  ])('gives byte-identical CSVs for 1 and 2 workers (%s)', async ([, more]) => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    const a = await cli(['run', file, '-o', join(dir, 'a'), '--workers', '1', '--quiet', ...more]);
    expect(a.code, a.err).toBe(0);
    const b = await cli(['run', file, '-o', join(dir, 'b'), '--workers', '2', '--quiet', ...more]);
    expect(b.code, b.err).toBe(0);
    for (const f of RUN_CSVS) expect(readFileSync(join(dir, 'b', f)), f).toEqual(readFileSync(join(dir, 'a', f)));
    expect(a.out).toBe('');
  });

  it('applies --set and --seed', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await cli([
      'run',
      writeScenario(dir, TINY),
      '-o',
      out,
      '--quiet',
      '--seed',
      '7',
      '--set',
      'workload.users=40',
    ]);
    expect(r.code, r.err).toBe(0);
    const rows = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    const head = rows[0].split(',');
    for (const row of rows.slice(1)) {
      const c = row.split(',');
      expect(c[head.indexOf('users')]).toBe('40');
      expect(c[head.indexOf('seed')]).toBe('7');
    }
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).scenario.workload.users).toBe(40);
  });

  it('records message rates per sweep cell in manifest.json and report.html for the trade-off chart', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const sweep = 'sweep:\n  designs.*.mixDelay: [0s, 1s]\n  designs.*.coverRate: [0/s, 1/min]\n';
    const r = await cli(['run', writeScenario(dir, `${TINY}${sweep}`), '-o', out, '--quiet', '--workers', '1']);
    expect(r.code, r.err).toBe(0);
    const rates = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).rates;
    expect(rates.keys).toEqual(['designs.*.mixDelay', 'designs.*.coverRate']);
    expect(rates.cells.map((c: { values: string[] }) => c.values)).toEqual([
      ['0s', '0/s'],
      ['0s', '1/min'],
      ['1s', '0/s'],
      ['1s', '1/min'],
    ]);
    // 1/5min, replies answered with probability ½ (the default), replies to replies too: ≈ 2/300 per s.
    for (const c of rates.cells)
      for (const d of c.designs) {
        expect(d.realPerUserPerS).toBeCloseTo(2 / 300, 5);
        expect(d.coverPerUserPerS).toBeCloseTo(c.values[1] === '1/min' ? 1 / 60 : 0, 6);
      }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const data = extractReportData(html);
    expect(data?.rates).toEqual(rates);
    // The viewer finds each CSV cell's rates (its cells are numbered by first appearance in the CSVs).
    const model = buildModel({
      summary: readFileSync(join(out, 'summary.csv'), 'utf8'),
      aggregate: readFileSync(join(out, 'aggregate.csv'), 'utf8'),
      rates: data?.rates,
    });
    expect(model.cells).toHaveLength(4);
    model.cells.forEach((c, i) => {
      for (const design of ['signal', 'simplex'])
        expect(ratesFor(model.rates, i, design)?.cover).toBeCloseTo(c.values[1] === '1/min' ? 1 / 60 : 0, 6);
    });
  });

  it('exits 130 and leaves no CSV when interrupted', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const ac = new AbortController();
    ac.abort();
    const r = await cli(['run', writeScenario(dir, TINY), '-o', out, '--workers', '1', '--quiet'], ac.signal);
    expect(r.code).toBe(130);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('defaults the output folder to results/<name>/ and refuses it when results is a file', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, TINY);
    writeFileSync(join(dir, 'results'), 'a file');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await cli(['run', file, '--quiet']);
      expect(r.code).toBe(2);
      expect(r.lines).toEqual([
        'argv:1:1 (output): "results" (part of "results/tiny") is a file; expected a folder results/<name>/, or give another folder with -o DIR',
      ]);
    } finally {
      process.chdir(cwd);
    }
  });
});
