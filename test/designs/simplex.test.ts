import { describe, expect, it } from 'vitest';
import { observe } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { parseDuration, SEC } from '../../src/core/time.js';
import { simplex } from '../../src/designs/simplex/index.js';
import { buildQueues } from '../../src/designs/simplex/queues.js';
import { Role } from '../../src/net/hosts.js';
import { Kind, VIS_RX } from '../../src/net/log.js';
import { generateWorkload, nextOnline } from '../../src/workload/generate.js';
import { Platform, type Workload } from '../../src/workload/types.js';
import { handWorkload, logHash, type Run, resolve, rowsOf, runDesign, spec, viewOf } from './harness.js';

const run = (w: Workload, over: Record<string, string | number | boolean> = {}, seed = 1, duration?: number) =>
  runDesign(simplex, w, over, seed, duration);

const A = 0;
const B = 1;
const BLOCK = 16384;
const NO_RCPT = { deliveryReceipts: false };

/** Host-id layout of a run: users, then `relays` relays (storage first), then the NTF server and APNs. */
function layout(users: number, relays = 17, proxyOnly = 6) {
  const relay0 = users;
  const S = relays - proxyOnly;
  return {
    relay0,
    S,
    isStorage: (h: number) => h >= relay0 && h < relay0 + S,
    isProxyOnly: (h: number) => h >= relay0 + S && h < relay0 + relays,
    ntf: relay0 + relays,
    apns: relay0 + relays + 1,
  };
}

const isPayload = (log: Run['log'], i: number) => log.kind[i] === Kind.message || log.kind[i] === Kind.receipt;

describe('simplex: 1:1 message hops', () => {
  it('always: sender → proxy (other operator) → destination relay → recipient, 16 KB blocks, chained prev', () => {
    const { log, truth, built, hosts } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), NO_RCPT);
    const L = layout(2);
    const rows = rowsOf(log, (i) => log.kind[i] === Kind.message);
    expect(rows.length).toBe(3);
    const [pf, rf, msg] = rows;
    const proxy = log.to[pf];
    const dest = log.to[rf];
    expect(log.from[pf]).toBe(A);
    expect(L.isProxyOnly(proxy)).toBe(true);
    expect(hosts.role[proxy]).toBe(Role.relay);
    expect([log.from[rf], log.from[msg], log.to[msg]]).toEqual([proxy, dest, B]);
    expect(L.isStorage(dest)).toBe(true);
    expect([log.prev[pf], log.prev[rf], log.prev[msg]]).toEqual([-1, pf, rf]);
    // Queue 1 is B's receive queue from A (queue 0 is A's from B).
    expect([log.obj[pf], log.obj[rf], log.obj[msg]]).toEqual([-1, 1, 1]);
    expect(log.idVis[rf]).toBe(VIS_RX);
    for (let i = 0; i < log.length; i++) expect(log.bytes[i]).toBe(BLOCK);
    expect(truth.length).toBe(1);
    expect(truth.finalRow[0]).toBe(msg);
    // Processing at each relay.
    for (const [a, b] of [
      [pf, rf],
      [rf, msg],
    ]) {
      expect(log.tTx[b] - log.tRx[a]).toBeGreaterThanOrEqual(1e6);
      expect(log.tTx[b] - log.tRx[a]).toBeLessThanOrEqual(10e6);
    }
    // Responses RRES (dest → proxy), PRES (proxy → A), and B's ACK to the destination.
    const acks = rowsOf(log, (i) => log.kind[i] === Kind.ack).map((i) => [log.from[i], log.to[i]]);
    expect(acks.sort()).toEqual(
      [
        [dest, proxy],
        [proxy, A],
        [B, dest],
      ].sort(),
    );
    expect(built.realWorldIdentifier).toBe(0);
    expect(built.pushHosts).toEqual([L.apns]);
    expect(built.infra).toEqual([...Array.from({ length: 17 }, (_, i) => L.relay0 + i), L.ntf]);
    expect(hosts.role[L.ntf]).toBe(Role.notifier);
  });

  for (const mode of ['never', 'unknown'] as const) {
    it(`${mode}: sends go straight to the destination relay, which then sees the sender's address`, () => {
      const { log, hosts } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), { ...NO_RCPT, privateRouting: mode });
      const rows = rowsOf(log, (i) => log.kind[i] === Kind.message);
      expect(rows.length).toBe(2);
      const dest = log.to[rows[0]];
      expect(log.from[rows[0]]).toBe(A);
      const { obs, obsOf } = observe(log, viewOf(hosts.count, [dest]));
      const j = obsOf[rows[0]];
      expect(obs.from[j]).toBe(A);
      expect(obs.obj[j]).toBe(1);
    });
  }
});

