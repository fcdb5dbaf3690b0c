/**
 * `anonsim run --precision H`: stops at the smallest n ≥ 5 whose top1 intervals all have
 * half-width ≤ H, writes exactly what `--replicates n` writes, whatever the worker count.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/export/read-csv.js';
import { meanInterval } from '../../src/metrics/aggregate.js';
import { cli, tempDir, writeScenario } from './helpers.js';

const SCENARIO = `name: prec
duration: 4min
warmup: 30s
workload: { users: 60, contacts: 4, rate: 1/2min }
designs:
  - design: simplex
    sweep: { privateRouting: [always, never] }
adversaries:
  - kind: colluding
    fraction: 0.3
attacks: [identifier, timing]
`;

const CSVS = ['summary.csv', 'aggregate.csv', 'compare.csv', 'pairs.csv', 'ttfd.csv'];

/** Widest top1 half-width over the first n replicates of a summary.csv. */
function widest(summaryCsv: string, n: number): number {
  const rows = parseCsv(summaryCsv).rows.filter((r) => Number(r.replicate) < n);
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const k = `${r.design}/${r.adversary}/${r.attack}`;
    groups.set(k, [...(groups.get(k) ?? []), Number(r.top1)]);
  }
  let w = 0;
  for (const xs of groups.values()) {
    const i = meanInterval(xs, 'proportion');
    w = Math.max(w, (i.hi - i.lo) / 2);
  }
  return w;
}

describe('--precision', () => {
  it('stops at the first n meeting the target; same CSVs as --replicates n, for 1 and 2 workers', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, SCENARIO);
    const H = 0.05;
    const r1 = await cli([
      'run',
      file,
      '-o',
      join(dir, 'w1'),
      '--precision',
      String(H),
      '--replicates',
      '20',
      '--workers',
      '1',
    ]);
    expect(r1.code, r1.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'w1', 'manifest.json'), 'utf8'));
    const n: number = m.precision.replicates;
    expect(m.precision).toMatchObject({ halfWidth: H, cap: 20, minReplicates: 5, reached: true });
    expect(m.scenario.replicates).toBe(n);
    expect(r1.lines).toContain(
      `anonsim: precision: every top1's 95% half-width ≤ ${H} after ${n} replicates (widest ${Number(m.precision.widest.halfWidth.toPrecision(3))}: ${m.precision.widest.design} · ${m.precision.widest.adversary} · ${m.precision.widest.attack})`,
    );
    const summary = readFileSync(join(dir, 'w1', 'summary.csv'), 'utf8');
    expect(new Set(parseCsv(summary).rows.map((r) => r.replicate)).size).toBe(n);
    // The rule: met at n, not before (from 5 on).
    expect(widest(summary, n)).toBeLessThanOrEqual(H);
    for (let k = 5; k < n; k++) expect(widest(summary, k), `at ${k} replicates`).toBeGreaterThan(H);

    const r2 = await cli([
      'run',
      file,
      '-o',
      join(dir, 'w2'),
      '--precision',
      String(H),
      '--replicates',
      '20',
      '--workers',
      '2',
      '--quiet',
    ]);
    expect(r2.code, r2.err).toBe(0);
    const fixed = await cli([
      'run',
      file,
      '-o',
      join(dir, 'n'),
      '--replicates',
      String(n),
      '--workers',
      '2',
      '--quiet',
    ]);
    expect(fixed.code, fixed.err).toBe(0);
    for (const f of CSVS) {
      const a = readFileSync(join(dir, 'w1', f), 'utf8');
      expect(readFileSync(join(dir, 'w2', f), 'utf8'), `${f}: 2 workers`).toBe(a);
      expect(readFileSync(join(dir, 'n', f), 'utf8'), `${f}: --replicates ${n}`).toBe(a);
    }
  });

  it('warns when the cap comes first, and refuses bad values, small caps and shards (exit 2)', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, SCENARIO);
    const capped = await cli([
      'run',
      file,
      '-o',
      join(dir, 'c'),
      '--precision',
      '0.0001',
      '--replicates',
      '5',
      '--quiet',
    ]);
    expect(capped.code, capped.err).toBe(0);
    expect(
      capped.lines.some((l) => l.startsWith('anonsim: warning: precision 0.0001 not reached within 5 replicates')),
    ).toBe(true);
    const bad = await cli(['run', file, '--precision', '2', '--shard', '0/2']);
    expect(bad.code).toBe(2);
    expect(bad.lines).toEqual([
      'argv:1:3 --precision: "2" is not allowed; expected a half-width in (0, 1] for top1, e.g. 0.02',
    ]);
    const shard = await cli(['run', file, '--precision', '0.1', '--replicates', '5', '--shard', '0/2']);
    expect(shard.lines).toEqual([
      'argv:1:3 --precision: cannot be used with --shard; expected a run on one machine (the stopping rule needs every replicate before it)',
    ]);
    const small = await cli(['run', file, '--precision', '0.1']);
    expect(small.lines).toEqual([
      'argv:1:3 --precision: needs at least 5 replicates as its cap, and the run has 1; expected --replicates N with N ≥ 5 (the most replicates to run)',
    ]);
  });
});
