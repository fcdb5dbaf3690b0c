/** Mixnet design: hop structure and prev chain, what each party reads, cover rates, determinism, conservation. */
import { describe, expect, it } from 'vitest';
import { observe } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { MIN, parseRate, SEC } from '../../src/core/time.js';
import { mixnet } from '../../src/designs/mixnet/index.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { Role } from '../../src/net/hosts.js';
import { Kind } from '../../src/net/log.js';
import { generateWorkload, isOnline } from '../../src/workload/generate.js';
import type { Workload } from '../../src/workload/types.js';
import { chain, handWorkload, logHash, type Params, type Run, rowsOf, runDesign, spec, viewOf } from './harness.js';

/** The harness with the mixnet's own processing time. */
const run = (w: Workload, over: Params = {}, seed = 1) =>
  runDesign(mixnet, w, over, seed, undefined, { processing: mixnet.processing.default });

const NO_COVER = { loopRate: '0/s', dropRate: '0/s' };

describe('mixnet: registry and parameters', () => {
  it('is registered and every parameter has a source', () => {
    expect(DESIGNS.get('mixnet')).toBe(mixnet);
    for (const s of mixnet.params) expect(s.source.length).toBeGreaterThan(0);
    // Out-of-bounds layers, providers, packet sizes: the scenario layer's (test/scenario/design-bounds.test.ts).
  });
});

describe('mixnet: hops and prev chain', () => {
  it('goes sender → provider → one mix per layer → recipient provider → (fetch) → recipient', () => {
    const { log, truth, built, hosts } = run(handWorkload(2, [{ t: SEC, s: 0, r: 1 }]), NO_COVER);
    expect(built.infra.length).toBe(4 + 3 * 3);
    expect(built.realWorldIdentifier).toBe(0);
    expect(built.pushHosts).toEqual([]);
    expect(hosts.role[built.central]).toBe(Role.provider);
    expect(truth.length).toBe(1);
    const c = chain(log, truth.finalRow[0]);
    expect(c.length).toBe(1 + 3 + 1 + 1);
    const hops = c.map((r) => [log.from[r], log.to[r]]);
    expect(hops[0][0]).toBe(0);
    expect(hops[5][1]).toBe(1);
    for (let k = 0; k + 1 < hops.length; k++) expect(hops[k][1]).toBe(hops[k + 1][0]);
    const roles = c.map((r) => hosts.role[log.to[r]]);
    expect(roles).toEqual([Role.provider, Role.mix, Role.mix, Role.mix, Role.provider, Role.user]);
    // One mix in each layer, in order.
    expect(c.slice(1, 4).map((r) => hosts.label[log.to[r]].split('-')[1])).toEqual(['1', '2', '3']);
    for (const r of c) {
      expect(log.bytes[r]).toBe(2048);
      expect(log.kind[r]).toBe(Kind.message);
      expect(log.msg[r]).toBe(0);
    }
    // Mixes hold a packet for processing + Exp(200 ms); providers only process (1–5 ms).
    for (let k = 1; k < c.length; k++) {
      const dwell = log.tTx[c[k]] - log.tRx[c[k - 1]];
      expect(dwell).toBeGreaterThanOrEqual(1e6);
      if (hosts.role[log.from[c[k]]] === Role.provider && k === 1) expect(dwell).toBeLessThanOrEqual(5e6);
    }
    // The final hop answers the recipient's fetch: the recipient's last fetch row before it.
    const fetches = rowsOf(log, (i) => log.kind[i] === Kind.fetch && log.from[i] === 1 && log.tRx[i] < log.tTx[c[5]]);
    const f = fetches[fetches.length - 1];
    expect(log.to[f]).toBe(log.from[c[5]]);
    expect(log.tTx[f]).toBeGreaterThanOrEqual(log.tRx[c[4]]);
    // Fetches happen at the user's phase + k·1s, so the inbox wait is under one interval (+ processing).
    expect(log.tTx[f] - log.tRx[c[4]]).toBeLessThan(SEC + 5e6);
    expect(truth.sender[0]).toBe(0);
    expect(truth.tSend[0]).toBe(SEC);
  });

  it('sends one packet per other group member, each on its own route', () => {
    const w = generateWorkload(
      spec(12, 5 * MIN, { rate: 0, groups: { count: 1, size: 6, rate: parseRate('1/min') } }),
      new Streams(3),
    );
    expect(w.count).toBeGreaterThan(0);
    const { log, truth } = run(w, NO_COVER);
    const origins = rowsOf(log, (i) => log.kind[i] === Kind.message && log.prev[i] === -1);
    expect(origins.length).toBe(w.count * 5);
    expect(truth.length).toBe(w.count * 5);
    for (let i = 0; i < truth.length; i++) expect(truth.group[i]).toBe(0);
  });
});