describe('simplex: what each party observes (§6)', () => {
  const w = () => handWorkload(2, [{ t: SEC, s: A, r: B }]);

  it('the destination relay reads the queue but never sees the sender device when proxied', () => {
    const { log, hosts } = run(w());
    const L = layout(2);
    for (let d = L.relay0; d < L.relay0 + L.S; d++) {
      const { obs, rowOf } = observe(log, viewOf(hosts.count, [d]));
      for (let j = 0; j < obs.length; j++) {
        const i = rowOf[j];
        if (!isPayload(log, i) || obs.to[j] !== d) continue;
        expect(hosts.isUser(obs.from[j])).toBe(false);
        expect(obs.obj[j]).toBeGreaterThanOrEqual(0);
        expect(obs.sAcct[j]).toBe(-1);
        expect(obs.rAcct[j]).toBe(-1);
      }
    }
  });

  it('the proxy sees the sender address and the destination relay, never a queue id', () => {
    const { log, hosts } = run(w());
    const L = layout(2);
    let seen = 0;
    for (let p = L.relay0 + L.S; p < L.relay0 + 17; p++) {
      const { obs } = observe(log, viewOf(hosts.count, [p]));
      for (let j = 0; j < obs.length; j++) {
        seen++;
        expect(obs.obj[j]).toBe(-1);
        expect(obs.sAcct[j]).toBe(-1);
        expect(obs.rAcct[j]).toBe(-1);
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('no party ever reads an account (SimpleX has none)', () => {
    const { log } = run(w());
    for (let i = 0; i < log.length; i++) expect([log.sAcct[i], log.rAcct[i]]).toEqual([-1, -1]);
  });
});

describe('simplex: queues and proxies', () => {
  it('each queue is on a storage relay drawn by its receiving side; the reply queue is on another relay', () => {
    const w = generateWorkload(spec(30, parseDuration('5min')), new Streams(5));
    const streams = new Streams(5).sub('design/simplex');
    const S = 11;
    const rngOf = streamsOf(streams);
    const qt = buildQueues(w, rngOf, S);
    expect(qt.count).toBe(w.adj.length + 2 * 10 * 2); // contact pairs ×2 + 2 groups × C(5,2) pairs ×2
    // Replay each receiving side's own stream.
    const rng = streamsOf(streams);
    for (let q = 0; q < qt.count; q += 2) {
      // Queue q: the inviter (lower id) receives; queue q + 1: the joiner receives.
      const a = qt.recipient[q];
      const b = qt.recipient[q + 1];
      expect(a).toBeLessThan(b);
      expect([qt.sender[q], qt.sender[q + 1]]).toEqual([b, a]);
      expect(qt.relay[q]).toBe(Math.floor(rng(a)() * S));
      let rb = Math.floor(rng(b)() * (S - 1));
      if (rb >= qt.relay[q]) rb++;
      expect(qt.relay[q + 1]).toBe(rb);
      expect(qt.relay[q]).not.toBe(qt.relay[q + 1]);
    }
  });

  it('the proxy is sticky per (sender, destination relay) and of the other operator', () => {
    const w = generateWorkload(spec(40, parseDuration('20min')), new Streams(9));
    const { log, truth, built } = run(w, {}, 9);
    const L = layout(40);
    const proxyOf = new Map<number, Set<number>>();
    let n = 0;
    for (let i = 0; i < log.length; i++) {
      if (!isPayload(log, i) || log.from[i] >= 40) continue;
      const next = rowsAfter(log, i);
      const dest = log.to[next];
      const k = log.from[i] * 1000 + dest;
      if (!proxyOf.has(k)) proxyOf.set(k, new Set());
      proxyOf.get(k)?.add(log.to[i]);
      expect(L.isProxyOnly(log.to[i])).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(200);
    for (const s of proxyOf.values()) expect(s.size).toBe(1);
    expect(truth.length).toBeGreaterThan(100);
    // The central relay hosts the most queues.
    const hosted = new Map<number, number>();
    const qt = buildQueues(w, streamsOf(new Streams(9).sub('design/simplex')), 11);
    for (let q = 0; q < qt.count; q++) hosted.set(qt.relay[q], (hosted.get(qt.relay[q]) ?? 0) + 1);
    const max = Math.max(...hosted.values());
    expect(hosted.get(built.central - L.relay0)).toBe(max);
  });
});

/** Per-user server-choice streams, as the design names them. */
function streamsOf(streams: Streams): (u: number) => () => number {
  const m = new Map<number, () => number>();
  return (u) => {
    let r = m.get(u);
    if (!r) m.set(u, (r = streams.stream(`user/${u}/servers`)));
    return r;
  };
}

/** The row forwarded from row i's arrival (its unique child via prev). */
function rowsAfter(log: Run['log'], i: number): number {
  for (let j = i + 1; j < log.length; j++) if (log.prev[j] === i && isPayload(log, j)) return j;
  throw new Error(`no child of row ${i}`);
}

describe('simplex: receipts', () => {
  it('go back from the recipient through its own proxy to the queue the original sender receives on', () => {
    const { log, truth } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]));
    const L = layout(2);
    const rows = rowsOf(log, (i) => log.kind[i] === Kind.receipt);
    expect(rows.length).toBe(3);
    const [pf, rf, down] = rows;
    expect(log.from[pf]).toBe(B);
    expect(log.tTx[pf]).toBe(truth.tDeliver[0]);
    expect(L.isProxyOnly(log.to[pf])).toBe(true);
    expect(log.obj[rf]).toBe(0); // A's receive queue from B
    expect(log.to[down]).toBe(A);
    expect(log.msg[down]).toBe(0);
    expect([log.prev[rf], log.prev[down]]).toEqual([pf, rf]);
    expect(truth.length).toBe(1);
  });

  it('vanish when deliveryReceipts is false, and are never sent for group messages', () => {
    const off = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), NO_RCPT);
    expect(rowsOf(off.log, (i) => off.log.kind[i] === Kind.receipt)).toEqual([]);
    const grp = run(handWorkload(4, [{ t: SEC, s: 1, g: 0 }], { groups: [[0, 1, 2, 3]] }));
    expect(rowsOf(grp.log, (i) => grp.log.kind[i] === Kind.receipt)).toEqual([]);
  });
});

