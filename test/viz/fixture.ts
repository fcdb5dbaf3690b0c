/**
 * A small hand-written results folder for the viewer tests, following CONTRACT §3 column by column:
 * 4 designs (one named like an HTML injection), 2 adversaries, 2 attacks, 2 replicates, a sweep over
 * `adversaries.0.fraction` (3 cells), pairs, ttfd, messages and three message timelines.
 * Independent of the simulation pipeline: values come from a tiny seeded generator.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepRates } from '../../src/export/rates.js';
import { METRICS } from '../../src/metrics/schema.js';

export const XSS = '<img src=x onerror=alert(1)>';
export const DESIGNS = ['signal', 'session', 'simplex', XSS];
export const ADVERSARIES = ['colluding-10%', 'global-passive'];
export const ATTACKS = ['timing', 'identifier'];
export const SWEEP_KEY = 'adversaries.0.fraction';
export const SWEEP_VALUES = [0.05, 0.1, 0.2];
export const REPLICATES = 2;
export const USERS = 50;
export const TITLE = `fixture ${XSS} </script><!-- run`;

const SUMMARY_HEAD = ['design', 'adversary', 'attack', 'replicate', 'seed', 'users', 'messages', ...METRICS, SWEEP_KEY];
const VECTORS = [
  'real_world_identifier',
  'social_graph',
  'ip_visible',
  'group_membership',
  'global_passive',
  'push_infrastructure',
];

/** Measured grades per design (article order: signal, session, simplex); the XSS design is not in the article. */
const GRADES: Record<string, string> = {
  signal: 'XAAAXX', // article: X A X A X X → ip_visible differs
  session: 'AAAAPX', // article: A A A A P X → agrees
  simplex: 'AAAAXX', // article: A A A A P P → global_passive and push_infrastructure differ
  [XSS]: 'PXPXPX',
};
export const ARTICLE_DIFFERENCES = 3;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csvField(v: string | number | boolean | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(head: string[], rows: (string | number | boolean | null)[][]): string {
  return `${[head, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

export interface Fixture {
  dir: string;
  files: Record<string, string>;
  timelines: { design: string; message: number; sender: number; recipient: number; hops: unknown[] }[];
  /** pairs.csv rows as objects, for expected counts. */
  pairs: {
    design: string;
    adversary: string;
    attack: string;
    sender: number;
    recipient: number;
    score: number;
    is_true: boolean;
  }[];
  aggregateRows: number;
}

export function makeFixture(dir: string): Fixture {
  mkdirSync(dir, { recursive: true });
  const rand = rng(7);
  const summary: (string | number)[][] = [];
  const aggregate: (string | number)[][] = [];
  const roc: (string | number)[][] = [];
  for (const fraction of SWEEP_VALUES) {
    DESIGNS.forEach((design, di) => {
      ADVERSARIES.forEach((adversary, ai) => {
        ATTACKS.forEach((attack, ki) => {
          const reps: number[][] = [];
          for (let rep = 0; rep < REPLICATES; rep++) {
            const strength = (1 + ai) * (1 + ki) * fraction * (4 - di);
            const top1 = r4(Math.min(1, 1 / USERS + strength * 0.5 + rand() * 0.02));
            const top5 = r4(Math.min(1, top1 * 2.5));
            const entropy = r4(Math.log2(USERS) * (1 - Math.min(0.95, strength)) + rand() * 0.1);
            const set = r4(2 ** entropy);
            const auc = r4(0.5 + Math.min(0.49, strength / 2));
            // roc.csv (replicate 0): (0,0), (1 − auc, auc), (1,1), whose trapezoid area is auc.
            if (rep === 0)
              for (const [f, t, th] of [
                [0, 0, 'inf'],
                [r4(1 - auc), auc, 0.5],
                [1, 1, 0],
              ])
                roc.push([design, adversary, attack, rep, fraction, f, t, th]);
            const prec = r4(Math.min(1, strength));
            const p50 = r4(40 + di * 120 + rand() * 5);
            const p95 = r4(p50 * 1.8);
            const bytes = r4(900 + di * 1500 + rand() * 10);
            const vals = [top1, top5, entropy, set, auc, prec, p50, p95, bytes];
            reps.push(vals);
            summary.push([design, adversary, attack, rep, 1000 + rep, USERS, 120 + rep, ...vals, fraction]);
          }
          const stats = METRICS.flatMap((_, mi) => {
            const v = reps.map((r) => r[mi]);
            const mean = v.reduce((a, b) => a + b, 0) / v.length;
            const half = Math.abs(v[0] - v[1]) * 6.35; // t(0.975, 1) · sd / √2
            return [r4(mean), r4(mean - half), r4(mean + half)];
          });
          aggregate.push([design, adversary, attack, REPLICATES, ...stats, fraction]);
        });
      });
    });
  }
  const aggHead = [
    'design',
    'adversary',
    'attack',
    'replicates',
    ...METRICS.flatMap((m) => [`${m}_mean`, `${m}_lo`, `${m}_hi`]),
    SWEEP_KEY,
  ];

  const exposure = DESIGNS.flatMap((design) =>
    VECTORS.map((vector, vi) => {
      const grade = GRADES[design][vi];
      const source = vector === 'real_world_identifier' ? 'input' : 'measured';
      return [design, vector, grade === 'A' ? 0 : grade === 'P' ? 0.42 : 1, grade, source];
    }),
  );

  const pairs: Fixture['pairs'] = [];
  for (const design of DESIGNS)
    for (const adversary of ADVERSARIES)
      for (const attack of ATTACKS) {
        const n = adversary === 'global-passive' ? 16 : 12;
        for (let i = 0; i < n; i++) {
          const sender = i % 8;
          const recipient = 10 + ((i * 3 + (i >= 8 ? 1 : 0)) % 14);
          const isTrue = i % 3 === 0;
          pairs.push({
            design,
            adversary,
            attack,
            sender,
            recipient,
            score: r4((isTrue ? 0.25 : 0) + rand() * 0.6),
            is_true: isTrue,
          });
        }
      }

  const ttfd: (string | number | null)[][] = [];
  const messages: (string | number)[][] = [];
  for (let rep = 0; rep < REPLICATES; rep++)
    for (const design of DESIGNS)
      for (const adversary of ADVERSARIES)
        for (const attack of ATTACKS) {
          for (let p = 0; p < 5; p++) {
            const sent = 3 + p;
            const found = p < 3 ? 1 + ((p + rep) % sent) : null;
            ttfd.push([
              rep,
              design,
              adversary,
              attack,
              p,
              20 + p,
              sent,
              found,
              found === null ? null : r4(found * 12.5),
            ]);
          }
          for (let k = 0; k < 6; k++) {
            const entropy = r4(rand() * Math.log2(USERS));
            const sentMs = 1000 * k + rep;
            messages.push([
              rep,
              design,
              adversary,
              attack,
              k,
              k % 5,
              10 + k,
              sentMs,
              sentMs + 80,
              1 + (k % 4),
              USERS,
              entropy,
            ]);
          }
        }

  const both = ['colluding-10%', 'global-passive'];
  const hop = (
    from: string,
    to: string,
    fromRole: string,
    toRole: string,
    t: number,
    kind: string,
    heldBy: string[],
    sees = `ip of ${from}; 1200 bytes`,
  ) => ({ from, to, fromRole, toRole, tTxMs: t, tRxMs: t + 30, bytes: 1200, kind, sees, heldBy });
  const timelines: Fixture['timelines'] = [
    {
      design: 'signal',
      message: 3,
      sender: 1,
      recipient: 2,
      hops: [
        hop(
          'user-1',
          'server-0',
          'user',
          'server',
          1000,
          'message',
          both,
          'ip of user-1; recipient account 2; 1200 bytes',
        ),
        hop('server-0', 'user-2', 'server', 'user', 1031, 'message', both),
        hop('user-2', 'server-0', 'user', 'server', 1065, 'receipt', both),
        hop('server-0', 'user-1', 'server', 'user', 1096, 'receipt', both),
      ],
    },
    {
      design: 'session',
      message: 5,
      sender: 4,
      recipient: 9,
      hops: [
        hop('user-4', 'snode-12', 'user', 'snode', 2000, 'message', ['global-passive']),
        hop('snode-12', 'snode-40', 'snode', 'snode', 2031, 'message', both),
        hop('snode-40', 'snode-7', 'snode', 'snode', 2062, 'message', both),
        hop('snode-7', 'snode-99', 'snode', 'snode', 2093, 'replicate', ['global-passive']),
        hop('user-9', 'snode-99', 'user', 'snode', 4000, 'poll', ['global-passive']),
        hop('snode-99', 'user-9', 'snode', 'user', 4031, 'fetch', ['global-passive']),
      ],
    },
    {
      design: XSS,
      message: 7,
      sender: 0,
      recipient: 1,
      hops: [
        hop(XSS, `${XSS}-relay`, 'user', 'relay', 10, `<b>${XSS}</b>`, [XSS], `sees ${XSS} </script><!--`),
        hop(`${XSS}-relay`, 'user-1', 'relay', 'user', 45, 'message', []),
      ],
    },
  ];

  const files: Record<string, string> = {
    summary: csv(SUMMARY_HEAD, summary),
    aggregate: csv(aggHead, aggregate),
    exposure: csv(['design', 'vector', 'value', 'grade', 'source'], exposure),
    pairs: csv(
      ['design', 'adversary', 'attack', 'sender', 'recipient', 'score', 'is_true'],
      pairs.map((p) => [p.design, p.adversary, p.attack, p.sender, p.recipient, p.score, p.is_true]),
    ),
    roc: csv(['design', 'adversary', 'attack', 'replicate', SWEEP_KEY, 'fpr', 'tpr', 'threshold'], roc),
    ttfd: csv(
      [
        'replicate',
        'design',
        'adversary',
        'attack',
        'sender',
        'recipient',
        'messages_sent',
        'messages_until_identified',
        'time_until_identified_s',
      ],
      ttfd,
    ),
    messages: csv(
      [
        'replicate',
        'design',
        'adversary',
        'attack',
        'message',
        'sender',
        'recipient',
        'sent_ms',
        'delivered_ms',
        'true_rank',
        'candidates',
        'entropy_bits',
      ],
      messages,
    ),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.csv`), text);
  writeFileSync(
    join(dir, 'manifest.json'),
    `${JSON.stringify({ version: '0.1.0', scenario: { name: TITLE }, seeds: [1000, 1001] }, null, 2)}\n`,
  );
  return { dir, files, timelines, pairs, aggregateRows: aggregate.length };
}

