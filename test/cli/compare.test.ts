/**
 * Paired comparisons through the CLI: compare.csv of a run with `compare:` pairs (differences
 * recomputed here from summary.csv), the printed table, `anonsim compare A B` (paired by seed or
 * Welch, scenario keys that differ, -o folder with a report), and the difference statistics
 * against hand-computed values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pairedDifference, welchDifference } from '../../src/export/compare.js';
import { parseCsv } from '../../src/export/read-csv.js';
import { extractReportData } from '../../src/export/report.js';
import { cli, tempDir, writeScenario } from './helpers.js';

const RUN = `name: cmp
duration: 4min
warmup: 30s
replicates: 3
workload: { users: 60, contacts: 4, rate: 1/2min }
designs:
  - design: simplex
    sweep: { privateRouting: [always, never] }
  - { design: simplex, name: simplex-copy }
adversaries:
  - kind: colluding
    fraction: 0.3
  - kind: global-passive
attacks: [identifier, timing]
compare:
  - ["simplex[privateRouting=always]", "simplex[privateRouting=never]"]
  - ["simplex[privateRouting=always]", simplex-copy]
`;

let dir: string;
let out: string;
let stdout: string;

beforeAll(async () => {
  dir = tempDir();
  out = join(dir, 'a');
  const r = await cli(['run', writeScenario(dir, RUN), '-o', out, '--workers', '1']);
  expect(r.code, r.err).toBe(0);
  stdout = r.out;
});

describe('a run with compare: pairs', () => {
  it('writes compare.csv: every metric, paired over replicates, equal to differences recomputed from summary.csv', () => {
    const cmp = parseCsv(readFileSync(join(out, 'compare.csv'), 'utf8'));
    const sum = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8')).rows;
    expect(cmp.columns.slice(0, 5)).toEqual(['design_a', 'design_b', 'adversary', 'attack', 'metric']);
    // 2 pairs × 2 adversaries × 2 attacks × every metric but users.
    const metrics = [...new Set(cmp.rows.map((r) => r.metric))];
    expect(metrics).toContain('top1');
    expect(metrics).not.toContain('users');
    expect(cmp.rows).toHaveLength(2 * 2 * 2 * metrics.length);
    for (const row of cmp.rows.filter((r) => r.metric === 'top1')) {
      const side = (design: string) =>
        [0, 1, 2].map((rep) =>
          Number(
            sum.find(
              (s) =>
                s.design === design &&
                s.adversary === row.adversary &&
                s.attack === row.attack &&
                s.replicate === String(rep),
            )?.top1,
          ),
        );
      const a = side(row.design_a);
      const b = side(row.design_b);
      const d = b.map((x, i) => x - a[i]);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      expect(Number(row.n_a)).toBe(3);
      expect(row.paired).toBe('true');
      expect(Number(row.a_mean)).toBeCloseTo(mean(a), 5);
      expect(Number(row.b_mean)).toBeCloseTo(mean(b), 5);
      expect(Number(row.diff_mean)).toBeCloseTo(mean(d), 5);
      const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean(d)) ** 2, 0) / 2);
      // t(0.975, 2) = 4.302653 (tables).
      if (sd > 0) expect(Number(row.diff_hi) - Number(row.diff_mean)).toBeCloseTo((4.302653 * sd) / Math.sqrt(3), 4);
    }
  });

  it('pairs an item with an identical copy exactly: every difference 0 with the interval [0, 0]', () => {
    // The copy differs only in its name, so it draws the same relays, colluding hosts and paths.
    const cmp = parseCsv(readFileSync(join(out, 'compare.csv'), 'utf8'));
    const copy = cmp.rows.filter((r) => r.design_b === 'simplex-copy');
    expect(copy.length).toBeGreaterThan(0);
    for (const r of copy) {
      expect(`${r.metric} ${r.diff_mean} ${r.diff_lo} ${r.diff_hi}`).toBe(`${r.metric} 0 0 0`);
    }
  });

  it('prints the paired top1 differences after the summary table', () => {
    expect(stdout).toMatch(/paired differences of top1 \(b − a; replicate by replicate, same seeds\):\n/);
    expect(stdout).toMatch(
      /simplex\[privateRouting=always\]\s+simplex\[privateRouting=never\]\s+colluding-30%\s+identifier\s+3\s/,
    );
  });

  it('puts compare.csv into report.html for the comparison view', () => {
    const data = extractReportData(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(data?.compare).toBe(readFileSync(join(out, 'compare.csv'), 'utf8'));
    expect((data?.provenance as { anonsim?: string } | undefined)?.anonsim).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('anonsim compare A B', () => {
  it('pairs runs with the same seeds, lists the scenario keys that differ, writes a folder with -o', async () => {
    const b = join(dir, 'b');
    const r = await cli([
      'run',
      writeScenario(dir, RUN, 'b.yaml'),
      '-o',
      b,
      '--quiet',
      '--set',
      'adversaries.0.fraction=0.5',
    ]);
    expect(r.code, r.err).toBe(0);
    const c = await cli(['compare', out, b, '-o', join(dir, 'ab')]);
    expect(c.code, c.err).toBe(0);
    expect(c.out).toContain(
      'scenario keys that differ (A → B):\n  adversaries.0.name: colluding-30% → colluding-50%\n  adversaries.0.fraction: 0.3 → 0.5\n',
    );
    // Default adversary names carry the size: matched by position, not by name.
    expect(c.out).toContain('adversaries matched by position: colluding-30% (A) ↔ colluding-50% (B)');
    expect(c.out).toContain('paired by seed: every matched replicate ran with the same seed on both sides');
    // Only the colluding rows can differ; the global observer's are identical, so paired differences are 0.
    const rows = parseCsv(readFileSync(join(dir, 'ab', 'compare.csv'), 'utf8')).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows.filter((x) => x.adversary === 'global-passive'))
      expect(`${row.diff_mean} ${row.diff_lo} ${row.diff_hi} ${row.paired}`).toBe('0 0 0 true');
    for (const f of ['compare.csv', 'manifest.json', 'report.html'])
      expect(existsSync(join(dir, 'ab', f)), f).toBe(true);
    const m = JSON.parse(readFileSync(join(dir, 'ab', 'manifest.json'), 'utf8'));
    expect(m.compare.paired).toBe(true);
    expect(m.compare.differingKeys).toEqual([
      { path: 'adversaries.0.name', a: 'colluding-30%', b: 'colluding-50%' },
      { path: 'adversaries.0.fraction', a: 0.3, b: 0.5 },
    ]);
    // The colluding rows are compared too (30 % vs 50 % of the hosts): held grows by 18 × 0.2 = 3.6 → 9 − 5 = 4.
    const held = rows.find((x) => x.adversary === 'colluding-30%' && x.metric === 'held');
    expect(held && [held.a_mean, held.b_mean, held.diff_mean]).toEqual(['5', '9', '4']);
  });

  it('uses Welch intervals for runs with different seeds', async () => {
    const s = join(dir, 's');
    expect((await cli(['run', writeScenario(dir, RUN, 's.yaml'), '-o', s, '--quiet', '--seed', '9'])).code).toBe(0);
    const c = await cli(['compare', out, s, '--metric', 'pair_auc']);
    expect(c.code, c.err).toBe(0);
    expect(c.out).toContain('not paired by seed');
    expect(c.out).toMatch(/pair_auc A\s+pair_auc B\s+B − A\s+95% interval\s+paired/);
    expect(c.out).toMatch(/\s3\/3\s.*\sno\n/);
  });

  it('refuses missing folders, unknown metrics and runs with different sweeps (exit 2)', async () => {
    const r = await cli(['compare', join(dir, 'nope'), out, '--metric', 'topl']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `argv:1:2 ${join(dir, 'nope')}: does not exist; expected a results folder written by anonsim run or merge`,
      'argv:1:4 --metric: unknown metric "topl"; expected one of messages, deliveries, top1, top5, entropy_bits, anonymity_set, pair_auc, pair_precision, latency_p50_ms, latency_p95_ms, bytes_per_message, excluded, held (did you mean top1?)',
    ]);
    const w = join(dir, 'w');
    const sweep = `${RUN}sweep:\n  warmup: [30s, 1min]\n`;
    expect(
      (await cli(['run', writeScenario(dir, sweep, 'w.yaml'), '-o', w, '--quiet', '--replicates', '1'])).code,
    ).toBe(0);
    const m = await cli(['compare', out, w]);
    expect(m.code).toBe(2);
    expect(m.lines[0]).toBe(
      `argv:1:3 ${w}: sweeps warmup where ${out} sweeps nothing; expected two runs with the same swept keys (compare cells of one sweep, or runs without a sweep)`,
    );
  });
});

describe('difference statistics', () => {
  it('paired: mean of differences ± t(0.975, n−1)·s_d/√n', () => {
    const d = pairedDifference([0.1, 0.2, 0.4, 0.3], [0.15, 0.3, 0.42, 0.38]);
    // differences 0.05, 0.1, 0.02, 0.08: mean 0.0625, s_d = 0.0350, t(0.975, 3) = 3.182446.
    expect(d.mean).toBeCloseTo(0.0625, 12);
    expect(d.hi - d.mean).toBeCloseTo((3.182446 * 0.035) / 2, 5);
    expect(d.paired).toBe(true);
    const one = pairedDifference([0.1], [0.3]);
    expect(one.mean).toBeCloseTo(0.2, 12);
    expect([one.lo, one.hi]).toEqual([Number.NaN, Number.NaN]);
  });

  it('Welch: Satterthwaite degrees of freedom', () => {
    const d = welchDifference([1, 2, 3], [2, 4, 6, 8]);
    // s_a² = 1, s_b² = 6.6667; v = 1/3 + 6.6667/4 = 2.0; ν = 2² / ((1/3)²/2 + (1.6667)²/3) = 4.075,
    // so t(0.975, ν) lies between t(0.975, 5) = 2.5706 and t(0.975, 4) = 2.7764 (tables), near the latter.
    expect(d.mean).toBeCloseTo(3, 12);
    const t = (d.hi - d.lo) / 2 / Math.sqrt(2);
    expect(t).toBeGreaterThan(2.5706);
    expect(t).toBeLessThan(2.7764);
    expect(t).toBeCloseTo(2.756, 2);
    expect(d.paired).toBe(false);
  });
});