describe('simplex: groups', () => {
  it('the sender sends N − 1 pairwise copies, each on its own queue', () => {
    const { log, truth } = run(handWorkload(4, [{ t: SEC, s: 1, g: 0 }], { groups: [[0, 1, 2, 3]] }));
    const fromSender = rowsOf(log, (i) => log.kind[i] === Kind.message && log.from[i] === 1);
    expect(fromSender.length).toBe(3);
    const final = rowsOf(log, (i) => log.kind[i] === Kind.message && log.to[i] < 4);
    expect(final.map((i) => log.to[i]).sort()).toEqual([0, 2, 3]);
    expect(new Set(final.map((i) => log.obj[i])).size).toBe(3);
    expect(truth.length).toBe(3);
    for (let k = 0; k < 3; k++) expect([truth.sender[k], truth.group[k]]).toEqual([1, 0]);
  });
});

describe('simplex: store and forward', () => {
  const offlineB = (platform: number) =>
    handWorkload(2, [{ t: SEC, s: A, r: B }], {
      platform: [Platform.desktop, platform],
      online: [[[0, Number.POSITIVE_INFINITY]], [[20 * SEC, Number.POSITIVE_INFINITY]]],
    });

  for (const [name, platform] of [
    ['desktop', Platform.desktop],
    ['android', Platform.android],
  ] as const) {
    it(`an offline ${name} recipient subscribes on return and receives then`, () => {
      const { log, truth } = run(offlineB(platform), NO_RCPT);
      expect(truth.length).toBe(1);
      expect(truth.tDeliver[0]).toBeGreaterThan(20 * SEC);
      expect(truth.tDeliver[0]).toBeLessThan(20.2 * SEC);
      const sub = rowsOf(log, (i) => log.kind[i] === Kind.subscribe);
      expect(sub.length).toBe(1);
      expect([log.from[sub[0]], log.to[sub[0]], log.tTx[sub[0]]]).toEqual([B, log.from[truth.finalRow[0]], 20 * SEC]);
      expect(rowsOf(log, (i) => log.kind[i] === Kind.push)).toEqual([]);
      // The delivery's cause is the row that stored the message at the relay.
      const store = log.prev[truth.finalRow[0]];
      expect(log.to[store]).toBe(log.from[truth.finalRow[0]]);
      expect(log.kind[store]).toBe(Kind.message);
    });
  }

  it('an offline iOS recipient is woken through NTF server and APNs, then GETs the message', () => {
    const { log, truth, hosts } = run(offlineB(Platform.ios), NO_RCPT);
    const L = layout(2);
    expect(truth.length).toBe(1);
    expect(truth.tDeliver[0]).toBeGreaterThan(1.5 * SEC);
    expect(truth.tDeliver[0]).toBeLessThan(6 * SEC);
    const push = rowsOf(log, (i) => log.kind[i] === Kind.push);
    const dest = log.from[truth.finalRow[0]];
    expect(push.map((i) => [log.from[i], log.to[i]])).toEqual([
      [dest, L.ntf],
      [L.ntf, L.apns],
      [L.apns, B],
    ]);
    const Q = 2;
    expect(push.map((i) => log.obj[i])).toEqual([Q + 1, 2 * Q + B, 2 * Q + B]);
    expect(log.bytes[push[0]]).toBe(BLOCK);
    const get = rowsOf(log, (i) => log.kind[i] === Kind.fetch);
    expect(get.map((i) => [log.from[i], log.to[i], log.obj[i]])).toEqual([[B, dest, 1]]);
    // The NTF server sees neither a queue id nor any user device.
    const { obs } = observe(log, viewOf(hosts.count, [L.ntf]));
    expect(obs.length).toBe(2);
    for (let j = 0; j < obs.length; j++) {
      expect(obs.obj[j]).not.toBe(1);
      expect(hosts.isUser(obs.from[j]) || hosts.isUser(obs.to[j])).toBe(false);
    }
  });

  it('an online iOS recipient is still notified (NMSG on every SEND) but needs no GET', () => {
    const w = handWorkload(2, [{ t: SEC, s: A, r: B }], { platform: [Platform.desktop, Platform.ios] });
    const { log, truth } = run(w, NO_RCPT);
    expect(truth.tDeliver[0]).toBeLessThan(1.5 * SEC);
    expect(rowsOf(log, (i) => log.kind[i] === Kind.push).length).toBe(3);
    expect(rowsOf(log, (i) => log.kind[i] === Kind.fetch)).toEqual([]);
    const off = run(w, { ...NO_RCPT, iosNotifications: false });
    expect(rowsOf(off.log, (i) => off.log.kind[i] === Kind.push)).toEqual([]);
  });

  it('conserves messages: undelivered only to non-iOS recipients that never return', () => {
    const duration = parseDuration('20min');
    const w = generateWorkload(
      spec(40, duration, { online: { model: 'sessions', on: parseDist('exp(4min)'), off: parseDist('exp(4min)') } }),
      new Streams(11),
    );
    const { log, truth } = run(w, {}, 11);
    const got = new Set<number>();
    for (let i = 0; i < truth.length; i++) {
      const k = truth.msg[i] * w.users + truth.recipient[i];
      expect(got.has(k)).toBe(false);
      got.add(k);
    }
    // Every copy stored at its destination (storage) relay names its queue there.
    const qt = buildQueues(w, streamsOf(new Streams(11).sub('design/simplex')), 11);
    let stored = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.message || log.obj[i] < 0) continue;
      if (log.to[i] < w.users || log.to[i] >= w.users + 11) continue;
      stored++;
      const r = qt.recipient[log.obj[i]];
      if (got.has(log.msg[i] * w.users + r)) continue;
      expect(w.platform[r]).not.toBe(Platform.ios);
      expect(nextOnline(w, r, log.tRx[i] + SEC)).toBeGreaterThanOrEqual(duration);
    }
    expect(stored).toBeGreaterThan(100);
    expect(truth.length / stored).toBeGreaterThan(0.8);
  });
});