/** The countermeasure sweep fixture: 2 × 2 cells over mixing delay and cover rate, with message rates. */
export const CM_DESIGNS = ['signal', 'session', 'simplex'];
export const CM_KEYS = ['designs.*.mixDelay', 'designs.*.coverRate'];
export const CM_MIX = ['0s', '30s'];
export const CM_COVER = ['0/s', '1/min'];
export const CM_ATTACKS = ['timing', 'flow'];
export const CM_USERS = 150;
/** Real messages per user per second (1/5min with replies answered half the time) and cover at 1/min. */
export const CM_REAL = 0.00666667;
export const CM_COVER_RATE = 0.0166667;

export interface CmFixture {
  dir: string;
  files: Record<string, string>;
  rates: SweepRates;
  /** Per attack: (latency p50 ms, bytes per message, top1) of every design × cell, in aggregate order. */
  points: Record<string, { design: string; cell: number; latency: number; bytes: number; top1: number }[]>;
  cells: number;
}

/**
 * A results folder of a 2 × 2 countermeasure sweep (`designs.*.mixDelay` × `designs.*.coverRate`)
 * for 3 designs, one adversary, 2 attacks and 2 replicates: mixing buys top1 with latency, cover
 * buys it with bytes. `rates` is what `anonsim run` records; with `withManifestRates` it is also
 * written into manifest.json (as `anonsim view` reads it).
 */
