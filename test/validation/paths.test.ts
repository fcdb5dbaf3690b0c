/**
 * Onion-path compromise, attacks-and-validation.md Part B V1, V2, V3, V5 (and A4's g-guard
 * case), on Session's own path-selection code (src/designs/session/paths.ts, the functions the
 * design calls) and, for V1, on the full Session simulation. The adversary holds k = 100 of
 * n = 1000 snodes, chosen by makeView's colluding rule on the built design. A path is
 * compromised when its first and last hop are both held (timing correlation assumed perfect).
 * Tolerance: 4σ over the stated independent unit (messages for V1, clients for V2–V5).
 * Hops are distinct within a path (the 0.00991 case, not 0.0100 with replacement).
 */
import { describe, expect, it } from 'vitest';
import { makeView } from '../../src/adversary/adversaries.js';
import { parseDist } from '../../src/core/dist.js';
import { type Rng, Streams } from '../../src/core/rng.js';
import { parseDuration, parseRate, SEC } from '../../src/core/time.js';
import { session } from '../../src/designs/session/index.js';
import { buildPaths, freshPath, selectGuards } from '../../src/designs/session/paths.js';
import type { Net } from '../../src/net/net.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { type Params, runDesign, spec } from '../designs/harness.js';

const n = 1000;
const k = 100;
/** k(k−1)/(n(n−1)): first and last of 3 distinct uniform hops both held. */
const p1 = (k * (k - 1)) / (n * (n - 1));
const q = (k - 1) / (n - 1);
const HOUR = parseDuration('1h');

interface Built {
  net: Net;
  users: number;
  /** held[host] for the colluding view. */
  held: Uint8Array;
  /** held[node index] (node i = host base + i). */
  heldNode: Uint8Array;
}

/** Builds Session with n snodes (and runs it when users > 0), and draws the k-node colluding set. */
function build(seed: number, over: Params = {}, users = 2, rate = '0/h'): Built {
  const w = generateWorkload(
    spec(users, HOUR, {
      contacts: Math.min(4, users - 1),
      rate: parseRate(rate),
      replyProbability: 0,
      thinkTime: parseDist('10s'),
      messageSize: parseDist('100', 'number'),
      groups: { count: 0, size: 2, rate: 0 },
      online: { model: 'always', on: parseDist('1h'), off: parseDist('1h') },
      platforms: { android: 0, ios: 0 },
    }),
    new Streams(seed),
  );
  const { built, hosts, net, streams } = runDesign(session, w, { nodes: n, ...over }, seed, HOUR, {
    processing: '0s',
    latency: '30ms',
    netStream: 'design/session/net',
    drain: 60 * SEC,
  });
  const view = makeView(
    { kind: 'colluding', name: 'k100', count: k },
    built,
    hosts.count,
    streams.sub('adversary/session'),
  );
  const base = built.infra[0];
  const heldNode = Uint8Array.from({ length: n }, (_, i) => view.held[base + i]);
  let count = 0;
  for (const x of heldNode) count += x;
  expect(count).toBe(k);
  expect(built.infra).toEqual(Array.from({ length: n }, (_, i) => base + i));
  return { net, users: w.users, held: view.held, heldNode };
}

/** 4σ half-width for a proportion p from M independent units. */
const tol = (p: number, M: number): number => 4 * Math.sqrt((p * (1 - p)) / M);

/** One `guards: 0` request: a fresh path avoiding a uniformly placed destination, as the design draws it. */
function freshCompromised(rng: Rng, held: Uint8Array, path: Int32Array): boolean {
  freshPath(rng, n, 3, Math.floor(rng() * n), path, 0);
  return held[path[0]] === 1 && held[path[2]] === 1;
}

