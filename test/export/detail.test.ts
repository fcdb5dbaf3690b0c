/**
 * The detail files of a real run (`anonsim run`, in-process) against independent computations from
 * the run's other files: roc.csv's area is summary.csv's pair_auc; distributions.csv's quantiles are
 * the nearest-rank quantiles of messages.csv; pairs.csv, ttfd.csv and messages.csv hold every sweep
 * cell with its sweep columns; aggregate.csv's intervals stay within [0, 1] and are empty with one
 * replicate; correlation.csv and candidates.csv are consistent with themselves and the truth columns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvParse } from 'd3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, writeScenario } from '../cli/helpers.js';

const KEY = 'adversaries.0.fraction';
const SCENARIO = `
name: detail
seed: 4
duration: 4min
warmup: 30s
replicates: 2
workload: { users: 60, contacts: 3, rate: 1/min }
designs:
  - design: signal
  - design: session
adversaries:
  - kind: colluding
    fraction: 0.2
  - kind: global-passive
attacks: [identifier, timing, flow]
sweep:
  ${KEY}: [0.2, 0.5]
`;

type Row = Record<string, string>;
let dir: string;
const read = (name: string): Row[] => csvParse(readFileSync(join(dir, name), 'utf8')) as unknown as Row[];
const head = (name: string): string[] => readFileSync(join(dir, name), 'utf8').split('\n')[0].split(',');
const view = (r: Row) => [r.design, r.adversary, r.attack, r.replicate, r[KEY]].join('|');

beforeAll(async () => {
  dir = join(tempDir(), 'out');
  const r = await cli([
    'run',
    writeScenario(tempDir(), SCENARIO),
    '-o',
    dir,
    '--quiet',
    '--messages',
    '--workers',
    '1',
  ]);
  expect(r.code, r.err).toBe(0);
}, 120_000);

describe('detail files of a real run', () => {
  it('roc.csv: one curve per view, (0,0) to (1,1), monotone, and its trapezoid area is pair_auc', () => {
    const curves = new Map<string, Row[]>();
    for (const r of read('roc.csv')) curves.set(view(r), [...(curves.get(view(r)) ?? []), r]);
    const summary = read('summary.csv').filter((r) => r.pair_auc !== '');
    expect(curves.size).toBe(summary.length);
    for (const s of summary) {
      const c = curves.get(view(s))!;
      const x = c.map((r) => Number(r.fpr));
      const y = c.map((r) => Number(r.tpr));
      expect([x[0], y[0], x.at(-1), y.at(-1)]).toEqual([0, 0, 1, 1]);
      let area = 0;
      for (let k = 1; k < x.length; k++) {
        expect(x[k]).toBeGreaterThanOrEqual(x[k - 1]);
        expect(y[k]).toBeGreaterThanOrEqual(y[k - 1]);
        area += ((x[k] - x[k - 1]) * (y[k] + y[k - 1])) / 2;
      }
      expect(Math.abs(area - Number(s.pair_auc))).toBeLessThan(5e-6);
      expect(c.length).toBeLessThanOrEqual(400);
    }
    expect(head('roc.csv')).toEqual(['design', 'adversary', 'attack', 'replicate', KEY, 'fpr', 'tpr', 'threshold']);
  });

  it('distributions.csv: the nearest-rank quantiles of the per-delivery columns of messages.csv', () => {
    const messages = new Map<string, Row[]>();
    for (const r of read('messages.csv')) messages.set(view(r), [...(messages.get(view(r)) ?? []), r]);
    const dist = read('distributions.csv');
    expect(dist.length).toBe(read('summary.csv').length * 4);
    const col: Record<string, (r: Row) => number> = {
      entropy_bits: (r) => Number(r.entropy_bits),
      anonymity_set: (r) => 2 ** Number(r.entropy_bits),
      candidates: (r) => Number(r.candidates),
      true_rank: (r) => Number(r.true_rank),
    };
    for (const d of dist) {
      const rows = messages.get(view(d))!;
      expect(Number(d.deliveries)).toBe(rows.length);
      const sorted = rows.map(col[d.metric]).sort((a, b) => a - b);
      for (let q = 0; q <= 100; q += 5) {
        const rank = Math.min(sorted.length, Math.max(1, Math.ceil((q / 100) * sorted.length)));
        // messages.csv carries entropy to 6 digits, so 2^H is compared to 6 digits too.
        expect(Number(d[`p${q}`])).toBeCloseTo(sorted[rank - 1], d.metric === 'anonymity_set' ? 3 : 4);
      }
    }
  });

  it('pairs, ttfd and messages hold every sweep cell, with the sweep column last', () => {
    for (const f of ['pairs.csv', 'ttfd.csv', 'messages.csv']) {
      expect(head(f).at(-1)).toBe(KEY);
      expect(new Set(read(f).map((r) => r[KEY]))).toEqual(new Set(['0.2', '0.5']));
    }
    // ttfd covers every replicate; pairs replicate 0 only (no replicate column).
    expect(new Set(read('ttfd.csv').map((r) => r.replicate))).toEqual(new Set(['0', '1']));
    expect(head('pairs.csv')).not.toContain('replicate');
    // A ttfd pair identified strictly is in the tied top no later, with a tie of 1 there if at the same message.
    for (const t of read('ttfd.csv')) {
      if (t.messages_until_identified === '') continue;
      expect(Number(t.messages_until_tied_top)).toBeLessThanOrEqual(Number(t.messages_until_identified));
      if (t.messages_until_tied_top === t.messages_until_identified) expect(t.tied_top).toBe('1');
    }
  });

  it('aggregate.csv: proportions within [0, 1], every interval around its mean', () => {
    const agg = read('aggregate.csv');
    for (const a of agg) {
      expect(a.replicates).toBe('2');
      for (const m of ['top1', 'top5', 'pair_auc', 'pair_precision', 'excluded']) {
        if (a[`${m}_mean`] === '') continue;
        expect(Number(a[`${m}_lo`])).toBeGreaterThanOrEqual(0);
        expect(Number(a[`${m}_hi`])).toBeLessThanOrEqual(1);
        expect(Number(a[`${m}_lo`])).toBeLessThanOrEqual(Number(a[`${m}_mean`]));
        expect(Number(a[`${m}_hi`])).toBeGreaterThanOrEqual(Number(a[`${m}_mean`]));
      }
    }
  });

  it('correlation.csv and candidates.csv: sampled true pairs of replicate 0, per cell, bounded', () => {
    const ttfdPairs = new Set(read('ttfd.csv').map((t) => `${t.design}|${t.sender}|${t.recipient}`));
    const corr = read('correlation.csv');
    expect(new Set(corr.map((r) => r.replicate))).toEqual(new Set(['0']));
    expect(new Set(corr.map((r) => r[KEY]))).toEqual(new Set(['0.2', '0.5']));
    for (const r of corr) {
      expect(ttfdPairs.has(`${r.design}|${r.sender}|${r.recipient}`)).toBe(true);
      expect(Number(r.sample)).toBeLessThanOrEqual(3);
      expect(Number(r.t_s)).toBeCloseTo(Number(r.window) * Number(r.window_s), 6);
      expect(Math.abs(Number(r.r_sender))).toBeLessThanOrEqual(1);
    }
    const cand = read('candidates.csv');
    const perDelivery = new Map<string, Row[]>();
    for (const r of cand) {
      const k = `${view(r)}|${r.sample}`;
      perDelivery.set(k, [...(perDelivery.get(k) ?? []), r]);
    }
    for (const rows of perDelivery.values()) {
      const users = new Map(rows.map((r) => [r.candidate, Number(r.posterior)]));
      expect(users.size).toBeLessThanOrEqual(13);
      expect(
        [...rows.filter((r) => r.is_true === 'true').map((r) => r.candidate)].every((c) => c === rows[0].sender),
      ).toBe(true);
      const total = [...users.values()].reduce((a, b) => a + b, 0) + Number(rows[0].other_mass);
      expect(total).toBeCloseTo(1, 4);
    }
  });
});
