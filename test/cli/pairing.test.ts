/**
 * Common random numbers across design items, through the CLI: a design item's name is only a
 * label (renaming leaves every CSV byte-identical apart from the label), and variants of one
 * design in one replicate hold the same hosts when the parameter they differ in does not touch
 * placement. Also what manifest.json records of the held hosts, and the small-set warning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writeScenario } from './helpers.js';

const CSVS = ['summary.csv', 'aggregate.csv', 'exposure.csv', 'pairs.csv', 'ttfd.csv'];

interface Held {
  cell: number;
  replicate: number;
  design: string;
  adversary: string;
  kind: string;
  hosts: string[];
}

function scenario(names: [string, string, string, string]): string {
  const [a, b, c, d] = names;
  return `name: pairing
duration: 4min
warmup: 30s
replicates: 3
workload: { users: 60, contacts: 4, rate: 1/2min }
designs:
  - { design: simplex, name: ${a}, privateRouting: always }
  - { design: simplex, name: ${b}, privateRouting: never }
  - { design: session, name: ${c}, nodes: 60, guards: 2 }
  - { design: session, name: ${d}, nodes: 60, guards: 0 }
adversaries:
  - kind: colluding
    fraction: 0.2
attacks: [identifier, timing]
`;
}

async function run(dir: string, text: string, out: string): Promise<{ files: Record<string, string>; held: Held[] }> {
  const r = await cli(['run', writeScenario(dir, text, `${out}.yaml`), '-o', join(dir, out), '--quiet']);
  expect(r.code, r.err).toBe(0);
  const files: Record<string, string> = {};
  for (const f of CSVS) files[f] = readFileSync(join(dir, out, f), 'utf8');
  const manifest = JSON.parse(readFileSync(join(dir, out, 'manifest.json'), 'utf8')) as { held: Held[] };
  return { files, held: manifest.held };
}

describe('design item names are labels; variants share draws', () => {
  it('renaming items changes nothing but the labels, and variants hold the same hosts', async () => {
    const dir = tempDir();
    const first = await run(dir, scenario(['simplex-pr', 'simplex-nopr', 'session-guards', 'session-fresh']), 'a');
    const second = await run(dir, scenario(['x1', 'zz-renamed', 'q', 'another-label']), 'b');
    const relabel = (t: string) =>
      t
        .replace(/\bsimplex-pr\b/g, 'x1')
        .replace(/\bsimplex-nopr\b/g, 'zz-renamed')
        .replace(/\bsession-guards\b/g, 'q')
        .replace(/\bsession-fresh\b/g, 'another-label');
    for (const f of CSVS) expect(second.files[f], f).toBe(relabel(first.files[f]));
    expect(JSON.parse(relabel(JSON.stringify(first.held)))).toEqual(second.held);

    // Variants of one design: the same held hosts replicate by replicate (privateRouting and
    // guards do not change the infrastructure), and the draws do differ between replicates.
    const held = first.held;
    const hostsOf = (design: string, replicate: number) =>
      held.find((h) => h.design === design && h.replicate === replicate)?.hosts;
    for (const [a, b] of [
      ['simplex-pr', 'simplex-nopr'],
      ['session-guards', 'session-fresh'],
    ]) {
      const perReplicate = [0, 1, 2].map((r) => hostsOf(a, r));
      for (let r = 0; r < 3; r++) {
        expect(hostsOf(a, r), `${a} replicate ${r}`).toBeDefined();
        expect(hostsOf(b, r), `${b} vs ${a}, replicate ${r}`).toEqual(hostsOf(a, r));
      }
      expect(new Set(perReplicate.map((h) => JSON.stringify(h))).size, `${a}: replicates draw anew`).toBeGreaterThan(1);
    }
    // 20 % of SimpleX's 18 hosts (17 relays + notification server) is round(3.6) = 4; of 60 nodes 12.
    expect(hostsOf('simplex-pr', 0)).toHaveLength(4);
    expect(hostsOf('session-guards', 0)).toHaveLength(12);
    // summary.csv's held column counts the hosts the manifest lists.
    const lines = first.files['summary.csv'].trim().split('\n');
    const cols = lines[0].split(',');
    for (const line of lines.slice(1)) {
      const row = line.split(',');
      const h = held.find(
        (x) => x.design === row[cols.indexOf('design')] && x.replicate === Number(row[cols.indexOf('replicate')]),
      );
      expect(Number(row[cols.indexOf('held')])).toBe(h?.hosts.length);
    }
  });

  it('warns when a fraction holds fewer than 5 hosts of a larger infrastructure', async () => {
    const dir = tempDir();
    const file = writeScenario(
      dir,
      'designs:\n  - design: simplex\n  - design: session\n  - design: signal\nadversaries:\n  - kind: colluding\n    fraction: 0.1\n',
    );
    const r = await cli(['validate', file]);
    expect(r.code, r.err).toBe(0);
    const warnings = r.lines.filter((l) => l.includes('warning'));
    // SimpleX: round(0.1 × 18) = 2 of 18; Session's 2000 nodes and Signal's one service are not warned about.
    expect(warnings).toEqual([
      `${file}:7:5 adversaries.0.fraction: warning: 10 % holds only 2 of simplex's 18 infrastructure hosts (round(fraction × hosts), at least 1); which hosts a replicate draws then decides much of its result: expect wide intervals and use more replicates (or --precision), or give count`,
    ]);
    const none = await cli([
      'validate',
      writeScenario(
        dir,
        'designs:\n  - design: simplex\nadversaries:\n  - kind: colluding\n    fraction: 0.3\n',
        'b.yaml',
      ),
    ]);
    expect(none.lines.filter((l) => l.includes('warning'))).toEqual([]);
  });
});