describe('mixnet: inbox fetches', () => {
  it('every fetch gets exactly fetchBatch fixed-size packets naming the user, dummies filling what is not stored', () => {
    // 60 s, user 1 receives one message; both users online and fetching every 1 s.
    const { log, truth, built, hosts } = run(handWorkload(2, [{ t: SEC, s: 0, r: 1 }]), {
      ...NO_COVER,
      fetchBatch: 2,
    });
    expect(truth.length).toBe(1);
    const providers = built.infra.filter((h) => hosts.role[h] === Role.provider);
    for (const u of [0, 1]) {
      const requests = rowsOf(log, (i) => log.kind[i] === Kind.fetch && log.from[i] === u);
      const answers = rowsOf(log, (i) => log.to[i] === u && providers.includes(log.from[i]));
      expect(requests.length).toBe(60);
      expect(answers.length).toBe(2 * 60);
      // Answers are packets; a pull request is Loopix's short 'PULL' datagram, not a Sphinx packet.
      for (const i of answers) expect(log.bytes[i]).toBe(2048);
      for (const i of requests) expect(log.bytes[i]).toBe(64);
      for (const i of answers) expect(log.rAcct[i]).toBe(u);
      // Two answer rows leave at the same instant after each request; one of user 1's carries the message.
      const real = answers.filter((i) => log.prev[i] >= 0);
      expect(real).toEqual(u === 1 ? [truth.finalRow[0]] : []);
      for (const i of answers.filter((a) => log.prev[a] < 0))
        expect([log.kind[i], log.msg[i]]).toEqual([Kind.cover, -1]);
      // The provider sees the same exchange whether or not the user received: times, sizes, ids.
      const { obs, obsOf } = observe(log, viewOf(hosts.count, [log.to[requests[0]]]));
      const sizes = new Set(answers.map((i) => obs.bytes[obsOf[i]]));
      expect([...sizes]).toEqual([2048]);
    }
  });

  it("more stored packets than fetchBatch wait for the next fetch; 'stored' answers only non-empty fetches", () => {
    const msgs = Array.from({ length: 3 }, () => ({ t: SEC, s: 0, r: 1 }));
    const fixed = run(handWorkload(2, msgs), NO_COVER);
    expect(fixed.truth.length).toBe(3);
    const at = Array.from(fixed.truth.tDeliver.subarray(0, 3)).sort((a, b) => a - b);
    // One per fetch: deliveries about a fetch interval apart.
    expect(at[1] - at[0]).toBeGreaterThan(0.9 * SEC);
    expect(at[2] - at[1]).toBeGreaterThan(0.9 * SEC);
    const stored = run(handWorkload(2, msgs), { ...NO_COVER, fetchReply: 'stored' });
    expect(stored.truth.length).toBe(3);
    expect(rowsOf(stored.log, (i) => stored.log.kind[i] === Kind.fetch).length).toBe(1);
    expect(rowsOf(stored.log, (i) => stored.log.kind[i] === Kind.cover)).toEqual([]);
    expect(stored.ctx.net.periodic.flows.length).toBe(2);
    expect(fixed.ctx.net.periodic.flows.length).toBe(0);
  });
});

describe('mixnet: what each party reads', () => {
  it('mixes read no identifiers; the recipient provider reads the recipient; the sender provider sees the device', () => {
    const msgs = [1, 2, 3, 4, 5].map((r, k) => ({ t: (k + 1) * SEC, s: 0, r }));
    const { log, truth, hosts, built } = run(handWorkload(6, msgs), NO_COVER);
    expect(truth.length).toBe(5);
    const mixes = built.infra.filter((h) => hosts.role[h] === Role.mix);
    for (const m of mixes) {
      const { obs } = observe(log, viewOf(hosts.count, [m]));
      for (let j = 0; j < obs.length; j++) {
        expect([obs.sAcct[j], obs.rAcct[j], obs.obj[j]]).toEqual([-1, -1, -1]);
        expect(obs.from[j] >= hosts.users && obs.to[j] >= hosts.users).toBe(true);
      }
    }
    let crossProvider = 0;
    for (let d = 0; d < truth.length; d++) {
      const c = chain(log, truth.finalRow[d]);
      const r = truth.recipient[d];
      const pS = log.to[c[0]];
      const pR = log.from[c[c.length - 1]];
      // Recipient's provider: the stored packet names r (it stores for its own users), as does the fetch answer.
      const vr = observe(log, viewOf(hosts.count, [pR]));
      for (const row of c.slice(-2)) expect(vr.obs.rAcct[vr.obsOf[row]]).toBe(r);
      expect(vr.obs.sAcct[vr.obsOf[c[c.length - 2]]]).toBe(-1);
      // Sender's provider: the upload comes from the sender's device and carries no account.
      const vs = observe(log, viewOf(hosts.count, [pS]));
      const j = vs.obsOf[c[0]];
      expect(vs.obs.from[j]).toBe(0);
      expect([vs.obs.sAcct[j], vs.obs.rAcct[j]]).toEqual([-1, -1]);
      // The hop leaving the sender's provider names nobody.
      expect(vs.obs.rAcct[vs.obsOf[c[1]]]).toBe(-1);
      if (pS !== pR) crossProvider++;
    }
    expect(crossProvider).toBeGreaterThan(0);
    // A device reads nothing beyond its own account on the fetch answers.
    const { obs } = observe(log, viewOf(hosts.count, [0]));
    for (let j = 0; j < obs.length; j++) expect(obs.sAcct[j]).toBe(-1);
  });
});