describe('V1: random 3-hop paths, no guards (unit: message)', () => {
  it('P(first and last hop held) = k(k−1)/(n(n−1)) = 0.00990991 over 10^6 messages and 20 colluding sets', () => {
    const path = new Int32Array(3);
    let both = 0;
    let any = 0;
    let all = 0;
    const M = 1_000_000;
    const seeds = 20;
    for (let s = 0; s < seeds; s++) {
      const { heldNode } = build(100 + s);
      const rng = new Streams(100 + s).stream('v1');
      for (let i = 0; i < M / seeds; i++) {
        if (freshCompromised(rng, heldNode, path)) both++;
        const h = heldNode[path[0]] + heldNode[path[1]] + heldNode[path[2]];
        if (h > 0) any++;
        if (h === 3) all++;
      }
    }
    expect(p1).toBeCloseTo(0.00990991, 8);
    expect(Math.abs(both / M - p1)).toBeLessThan(tol(p1, M));
    expect(Math.abs(any / M - 0.271243)).toBeLessThan(tol(0.271243, M));
    expect(Math.abs(all / M - 0.000973)).toBeLessThan(tol(0.000973, M) + 1e-6);
  });

  it('the full simulation with guards: 0 matches: requests whose guard and exit are both held', () => {
    // Every onion request (store, sync, retrieve) is a fresh path; given the held set, requests
    // are independent, so the unit is the request.
    let reqs = 0;
    let both = 0;
    for (const seed of [1, 2, 3]) {
      const { net, users, held } = build(seed, { guards: 0 }, 1500, '1/10min');
      const log = net.log;
      const nextOf = new Int32Array(log.length).fill(-1);
      for (let x = 0; x < log.length; x++) if (log.prev[x] >= 0 && nextOf[log.prev[x]] < 0) nextOf[log.prev[x]] = x;
      for (let i = 0; i < log.length; i++) {
        if (log.from[i] >= users || log.prev[i] !== -1) continue;
        const exit = log.to[nextOf[nextOf[i]]];
        reqs++;
        if (held[log.to[i]] && held[exit]) both++;
      }
    }
    expect(reqs).toBeGreaterThan(50_000);
    expect(Math.abs(both / reqs - p1)).toBeLessThan(tol(p1, reqs));
  });
});

describe('V2: exposure over m fresh paths (unit: client)', () => {
  it('P(client has ≥ 1 compromised message) = 1 − (1 − 0.00990991)^m', () => {
    const path = new Int32Array(3);
    const cases: [number, number, number][] = [
      [10, 0.09479, 10_000],
      [50, 0.39224, 10_000],
      [100, 0.63062, 10_000],
      [500, 0.99312, 2_000],
    ];
    const sets = [0, 1, 2, 3].map((s) => build(200 + s).heldNode);
    for (const [m, expected, M] of cases) {
      expect(1 - (1 - p1) ** m).toBeCloseTo(expected, 5);
      const rng = new Streams(200 + m).stream('v2');
      let hit = 0;
      for (let c = 0; c < M; c++) {
        const held = sets[c % sets.length];
        let bad = false;
        for (let i = 0; i < m && !bad; i++) bad = freshCompromised(rng, held, path);
        if (bad) hit++;
      }
      expect(Math.abs(hit / M - expected)).toBeLessThan(tol(expected, M));
    }
  });
});

