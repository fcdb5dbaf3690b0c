/**
 * V1, V2, V3 (and V5's distribution) through the pipeline: scenario text → simulate → colluding
 * view → timing attack → summary.csv and ttfd.csv, against the closed forms of
 * attacks-and-validation.md Part B with Session's own "last hop". paths.test.ts checks the same
 * laws on the path-selection helpers; here the attack has to find what the paths expose.
 *
 * Session, n = 7000 snodes in swarms of 7, k = 700 colluding (c = k/n = 0.1), constant 30 ms links
 * and no processing (the delay from a departure to its store is a constant: timing links exactly),
 * no sync copy, every client always online. The first hop is the request's guard (it sees the
 * sender's address); the role of V1's last hop is taken by the recipient's swarm, whose members
 * read the recipient's account on the stored and replicated copy (p_e = 1 − C(n−k, 7)/C(n, 7),
 * persistent per recipient), and by the guard of the recipient's pickup, which sees the fetch
 * reach its device. A delivery is linked when its request guard is held and one of those is:
 *   swarm: the store's time is the departure's plus a constant, so the link is exact;
 *   pickup only: the fetch waits U(0, 5 s) for the poll, and the departures of other held-guard
 *     requests in that window compete: V10's accuracy A = (1 − e^{−Λw})/(Λw), w = 5 s,
 *     Λ = c·U·λ (acks and polls are ruled out by their sizes) — a term of 1 % of the total.
 *
 * - V1 (guards: 0, a fresh path per request; unit: delivery, swarm): the fraction of deliveries
 *   linked (top1) = c·[p_e + (1 − p_e)·c·A]: the analogue of k(k−1)/(n(n−1)).
 * - V2 / V5 (guards: 0; unit: pair): P(pair linked within its first m deliveries) =
 *   p_e·[1 − (1 − c)^m] + (1 − p_e)·[1 − (1 − c²A)^m]: grows with m as 1 − (1 − F)^m; the CDF of
 *   V5's time to first compromise (geometric with p = c in an exposed swarm).
 * - V3 (guards: 1, one persistent guard; unit: sender): P(pair linked within m) =
 *   c·[p_e + (1 − p_e)·c·(1 − (1 − A)^m)], flat in m (a held guard exposes its client at once,
 *   an honest one never), while the fraction of deliveries linked equals V1's (guards move risk
 *   between clients, they do not reduce it).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult, TtfdRow } from '../../src/pipeline/types.js';
import { runScenarioRows } from '../run-scenario.js';

const N = 7000;
const K = 700;
const SWARM = 7;
const USERS = 1500;
const REPLICATES = 2;
const RATE = 1 / 60; // messages per user per second
const POLL = 5; // s

/** C(n, k) / C(m, k) for n ≤ m, as a product. */
function chooseRatio(n: number, m: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r *= (n - i) / (m - i);
  return r;
}

const c = K / N;
const swarms = Math.floor(N / SWARM);
const pe = 1 - chooseRatio(N - K, N, SWARM); // N divisible by 7: every swarm has 7 nodes
const lw = c * USERS * RATE * POLL;
const A = (1 - Math.exp(-lw)) / lw;
/** Each swarm is exposed or not for all its recipients, whose shares vary (×2, as in anchors.test.ts). */
const swarmVar = (d: number) => (2 * d * d * pe * (1 - pe)) / (swarms * REPLICATES);

let run: RunResult;
beforeAll(async () => {
  run = await runScenarioRows(`
name: paths-pipeline
seed: 3
replicates: ${REPLICATES}
duration: 30min
warmup: 1min
network: { latency: 30ms }
workload:
  users: ${USERS}
  contacts: 2
  rate: 1/min
  replyProbability: 0
  groups: { count: 0 }
  online: { model: always }
  platforms: { android: 0, ios: 0 }
designs:
  - { design: session, name: guards-0, nodes: ${N}, swarmSize: ${SWARM}, syncCopy: false, guards: 0, processing: 0s }
  - { design: session, name: guards-1, nodes: ${N}, swarmSize: ${SWARM}, syncCopy: false, guards: 1, processing: 0s }
adversaries:
  - { kind: colluding, count: ${K} }
attacks: [timing]
`);
}, 180_000);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Pairs with at least m scored deliveries, and the share of them linked within their first m. */
function linkedWithin(design: string, m: number): { pairs: number; share: number } {
  const rows = run.ttfd.filter((r: TtfdRow) => r.design === design && r.messages_sent >= m);
  const hit = rows.filter((r) => r.messages_until_identified !== null && r.messages_until_identified <= m).length;
  return { pairs: rows.length, share: hit / rows.length };
}

