/**
 * The research workflow around a run, through the CLI: progress lines when stderr is not a
 * terminal, what `validate` says a scenario makes, `tables` from aggregate.csv, `figures` from
 * report.html.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/export/read-csv.js';
import { haveChromium, warnIfNoChromium } from '../viz/browser.js';
import { type CliResult, cli, tempDir, writeScenario } from './helpers.js';

const TINY = `name: tiny
duration: 4min
warmup: 30s
replicates: 2
workload: { users: 50, contacts: 4, rate: 1/2min }
designs:
  - design: signal
  - design: simplex
adversaries:
  - kind: single
  - kind: colluding
    fraction: 0.3
attacks: [identifier, timing]
`;

let dir: string;
let out: string;
let run: CliResult;

beforeAll(async () => {
  dir = tempDir();
  out = join(dir, 'out');
  run = await cli(['run', writeScenario(dir, TINY), '-o', out, '--workers', '1']);
  expect(run.code, run.err).toBe(0);
});

describe('progress without a terminal', () => {
  it('prints one line per finished job on stderr, none with --quiet', async () => {
    const jobs = run.lines.filter((l) => l.startsWith('anonsim: simulate '));
    expect(jobs).toHaveLength(4);
    for (const [i, l] of jobs.entries())
      expect(l).toMatch(
        new RegExp(`^anonsim: simulate ${i + 1}/4 done: replicate [01], (signal|simplex) \\(\\d+\\.\\d s elapsed\\)$`),
      );
    const quiet = await cli(['run', writeScenario(dir, TINY, 'q.yaml'), '-o', join(dir, 'q'), '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.lines.filter((l) => l.startsWith('anonsim: simulate'))).toEqual([]);
  });
});

describe('anonsim validate', () => {
  it('says how many cells, jobs, worlds and evaluations the scenario makes', async () => {
    const r = await cli(['validate', writeScenario(dir, `${TINY}sweep:\n  workload.users: [50, 60, 70]\n`, 'v.yaml')]);
    expect(r.code, r.err).toBe(0);
    const lines = r.lines.filter((l) => l.startsWith('anonsim: '));
    // 3 cells (each changes the workload, so each simulates) × 2 replicates × 2 designs.
    expect(lines[0]).toBe(
      'anonsim: 3 sweep cells × 2 replicates × 2 design items: 12 simulation jobs, 12 simulated worlds',
    );
    // 2 attacks × (6 Simplex worlds × 2 adversaries + 6 Signal worlds × 1 view: its single
    // server and colluding set hold its one service and are evaluated once).
    expect(lines[1]).toMatch(/^anonsim: about [\d,]+ deliveries simulated and 36 attack evaluations/);
    expect(lines[2]).toMatch(/^anonsim: rough cost: \d+ (s|min|h) of CPU, about .* with \d+ workers?/);
    expect(lines[3]).toMatch(
      /^anonsim: peak memory: about [\d.,]+ MB for the largest job, [\d.,]+ MB for the run with \d+ workers?/,
    );
  });
});

describe('anonsim tables', () => {
  it('prints the attacks table from aggregate.csv (strongest attack in bold)', async () => {
    const r = await cli(['tables', out, 'attacks']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('| design | adversary | identifier | timing | latency p50 | bytes/message |');
    const agg = parseCsv(readFileSync(join(out, 'aggregate.csv'), 'utf8')).rows;
    expect(lines).toHaveLength(2 + 4);
    for (const line of lines.slice(2)) {
      const [, design, adversary, id, timing] = line.split('|').map((c) => c.trim());
      const top = (attack: string) =>
        Number(agg.find((a) => a.design === design && a.adversary === adversary && a.attack === attack)?.top1_mean);
      expect(id.replace(/\*/g, '')).toBe(top('identifier').toFixed(3));
      expect(timing.replace(/\*/g, '')).toBe(top('timing').toFixed(3));
      const bold = top('timing') > top('identifier') ? timing : id;
      expect(bold).toMatch(/^\*\*.*\*\*$/);
    }
  });

  it('refuses unknown tables, columns and adversaries with suggestions (exit 2)', async () => {
    const r = await cli(['tables', out, 'grid', '--rows', 'users', '--adversary', 'colluding-30']);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      `argv:1:4 --rows: "users" is not a column of ${join(out, 'aggregate.csv')}; expected a swept column (this run has no sweep)`,
      'argv:1:3 grid: grid needs --cols; expected --cols KEY with KEY a swept column',
      'argv:1:6 --adversary: no adversary "colluding-30" in this run; expected one of single-server, colluding-30% (did you mean colluding-30%?)',
    ]);
    const t = await cli(['tables', out, 'atacks']);
    expect(t.lines).toEqual([
      'argv:1:3 atacks: unknown table "atacks"; expected one of attacks, grid (did you mean attacks?)',
    ]);
    const missing = await cli(['tables', join(dir, 'nope'), 'attacks']);
    expect(missing.code).toBe(2);
    expect(missing.lines[0]).toMatch(
      /^argv:1:2 .*nope: .*nope\/aggregate\.csv does not exist; expected a results folder/,
    );
  });
});

describe('anonsim figures', () => {
  warnIfNoChromium('anonsim figures');
  it.runIf(haveChromium)('exports the named charts as SVG with the viewer controls set', async () => {
    const figs = join(dir, 'figs');
    const r = await cli(['figures', out, '-o', figs, 'one=overview,adversary=colluding-30%', 'exposure']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([join(figs, 'one.svg'), join(figs, 'exposure.svg')]);
    const svg = readFileSync(join(figs, 'one.svg'), 'utf8');
    expect(svg).toMatch(/^<svg|^<\?xml/);
    expect(svg).toContain('Deanonymization overview');
    // Every exported figure names what made it: manifest.json's version and commit.
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      anonsim: string;
      commit: string | null;
    };
    // The caption wraps at spaces into several text elements: join them back.
    const text = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((x) => x[1]).join(' ');
    expect(text).toContain(`Made with anonsim ${m.anonsim}${m.commit ? ` (commit ${m.commit.slice(0, 12)})` : ''}.`);
    expect(existsSync(join(figs, 'exposure.svg'))).toBe(true);
    const bad = await cli(['figures', out, '-o', figs, 'x=overveiw', 'y=overview,adversry=z']);
    expect(bad.code).toBe(2);
    expect(bad.lines).toEqual([
      'argv:1:6 y=overview,adversry=z: unknown control "adversry"; expected one of design, adversary, attack, metric, sweepKey, cell, message, pair (did you mean adversary?)',
    ]);
  });
});