describe('simplex: background, determinism, checks', () => {
  it('keeps a 1200 s PING flow on each open relay connection while online', () => {
    const { ctx } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]));
    const L = layout(2);
    const flows = ctx.net.periodic.flows;
    // Each user: its receive relay and its proxy for the other's receive relay.
    expect(flows.length).toBe(4);
    for (const f of flows) {
      expect(f.period).toBe(1200 * SEC);
      expect(f.bytesPerLink).toBe(2 * BLOCK);
      expect(f.path[1] >= L.relay0 && f.path[1] < L.relay0 + 17).toBe(true);
    }
  });

  it('is deterministic per seed', () => {
    const duration = parseDuration('10min');
    const mk = (seed: number) => {
      const w = generateWorkload(
        spec(30, duration, { online: { model: 'sessions', on: parseDist('exp(3min)'), off: parseDist('exp(3min)') } }),
        new Streams(seed),
      );
      return logHash(run(w, {}, seed).log);
    };
    expect(mk(3)).toBe(mk(3));
    expect(mk(3)).not.toBe(mk(4));
  });

  it('check() rejects impossible combinations and names the parameter', () => {
    const errs = (o: Record<string, string | number | boolean>) =>
      (simplex.check?.(resolve(simplex, o), 10) ?? []).map((e) => e.param).sort();
    expect(errs({})).toEqual([]);
    expect(errs({ relays: 1, proxyOnlyRelays: 0 })).toEqual(['privateRouting']);
    expect(errs({ relays: 1, proxyOnlyRelays: 0, privateRouting: 'never' })).toEqual([]);
    expect(errs({ proxyOnlyRelays: 17 })).toEqual(['proxyOnlyRelays']);
    const msg = simplex.check?.(resolve(simplex, { relays: 1, proxyOnlyRelays: 0 }), 10)[0].message ?? '';
    expect(msg).toMatch(/relays ≥ 2|never/);
  });

  it('with one operator, private routing uses another relay of the same operator as proxy', () => {
    const { truth, log } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), { relays: 2, proxyOnlyRelays: 0 });
    expect(truth.length).toBe(1);
    const rows = rowsOf(log, (i) => log.kind[i] === Kind.message);
    expect(rows.length).toBe(3);
    const [proxy, dest] = [log.to[rows[0]], log.to[rows[1]]];
    expect([proxy, dest].sort()).toEqual([2, 3]);
    expect([log.from[rows[0]], log.from[rows[2]], log.to[rows[2]]]).toEqual([A, dest, B]);
  });
});