describe('mixnet: cover traffic', () => {
  it('emits loop and drop packets at the configured Poisson rates (4σ), indistinguishable in size', () => {
    const U = 40;
    const duration = 10 * MIN;
    const w = handWorkload(U, [], { duration });
    const { log, hosts } = run(w, { loopRate: '6/min', dropRate: '3/min' });
    let loops = 0;
    let drops = 0;
    let returned = 0;
    for (let i = 0; i < log.length; i++) {
      expect(log.bytes[i]).toBe(log.kind[i] === Kind.fetch ? 64 : 2048);
      // Cover sent by users (the provider's dummy fetch answers are tested above).
      if (log.kind[i] !== Kind.cover || (log.prev[i] === -1 && log.from[i] >= U)) continue;
      if (log.prev[i] === -1) {
        expect(log.from[i]).toBeLessThan(U);
        expect(hosts.role[log.to[i]]).toBe(Role.provider);
      }
      if (log.to[i] < U) {
        // A loop came home: its chain starts at the same device.
        returned++;
        const c = chain(log, i);
        expect(log.from[c[0]]).toBe(log.to[i]);
        expect(c.length).toBe(6);
        loops++;
      } else if (hosts.role[log.to[i]] === Role.provider && hosts.role[log.from[i]] === Role.mix && log.rAcct[i] < 0) {
        drops++;
      }
    }
    const within = (n: number, mean: number) => Math.abs(n - mean) / Math.sqrt(mean);
    expect(within(loops, U * 10 * 6)).toBeLessThan(4);
    expect(within(drops, U * 10 * 3)).toBeLessThan(4);
    expect(returned).toBe(loops);
  });

  it('sends no cover when both rates are 0, and none while a user is offline', () => {
    const off = run(handWorkload(4, [{ t: SEC, s: 0, r: 1 }]), NO_COVER);
    expect(rowsOf(off.log, (i) => off.log.kind[i] === Kind.cover && off.log.from[i] < 4)).toEqual([]);
    const duration = 20 * MIN;
    const w = generateWorkload(
      spec(20, duration, { online: { model: 'sessions', on: parseDist('exp(3min)'), off: parseDist('exp(3min)') } }),
      new Streams(9),
    );
    const { log } = run(w, {}, 9);
    const starts = rowsOf(log, (i) => log.kind[i] === Kind.cover && log.prev[i] === -1 && log.from[i] < w.users);
    expect(starts.length).toBeGreaterThan(100);
    for (const i of starts) expect(isOnline(w, log.from[i], log.tTx[i])).toBe(true);
  });
});

