/**
 * docs/log.md's Python example, run as written on a saved log: its two numbers (scored deliveries
 * and the fraction whose sender the Signal server reads) equal summary.csv's `deliveries` and the
 * identifier attack's `top1` for the single server. Every table opens in other readers: pyarrow
 * and Python DuckDB when installed (.ci/run installs them from the machine's wheel folder),
 * otherwise DuckDB's own Node binding runs the same query (it also opens every file in any case).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../src/log/schema.js';
import { cli, tempDir, writeScenario } from '../cli/helpers.js';

const SCENARIO = `name: log-python
duration: 10min
warmup: 1min
workload:
  users: 150
  contacts: 5
  rate: 1/3min
  groups: { count: 5, size: 4, rate: 1/5min }
  online: { model: sessions, on: exp(6min), off: exp(3min) }
designs:
  - design: session
  - design: signal
adversaries:
  - kind: single
    target: server
attacks: [identifier]
`;

const PYTHON = '/usr/bin/env';
const hasPython = (modules: string) =>
  spawnSync(PYTHON, ['python3', '-c', `import ${modules}`], { encoding: 'utf8' }).status === 0;

/** The Python block after the `example:signal-server` marker in docs/log.md. */
function example(): string {
  const doc = readFileSync(join(process.cwd(), 'docs/log.md'), 'utf8');
  const m = /<!-- example:signal-server -->\s*```python\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error('docs/log.md: example block not found');
  return m[1];
}

let out: string;
let expected: { deliveries: number; top1: number };

beforeAll(async () => {
  const dir = tempDir('anonsim-log-python-');
  out = join(dir, 'out');
  const r = await cli(['run', writeScenario(dir, SCENARIO), '-o', out, '--log', '--quiet', '--workers', '1']);
  expect(r.code).toBe(0);
  const [header, ...rows] = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  const row = rows.map((l) => l.split(',')).find((c) => c[0] === 'signal' && c[2] === 'identifier');
  if (!row) throw new Error('no signal identifier row');
  expected = { deliveries: Number(row[cols.indexOf('deliveries')]), top1: Number(row[cols.indexOf('top1')]) };
}, 120_000);

describe('docs/log.md example', () => {
  it('computes summary.csv deliveries and top1 of the Signal server from the Parquet files alone', async () => {
    const code = example();
    expect(code.split('\n').filter((l) => l.trim() !== '')).toHaveLength(5);
    const log = join(out, 'log');
    let got: [number, number];
    if (hasPython('duckdb')) {
      const script = code.replace(/^log = .*$/m, `log = ${JSON.stringify(log)}`);
      const file = join(out, 'example.py');
      writeFileSync(file, script);
      const r = spawnSync(PYTHON, ['python3', file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const m = /^\((\d+), ([\d.e-]+)\)$/.exec(r.stdout.trim());
      expect(m, r.stdout).not.toBeNull();
      got = [Number(m?.[1]), Number(m?.[2])];
    } else {
      // No Python DuckDB on this machine: the example's query through DuckDB's Node binding.
      console.warn('python3 -c "import duckdb" failed: running the example query through @duckdb/node-api');
      const con = await (await DuckDBInstance.create(':memory:')).connect();
      const world = await con.runAndReadAll(
        `SELECT world, warmup_ns FROM '${log}/worlds.parquet' WHERE design = 'signal' AND kind = 'run' AND replicate = 0`,
      );
      const [w, warmup] = world.getRows()[0] as [string, number];
      const [hops, truth, hosts] = ['hops', 'truth', 'hosts'].map((t) => `'${log}/${w}/${t}.parquet'`);
      const r = await con.runAndReadAll(
        `SELECT count(*), avg(coalesce(up.to_host = s.host AND up.from_host = d.sender, false)::INT) FROM ${truth} d LEFT JOIN ${hops} down ON down.row = d.final_row LEFT JOIN ${hops} up ON up.row = down.prev, (FROM ${hosts} WHERE central) s WHERE d.t_delivered_ns >= ${warmup}`,
      );
      const [n, f] = r.getRows()[0];
      got = [Number(n), Number(f)];
    }
    expect(got[0]).toBe(expected.deliveries);
    expect(got[1]).toBeCloseTo(expected.top1, 6);
    expect(expected.deliveries).toBeGreaterThan(100);
  });

  it('every table opens in DuckDB (and pyarrow when installed) with the row counts world.json gives', async () => {
    const log = join(out, 'log');
    const worlds = readdirSync(log).filter((d) => d.startsWith('job-'));
    expect(worlds.length).toBe(2);
    const con = await (await DuckDBInstance.create(':memory:')).connect();
    const counts: Record<string, number> = {};
    for (const w of worlds)
      for (const t of TABLES) {
        const r = await con.runAndReadAll(`SELECT count(*) FROM '${join(log, w, `${t}.parquet`)}'`);
        counts[`${w}/${t}`] = Number(r.getRows()[0][0]);
      }
    for (const w of worlds) {
      const meta = JSON.parse(readFileSync(join(log, w, 'world.json'), 'utf8'));
      expect([counts[`${w}/hops`], counts[`${w}/truth`], counts[`${w}/messages`]]).toEqual([
        meta.hops,
        meta.deliveries,
        meta.messages,
      ]);
      expect(counts[`${w}/hosts`]).toBeGreaterThan(meta.users);
    }
    if (hasPython('pyarrow.parquet')) {
      const files = Object.keys(counts).map((k) => join(log, `${k}.parquet`));
      const script = `import json, sys, pyarrow.parquet as pq\nprint(json.dumps([pq.read_table(f).num_rows for f in ${JSON.stringify(files)}]))`;
      const r = spawnSync(PYTHON, ['python3', '-c', script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(Object.values(counts));
    } else console.warn('python3 -c "import pyarrow" failed: files checked with DuckDB only');
  });
});