const perMessage = c * (pe + (1 - pe) * c * A);

describe('V1 through the pipeline: fresh paths (guards: 0)', () => {
  it('fraction of deliveries linked = c·[p_e + (1 − p_e)·c·A] (4σ over swarms and deliveries)', () => {
    expect(pe).toBeCloseTo(1 - 0.9 ** 7, 3);
    const rows = run.summary.filter((r) => r.design === 'guards-0');
    expect(rows.length).toBe(REPLICATES);
    const n = rows.reduce((a, r) => a + r.deliveries, 0);
    const sd = Math.sqrt(swarmVar(c * (1 - c * A)) + (perMessage * (1 - perMessage)) / n);
    const top1 = mean(rows.map((r) => r.top1));
    expect(Math.abs(top1 - perMessage), `top1 ${top1} vs ${perMessage} ± ${4 * sd}`).toBeLessThan(4 * sd);
  });
});

describe('V2 / V5 through the pipeline: exposure over m fresh paths (guards: 0)', () => {
  for (const m of [1, 2, 5, 10]) {
    it(`P(pair linked within ${m}) = p_e·[1 − (1 − c)^m] + (1 − p_e)·[1 − (1 − c²A)^m] (4σ over swarms and pairs)`, () => {
      const g = 1 - (1 - c) ** m;
      const h = 1 - (1 - c * c * A) ** m;
      const p = pe * g + (1 - pe) * h;
      const { pairs, share } = linkedWithin('guards-0', m);
      expect(pairs).toBeGreaterThan(1500);
      const sd = Math.sqrt(swarmVar(g - h) + (p * (1 - p)) / pairs);
      expect(Math.abs(share - p), `${share} vs ${p} ± ${4 * sd}`).toBeLessThan(4 * sd);
    });
  }
});

describe('V3 through the pipeline: one persistent guard (guards: 1)', () => {
  const within = (m: number) => c * (pe + (1 - pe) * c * (1 - (1 - A) ** m));
  for (const m of [1, 5, 10]) {
    it(`P(pair linked within ${m}) = c·[p_e + (1 − p_e)·c·(1 − (1 − A)^m)]: flat in m (4σ over senders)`, () => {
      const p = within(m);
      const { pairs, share } = linkedWithin('guards-1', m);
      // A sender's guard is held for all its pairs: the unit is the sender (about 2 pairs each).
      const senders = USERS * REPLICATES;
      const sd = Math.sqrt(((p / c) ** 2 * c * (1 - c)) / senders + swarmVar(c * (1 - c * A)) + (p * (1 - p)) / pairs);
      expect(Math.abs(share - p), `${share} vs ${p} ± ${4 * sd}`).toBeLessThan(4 * sd);
    });
  }

  it('leaves the pair exposure at m = 10 far below fresh paths’ (guards concentrate risk)', () => {
    const fresh = linkedWithin('guards-0', 10).share;
    const guarded = linkedWithin('guards-1', 10).share;
    expect(fresh).toBeGreaterThan(4 * guarded);
  });

  it('links the same fraction of deliveries as fresh paths: c·[p_e + (1 − p_e)·c·A] (4σ over senders)', () => {
    const rows = run.summary.filter((r) => r.design === 'guards-1');
    const sd = Math.sqrt(((perMessage / c) ** 2 * c * (1 - c)) / (USERS * REPLICATES) + swarmVar(c * (1 - c * A)));
    const top1 = mean(rows.map((r) => r.top1));
    expect(Math.abs(top1 - perMessage), `top1 ${top1} vs ${perMessage} ± ${4 * sd}`).toBeLessThan(4 * sd);
  });
});