export function makeCountermeasureFixture(dir: string, withManifestRates = true): CmFixture {
  mkdirSync(dir, { recursive: true });
  const rand = rng(11);
  const summary: (string | number)[][] = [];
  const aggregate: (string | number)[][] = [];
  const points: CmFixture['points'] = Object.fromEntries(CM_ATTACKS.map((a) => [a, []]));
  const rates: CmFixture['rates'] = { unit: 'messages per user per second', keys: CM_KEYS, cells: [] };
  let cell = 0;
  for (const mix of CM_MIX)
    for (const cover of CM_COVER) {
      const mixed = mix !== '0s';
      const covered = cover !== '0/s';
      rates.cells.push({
        cell,
        values: [mix, cover],
        designs: CM_DESIGNS.map((name) => ({
          name,
          realPerUserPerS: CM_REAL,
          coverPerUserPerS: covered ? CM_COVER_RATE : 0,
        })),
      });
      CM_DESIGNS.forEach((design, di) => {
        CM_ATTACKS.forEach((attack, ki) => {
          const reps: number[][] = [];
          for (let rep = 0; rep < REPLICATES; rep++) {
            const top1 = r4(
              Math.min(1, (0.9 - 0.2 * di - 0.3 * ki) * (mixed ? 0.15 : 1) * (covered ? 0.5 : 1) + rand() * 0.01),
            );
            const p50 = r4(80 + 900 * di + (mixed ? 10_000 + 20_000 * di : 0) + rand() * 3);
            const bytes = r4((3500 + 60_000 * di) * (covered ? 3 : 1) + rand() * 10);
            const vals = [top1, r4(Math.min(1, top1 * 2)), 4, 16, 0.9, 0.5, p50, r4(p50 * 1.5), bytes];
            reps.push(vals);
            summary.push([design, 'global-passive', attack, rep, 1 + rep, CM_USERS, 600 + rep, ...vals, mix, cover]);
          }
          const stats = METRICS.flatMap((_, mi) => {
            const v = reps.map((r) => r[mi]);
            const mean = v.reduce((a, b) => a + b, 0) / v.length;
            const half = Math.abs(v[0] - v[1]) * 6.35;
            return [r4(mean), r4(mean - half), r4(mean + half)];
          });
          aggregate.push([design, 'global-passive', attack, REPLICATES, ...stats, mix, cover]);
          points[attack].push({ design, cell, latency: stats[18], bytes: stats[24], top1: stats[0] });
        });
      });
      cell++;
    }
  const files: Record<string, string> = {
    summary: csv([...SUMMARY_HEAD.slice(0, -1), ...CM_KEYS], summary),
    aggregate: csv(
      [
        'design',
        'adversary',
        'attack',
        'replicates',
        ...METRICS.flatMap((m) => [`${m}_mean`, `${m}_lo`, `${m}_hi`]),
        ...CM_KEYS,
      ],
      aggregate,
    ),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.csv`), text);
  writeFileSync(
    join(dir, 'manifest.json'),
    `${JSON.stringify({ scenario: { name: 'countermeasures' }, ...(withManifestRates ? { rates } : {}) }, null, 2)}\n`,
  );
  return { dir, files, rates, points, cells: cell };
}