describe('mixnet: payload slots (Loopix substitution)', () => {
  const SLOTS = { ...NO_COVER, payloadRate: '6/min' };
  /** Per user, the departure times of the packets it sends into the mixnet (not its fetch requests). */
  const departures = (r: Run, users: number): number[][] => {
    const out: number[][] = Array.from({ length: users }, () => []);
    for (let i = 0; i < r.log.length; i++)
      if (r.log.prev[i] === -1 && r.log.from[i] < users && r.log.kind[i] !== Kind.fetch)
        out[r.log.from[i]].push(r.log.tTx[i]);
    return out;
  };

  it("a user's sending times are the same whatever it writes; empty slots carry drop packets", () => {
    const U = 30;
    const duration = 10 * MIN;
    const rng = new Streams(5).stream('times');
    const msgs = Array.from({ length: 90 }, (_, k) => ({ t: Math.round(rng() * 9 * MIN), s: k % U, r: (k + 1) % U }));
    msgs.sort((a, b) => a.t - b.t);
    const writing = run(handWorkload(U, msgs, { duration }), SLOTS);
    const silent = run(handWorkload(U, [], { duration }), SLOTS);
    expect(departures(writing, U)).toEqual(departures(silent, U));
    const firstHops = (r: Run, kind: number) =>
      rowsOf(r.log, (i) => r.log.prev[i] === -1 && r.log.kind[i] === kind && r.log.from[i] < U);
    expect(firstHops(silent, Kind.message)).toEqual([]);
    expect(firstHops(writing, Kind.message).length).toBe(90);
    const slots = firstHops(silent, Kind.cover).length;
    expect(Math.abs(slots - U * 10 * 6) / Math.sqrt(U * 10 * 6)).toBeLessThan(4);
    expect(firstHops(writing, Kind.cover).length).toBe(slots - 90);
    expect(writing.truth.length).toBe(90);
  });

  it('a message written into an empty queue waits Exp(1/λ_P) for its slot (mean and tail, 4σ)', () => {
    const U = 400;
    const msgs = Array.from({ length: U }, (_, u) => ({ t: MIN + u * SEC, s: u, r: (u + 1) % U }));
    const { log, truth } = run(handWorkload(U, msgs, { duration: 10 * MIN }), SLOTS);
    expect(truth.length).toBe(U);
    const waits: number[] = [];
    for (let i = 0; i < truth.length; i++) waits.push(log.tTx[chain(log, truth.finalRow[i])[0]] - truth.tSend[i]);
    const mean = 10 * SEC;
    const avg = waits.reduce((a, b) => a + b, 0) / U;
    expect(Math.abs(avg - mean) / (mean / Math.sqrt(U))).toBeLessThan(4);
    const tail = waits.filter((x) => x > mean).length / U;
    expect(Math.abs(tail - Math.exp(-1)) / Math.sqrt((Math.exp(-1) * (1 - Math.exp(-1))) / U)).toBeLessThan(4);
  });

  it('a burst leaves one packet per slot, oldest first, and every packet arrives', () => {
    const msgs = Array.from({ length: 20 }, () => ({ t: SEC, s: 0, r: 1 }));
    const { log, truth } = run(handWorkload(2, msgs, { duration: 10 * MIN }), SLOTS);
    const sent = rowsOf(log, (i) => log.prev[i] === -1 && log.from[i] === 0 && log.kind[i] === Kind.message);
    expect(sent.map((i) => log.msg[i])).toEqual(msgs.map((_, m) => m));
    for (let k = 1; k < sent.length; k++) expect(log.tTx[sent[k]]).toBeGreaterThan(log.tTx[sent[k - 1]]);
    // No drop packet while the queue is non-empty.
    const drops = rowsOf(log, (i) => log.prev[i] === -1 && log.from[i] === 0 && log.kind[i] === Kind.cover);
    for (const d of drops) expect(log.tTx[d]).toBeGreaterThan(log.tTx[sent[19]]);
    expect(truth.length).toBe(20);
    for (let i = 0; i < truth.length; i++) expect(truth.tSend[i]).toBe(SEC);
  });
});

describe('mixnet: determinism and conservation', () => {
  const sessions = (seed: number, users = 30) =>
    generateWorkload(
      spec(users, 10 * MIN, {
        online: { model: 'sessions', on: parseDist('exp(3min)'), off: parseDist('exp(3min)') },
      }),
      new Streams(seed),
    );

  it('is deterministic per seed', () => {
    const h = (seed: number) => logHash(run(sessions(seed), {}, seed).log);
    expect(h(3)).toBe(h(3));
    expect(h(3)).not.toBe(h(4));
  });

  it('delivers every copy exactly once, unless its recipient never comes online after it is stored', () => {
    const w = sessions(7, 40);
    const { log, truth } = run(w, {}, 7);
    const got = new Set<number>();
    for (let i = 0; i < truth.length; i++) {
      const k = truth.msg[i] * w.users + truth.recipient[i];
      expect(got.has(k)).toBe(false);
      got.add(k);
      // Chain intact from the sender's device.
      const c = chain(log, truth.finalRow[i]);
      expect(log.from[c[0]]).toBe(truth.sender[i]);
    }
    let sent = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.message || log.prev[i] !== -1) continue;
      sent++;
    }
    // Undelivered copies: stored for a recipient offline from then to the end of the run.
    let undelivered = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.message || log.to[i] < w.users || log.rAcct[i] < 0) continue;
      const r = log.rAcct[i];
      if (got.has(log.msg[i] * w.users + r)) continue;
      undelivered++;
      const t = log.tRx[i];
      for (let k = w.onIdx[r]; k < w.onIdx[r + 1]; k++)
        expect(w.onEnd[k] <= t || w.onStart[k] >= w.spec.duration).toBe(true);
    }
    expect(sent).toBeGreaterThan(100);
    expect(truth.length + undelivered).toBe(sent);
    expect(truth.length / sent).toBeGreaterThan(0.8);
  });
});