describe('V3: one persistent guard (unit: client)', () => {
  it('P(compromised within m) = (k/n)[1 − (1 − (k−1)/(n−1))^m]; the message fraction stays 0.00991', () => {
    const sets = [0, 1, 2, 3].map((s) => build(300 + s).heldNode);
    const M = 20_000;
    const m = 100;
    const rng = new Streams(300).stream('v3');
    const paths = new Int32Array(3);
    let by10 = 0;
    let by100 = 0;
    let badMsgs = 0;
    let firstBad: number[] = [];
    for (let c = 0; c < M; c++) {
      const held = sets[c % sets.length];
      const guards = selectGuards(rng, n, 1);
      let first = -1;
      for (let i = 0; i < m; i++) {
        // Middle and last hop fresh per message, distinct from each other and the guard.
        buildPaths(rng, n, guards, 3, paths);
        if (held[paths[0]] && held[paths[2]]) {
          badMsgs++;
          if (first < 0) first = i + 1;
        }
      }
      if (first > 0 && first <= 10) by10++;
      if (first > 0) by100++;
      if (first > 0) firstBad.push(first);
    }
    const pm = (mm: number) => (k / n) * (1 - (1 - q) ** mm);
    expect(pm(10)).toBeCloseTo(0.06478, 5);
    expect(pm(100)).toBeCloseTo(0.099997, 5);
    expect(Math.abs(by10 / M - pm(10))).toBeLessThan(tol(pm(10), M));
    expect(Math.abs(by100 / M - pm(100))).toBeLessThan(tol(pm(100), M));
    // Message fraction: mean over clients of X = 1[guard held]·Bin(m, q)/m, clustered by client.
    const c = k / n;
    const varX = c * ((q * (1 - q)) / m + q * q) - (c * q) ** 2;
    expect(Math.abs(badMsgs / (M * m) - c * q)).toBeLessThan(4 * Math.sqrt(varX / M));
    expect(c * q).toBeCloseTo(0.00991, 5);
    // V5 with one guard: given a held guard, time to first compromise is geometric(q), mean 10.09.
    firstBad = firstBad.filter((t) => t <= m);
    const mean = firstBad.reduce((a, b) => a + b, 0) / firstBad.length;
    // Truncation at m = 100 removes (1 − q)^100 ≈ 3e-5 of the mass: negligible.
    expect(Math.abs(mean - 1 / q)).toBeLessThan((4 * Math.sqrt(1 - q)) / q / Math.sqrt(firstBad.length));
  });

  it('Session’s 2 guards: P(at least one held guard) = 1 − C(n−k, 2)/C(n, 2) = 0.19009', () => {
    const sets = [0, 1].map((s) => build(400 + s).heldNode);
    const rng = new Streams(400).stream('guards2');
    const M = 20_000;
    let hit = 0;
    for (let c = 0; c < M; c++) {
      const held = sets[c % 2];
      const g = selectGuards(rng, n, 2);
      if (held[g[0]] || held[g[1]]) hit++;
    }
    const expected = 1 - ((n - k) * (n - k - 1)) / (n * (n - 1));
    expect(expected).toBeCloseTo(0.19009, 5);
    expect(Math.abs(hit / M - expected)).toBeLessThan(tol(expected, M));
  });
});

describe('V5: time to first compromise without guards (unit: client)', () => {
  it('geometric with p = 0.00990991: mean 100.9, median 70, P(T ≤ 300) = 0.9496', () => {
    const sets = [0, 1, 2, 3].map((s) => build(500 + s).heldNode);
    const rng = new Streams(500).stream('v5');
    const path = new Int32Array(3);
    const M = 10_000;
    const T = new Float64Array(M);
    for (let c = 0; c < M; c++) {
      const held = sets[c % sets.length];
      let t = 1;
      while (!freshCompromised(rng, held, path)) t++;
      T[c] = t;
    }
    const mean = T.reduce((a, b) => a + b, 0) / M;
    expect(1 / p1).toBeCloseTo(100.91, 1);
    expect(Math.abs(mean - 1 / p1)).toBeLessThan((4 * Math.sqrt(1 - p1)) / p1 / Math.sqrt(M));
    const sorted = Array.from(T).sort((a, b) => a - b);
    const median = sorted[M / 2 - 1];
    expect(Math.ceil(Math.log(0.5) / Math.log(1 - p1))).toBe(70);
    // SD of the sample median ≈ 0.5/(f(70)·√M) ≈ 1 message.
    expect(Math.abs(median - 70)).toBeLessThanOrEqual(4);
    const within300 = sorted.filter((t) => t <= 300).length / M;
    const e300 = 1 - (1 - p1) ** 300;
    expect(e300).toBeCloseTo(0.9496, 4);
    expect(Math.abs(within300 - e300)).toBeLessThan(tol(e300, M));
  });
});
