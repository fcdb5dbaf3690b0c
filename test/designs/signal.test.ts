import { describe, expect, it } from 'vitest';
import { observe } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { parseDuration, SEC } from '../../src/core/time.js';
import { padTo } from '../../src/designs/common.js';
import { signal } from '../../src/designs/signal/index.js';
import { Role } from '../../src/net/hosts.js';
import { Kind } from '../../src/net/log.js';
import { generateWorkload, isOnline, nextOnline } from '../../src/workload/generate.js';
import { Platform, type Workload } from '../../src/workload/types.js';
import { handWorkload, logHash, resolve, rowsOf, runDesign, spec, viewOf } from './harness.js';

/** One device per account unless a test asks for linked devices (their rows are tested on their own). */
const run = (w: Workload, over: Record<string, string | number | boolean> = {}, seed = 1, duration?: number) =>
  runDesign(signal, w, { linkedDevices: 0, ...over }, seed, duration);

const A = 0;
const B = 1;
const NO_READ = { readReceipts: false };
const padded = (n: number) => padTo(n, 160);

describe('signal: 1:1 message hops', () => {
  it('goes sender → service → recipient, with a chained prev and sealed ids', () => {
    const { log, truth, built, hosts } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), NO_READ);
    const service = built.central;
    expect(hosts.role[service]).toBe(Role.server);
    expect(built.infra).toEqual([service]);
    expect(built.realWorldIdentifier).toBe(1);
    const msgRows = rowsOf(log, (i) => log.kind[i] === Kind.message);
    expect(msgRows.map((i) => [log.from[i], log.to[i]])).toEqual([
      [A, service],
      [service, B],
    ]);
    const [up, down] = msgRows;
    expect(log.tTx[up]).toBe(SEC);
    expect(log.prev[up]).toBe(-1);
    expect(log.prev[down]).toBe(up);
    // Sealed sender: destination account on the upload, no sender account anywhere.
    expect([log.sAcct[up], log.rAcct[up]]).toEqual([-1, B]);
    expect([log.sAcct[down], log.rAcct[down]]).toEqual([-1, B]);
    // Processing 1–10 ms at the service.
    const dwell = log.tTx[down] - log.tRx[up];
    expect(dwell).toBeGreaterThanOrEqual(1e6);
    expect(dwell).toBeLessThanOrEqual(10e6);
    // Padded to 160 B + 300 B overhead.
    expect(log.bytes[up]).toBe(160 + 300);
    expect(truth.length).toBe(1);
    expect(truth.finalRow[0]).toBe(down);
    expect([truth.sender[0], truth.recipient[0], truth.tSend[0]]).toEqual([A, B, SEC]);
    // Chain from the final row back to A's device.
    let r = truth.finalRow[0];
    while (log.prev[r] >= 0) r = log.prev[r];
    expect(log.from[r]).toBe(A);
    // The service answers the upload, and B's device acks the delivery.
    const acks = rowsOf(log, (i) => log.kind[i] === Kind.ack);
    expect(acks.map((i) => [log.from[i], log.to[i]]).sort()).toEqual(
      [
        [service, A],
        [B, service],
        [service, B],
        [A, service],
      ].sort(),
    );
  });

  it('pads to 160-byte blocks', () => {
    const { log } = run(handWorkload(2, [{ t: SEC, s: A, r: B, size: 160 }]), { ...NO_READ, deliveryReceipts: false });
    expect(log.bytes[0]).toBe(320 + 300);
  });

  it('names the sender only when sealed sender is off', () => {
    const w = handWorkload(2, [{ t: SEC, s: A, r: B }]);
    const sealed = run(w, NO_READ);
    const open = run(w, { ...NO_READ, sealedSender: false });
    const service = sealed.built.central;
    const v = viewOf(sealed.hosts.count, [service]);
    const o1 = observe(sealed.log, v).obs;
    expect(Array.from(o1.sAcct.subarray(0, o1.length)).every((x) => x === -1)).toBe(true);
    const o2 = observe(open.log, v).obs;
    const up = open.log.from.indexOf(A);
    expect(o2.sAcct[up]).toBe(A);
    expect(o2.rAcct[up]).toBe(B);
  });
});

describe('signal: what each party observes (§6)', () => {
  it('the service reads destination accounts and sees addresses; the push provider sees tokens only', () => {
    const w = handWorkload(3, [{ t: SEC, s: A, r: B }], {
      platform: [Platform.desktop, Platform.android, Platform.desktop],
      online: [
        [[0, Number.POSITIVE_INFINITY]],
        [[30 * SEC, Number.POSITIVE_INFINITY]],
        [[0, Number.POSITIVE_INFINITY]],
      ],
    });
    const { log, built, hosts } = run(w, NO_READ);
    const service = built.central;
    const [fcm, apns] = built.pushHosts;
    expect(hosts.role[fcm]).toBe(Role.push);
    expect(hosts.label[fcm]).toBe('fcm');
    expect(hosts.label[apns]).toBe('apns');
    const { obs } = observe(log, viewOf(hosts.count, [service]));
    for (let j = 0; j < obs.length; j++) {
      expect(obs.heldFrom[j] || obs.heldTo[j]).toBe(1);
      expect(obs.sAcct[j]).toBe(-1);
    }
    const f = observe(log, viewOf(hosts.count, [fcm])).obs;
    expect(f.length).toBe(2); // service → FCM, FCM → device
    for (let j = 0; j < f.length; j++) {
      expect(f.sAcct[j]).toBe(-1);
      expect(f.rAcct[j]).toBe(-1);
      expect(f.obj[j]).toBe(0 + B); // token of B (no groups: tokens start at 0)
      expect(f.bytes[j]).toBeLessThan(400);
    }
    expect(observe(log, viewOf(hosts.count, [apns])).obs.length).toBe(0);
  });
});

describe('signal: receipts', () => {
  it('sends a sealed delivery receipt at delivery, addressed to the original sender', () => {
    const { log, built, truth } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), NO_READ);
    const service = built.central;
    const rec = rowsOf(log, (i) => log.kind[i] === Kind.receipt);
    expect(rec.map((i) => [log.from[i], log.to[i]])).toEqual([
      [B, service],
      [service, A],
    ]);
    const [up, down] = rec;
    expect(log.tTx[up]).toBe(truth.tDeliver[0]);
    expect(log.tRx[down] - truth.tDeliver[0]).toBeLessThan(200e6);
    expect([log.sAcct[up], log.rAcct[up], log.msg[up]]).toEqual([-1, A, 0]);
    expect([log.sAcct[down], log.rAcct[down]]).toEqual([-1, A]);
    expect(log.prev[down]).toBe(up);
    expect(log.prev[up]).toBe(-1);
    expect(truth.length).toBe(1); // receipts are not deliveries
  });

  it('vanish when deliveryReceipts is false', () => {
    const { log } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), { ...NO_READ, deliveryReceipts: false });
    expect(rowsOf(log, (i) => log.kind[i] === Kind.receipt)).toEqual([]);
  });

  it('adds a read receipt after the read delay', () => {
    const { log, truth } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), {
      deliveryReceipts: false,
      readDelay: '5s',
    });
    const rec = rowsOf(log, (i) => log.kind[i] === Kind.receipt && log.from[i] === B);
    expect(rec.length).toBe(1);
    expect(log.tTx[rec[0]] - truth.tDeliver[0]).toBe(5 * SEC);
  });
});

describe('signal: store and forward', () => {
  const offlineB = (platform: number) =>
    handWorkload(2, [{ t: SEC, s: A, r: B }], {
      platform: [Platform.desktop, platform],
      online: [[[0, Number.POSITIVE_INFINITY]], [[20 * SEC, Number.POSITIVE_INFINITY]]],
    });

  it('an offline desktop receives when it comes back', () => {
    const { log, truth, built } = run(offlineB(Platform.desktop), NO_READ);
    expect(truth.length).toBe(1);
    expect(truth.tDeliver[0]).toBeGreaterThan(20 * SEC);
    expect(truth.tDeliver[0]).toBeLessThan(20.2 * SEC);
    const fetch = rowsOf(log, (i) => log.kind[i] === Kind.fetch);
    expect(fetch.map((i) => [log.from[i], log.to[i], log.tTx[i]])).toEqual([[B, built.central, 20 * SEC]]);
    expect(rowsOf(log, (i) => log.kind[i] === Kind.push)).toEqual([]);
    const up = log.prev[truth.finalRow[0]];
    expect(log.from[up]).toBe(A);
  });

  for (const [name, platform, provider] of [
    ['android', Platform.android, 0],
    ['ios', Platform.ios, 1],
  ] as const) {
    it(`an offline ${name} device is woken by a push and drains its queue`, () => {
      const { log, truth, built } = run(offlineB(platform), NO_READ);
      const service = built.central;
      const push = built.pushHosts[provider];
      expect(truth.length).toBe(1);
      const t = truth.tDeliver[0];
      expect(t).toBeGreaterThan(SEC + 0.5 * SEC);
      expect(t).toBeLessThan(SEC + 4 * SEC);
      const pushes = rowsOf(log, (i) => log.kind[i] === Kind.push);
      expect(pushes.map((i) => [log.from[i], log.to[i]])).toEqual([
        [service, push],
        [push, B],
      ]);
      // The upload row is the cause of both the push and the later drained delivery.
      const up = log.prev[truth.finalRow[0]];
      expect(log.prev[pushes[0]]).toBe(up);
      expect(log.prev[pushes[1]]).toBe(pushes[0]);
      expect(log.from[truth.finalRow[0]]).toBe(service);
    });
  }

  it('conserves messages: online recipients always, offline desktops on return, mobiles by push', () => {
    const duration = parseDuration('20min');
    const streams = new Streams(7);
    const w = generateWorkload(
      spec(40, duration, {
        online: { model: 'sessions', on: parseDist('exp(4min)'), off: parseDist('exp(4min)') },
      }),
      streams,
    );
    const { log, truth } = run(w, { linkedDevices: 0.3 }, 7);
    const got = new Set<number>();
    for (let i = 0; i < truth.length; i++) {
      const k = truth.msg[i] * w.users + truth.recipient[i];
      expect(got.has(k)).toBe(false);
      got.add(k);
    }
    let sent = 0;
    let delivered = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.message || log.prev[i] !== -1) continue;
      const m = log.msg[i];
      const g = w.group[m];
      const rs = g < 0 ? [w.recipient[m]] : Array.from(w.groupMembers.subarray(w.groupStart[g], w.groupStart[g + 1]));
      for (const r of rs) {
        if (r === w.sender[m]) continue;
        sent++;
        if (got.has(m * w.users + r)) {
          delivered++;
          continue;
        }
        // Undelivered only if a desktop recipient was offline from the service's forward to the end.
        expect(w.platform[r]).toBe(Platform.desktop);
        expect(isOnline(w, r, log.tRx[i] + 10e6)).toBe(false);
        expect(nextOnline(w, r, log.tRx[i] + 10e6)).toBeGreaterThanOrEqual(duration);
      }
    }
    expect(sent).toBeGreaterThan(100);
    expect(delivered).toBe(truth.length);
    expect(delivered / sent).toBeGreaterThan(0.8);
  });
});

describe('signal: groups', () => {
  it('uploads once with the group id and fans out to each other member', () => {
    const members = [0, 1, 2, 3];
    const w = handWorkload(4, [{ t: SEC, s: 2, g: 0 }], { groups: [members] });
    const { log, truth, built } = run(w, { ...NO_READ, deliveryReceipts: false });
    const service = built.central;
    const msgRows = rowsOf(log, (i) => log.kind[i] === Kind.message);
    const up = msgRows[0];
    expect([log.from[up], log.to[up], log.obj[up], log.rAcct[up], log.sAcct[up]]).toEqual([2, service, 0, -1, -1]);
    expect(log.bytes[up]).toBe(160 + 300 + 3 * 70);
    const copies = msgRows.slice(1);
    expect(copies.map((i) => log.to[i]).sort()).toEqual([0, 1, 3]);
    for (const i of copies) {
      expect(log.prev[i]).toBe(up);
      expect(log.rAcct[i]).toBe(log.to[i]);
      expect(log.bytes[i]).toBe(160 + 300 + 70);
      expect(log.tTx[i]).toBe(log.tTx[copies[0]]);
    }
    expect(truth.length).toBe(3);
    expect(Array.from(truth.group.subarray(0, 3))).toEqual([0, 0, 0]);
  });
});

describe('signal: linked devices', () => {
  // Both accounts have a linked device (linkedDevices: 1): hosts A, B, service, FCM, APNs, then
  // linked-A, linked-B in account order.
  const LA = 5;
  const LB = 6;

  it('a sender with a linked device follows each send with an identified sync transcript the service reads', () => {
    const { log, built, hosts, truth } = run(handWorkload(2, [{ t: SEC, s: A, r: B, size: 100 }]), {
      ...NO_READ,
      linkedDevices: 1,
    });
    const service = built.central;
    expect([hosts.label[LA], hosts.label[LB]]).toEqual(['linked-0', 'linked-1']);
    expect(hosts.role[LA]).toBe(Role.user);
    expect(hosts.ip[LA]).not.toBe(hosts.ip[A]);
    expect(built.infra).toEqual([service]);
    // The sealed upload carries one body per device of B.
    const up = rowsOf(log, (i) => log.kind[i] === Kind.message && log.from[i] === A)[0];
    expect(log.bytes[up]).toBe(2 * (160 + 300));
    const ack = rowsOf(log, (i) => log.kind[i] === Kind.ack && log.prev[i] === up)[0];
    const syncs = rowsOf(log, (i) => log.kind[i] === Kind.sync);
    expect(syncs.map((i) => [log.from[i], log.to[i]])).toEqual([
      [A, service],
      [service, LA],
    ]);
    const [syncUp, syncDown] = syncs;
    // Sent when the 200 for the sealed upload reaches A, identified: A names itself as sender and recipient.
    expect(log.tTx[syncUp]).toBe(log.tRx[ack]);
    expect([log.sAcct[syncUp], log.rAcct[syncUp], log.msg[syncUp], log.prev[syncUp]]).toEqual([A, A, 0, -1]);
    expect(log.bytes[syncUp]).toBe(padded(100 + 60) + 300);
    expect([log.sAcct[syncDown], log.rAcct[syncDown], log.prev[syncDown]]).toEqual([A, A, syncUp]);
    // The message reaches both of B's devices; the phone's copy is the delivery of record.
    const copies = rowsOf(log, (i) => log.kind[i] === Kind.message && log.prev[i] === up);
    expect(copies.map((i) => log.to[i]).sort()).toEqual([B, LB]);
    expect(truth.length).toBe(1);
    expect(truth.recipient[0]).toBe(B);

    // The service reads a sender account on the sync rows only, and there it is A's.
    const o = observe(log, viewOf(hosts.count, [service])).obs;
    const named = new Set<number>();
    for (let j = 0; j < o.length; j++) if (o.sAcct[j] >= 0) named.add(o.sAcct[j]);
    expect([...named]).toEqual([A]);
    for (let j = 0; j < o.length; j++) if (o.sAcct[j] >= 0) expect(o.rAcct[j]).toBe(A);
    // A's linked device sees its own account's transcript and nothing of B's traffic.
    const l = observe(log, viewOf(hosts.count, [LA])).obs;
    expect(l.length).toBeGreaterThan(0);
    for (let j = 0; j < l.length; j++) {
      expect(l.heldFrom[j] || l.heldTo[j]).toBe(1);
      expect(l.rAcct[j] === -1 || l.rAcct[j] === A).toBe(true);
    }
  });

  it("the recipient's linked device acks and sends its own sealed delivery receipt, batched 500 ms", () => {
    const { log, built, truth } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), { ...NO_READ, linkedDevices: 1 });
    const service = built.central;
    const down = rowsOf(log, (i) => log.kind[i] === Kind.message && log.to[i] === LB)[0];
    const acks = rowsOf(log, (i) => log.kind[i] === Kind.ack && log.from[i] === LB);
    expect(acks.map((i) => [log.to[i], log.tTx[i]])).toEqual([[service, log.tRx[down]]]);
    const fromLinked = rowsOf(log, (i) => log.kind[i] === Kind.receipt && log.from[i] === LB);
    expect(fromLinked.length).toBe(1);
    const rec = fromLinked[0];
    expect(log.tTx[rec] - log.tRx[down]).toBe(500e6);
    expect([log.sAcct[rec], log.rAcct[rec], log.msg[rec]]).toEqual([-1, A, 0]);
    // Receipts to A carry a body per device of A and reach both of them.
    expect(log.bytes[rec]).toBe(2 * (160 + 300));
    const toA = rowsOf(log, (i) => log.kind[i] === Kind.receipt && log.prev[i] === rec).map((i) => log.to[i]);
    expect(toA.sort()).toEqual([A, LA]);
    // The phone's receipt leaves at the delivery, as without linked devices.
    const phone = rowsOf(log, (i) => log.kind[i] === Kind.receipt && log.from[i] === B)[0];
    expect(log.tTx[phone]).toBe(truth.tDeliver[0]);
  });

  it('a read on the phone sends an identified read sync to the own linked device', () => {
    const { log, built } = run(handWorkload(2, [{ t: SEC, s: A, r: B }]), {
      deliveryReceipts: false,
      readDelay: '5s',
      linkedDevices: 1,
    });
    const read = rowsOf(log, (i) => log.kind[i] === Kind.receipt && log.from[i] === B)[0];
    const readSync = rowsOf(log, (i) => log.kind[i] === Kind.sync && log.from[i] === B);
    expect(readSync.length).toBe(1);
    const r = readSync[0];
    expect(log.tTx[r]).toBe(log.tTx[read]);
    expect([log.to[r], log.sAcct[r], log.rAcct[r], log.msg[r]]).toEqual([built.central, B, B, 0]);
    expect(log.bytes[r]).toBe(160 + 300);
    expect(rowsOf(log, (i) => log.prev[i] === r && log.kind[i] === Kind.sync).map((i) => log.to[i])).toEqual([LB]);
  });

  it('the linked device drains what it missed when its owner comes back, and pushes go to the phone only', () => {
    const w = handWorkload(2, [{ t: SEC, s: A, r: B }], {
      platform: [Platform.desktop, Platform.android],
      online: [[[0, Number.POSITIVE_INFINITY]], [[20 * SEC, Number.POSITIVE_INFINITY]]],
    });
    const { log, built, ctx } = run(w, { ...NO_READ, linkedDevices: 1 });
    const service = built.central;
    const fetches = rowsOf(log, (i) => log.kind[i] === Kind.fetch);
    // The phone is woken by FCM at once; the linked device opens its socket at 20 s.
    expect(fetches.map((i) => log.from[i])).toEqual([B, LB]);
    expect(log.tTx[fetches[1]]).toBe(20 * SEC);
    expect(log.to[fetches[1]]).toBe(service);
    const pushes = rowsOf(log, (i) => log.kind[i] === Kind.push);
    expect(pushes.map((i) => log.to[i])).toEqual([built.pushHosts[0], B]);
    const late = rowsOf(log, (i) => log.kind[i] === Kind.message && log.to[i] === LB)[0];
    expect(log.tTx[late]).toBeGreaterThan(20 * SEC);
    // Each device keeps its own keepalive flow in its owner's online intervals.
    const flows = ctx.net.periodic.flows.map((f) => [f.path[0], f.start]);
    expect(flows).toEqual([
      [A, 0],
      [B, 20 * SEC],
      [LA, 0],
      [LB, 20 * SEC],
    ]);
  });

  it('linkedDevices draws each account independently of the number of users', () => {
    const linked = (users: number) => {
      const { hosts } = run(handWorkload(users, [{ t: SEC, s: A, r: B }]), { ...NO_READ, linkedDevices: 0.5 });
      return hosts.label.filter((l) => l.startsWith('linked-'));
    };
    const small = linked(20);
    const big = linked(40);
    expect(small.length).toBeGreaterThan(2);
    expect(big.slice(0, small.length)).toEqual(small);
  });
});

describe('signal: background, NAT, determinism, checks', () => {
  it('keeps one 55 s keepalive flow per online interval', () => {
    const w = handWorkload(2, [{ t: SEC, s: A, r: B }], {
      online: [
        [[0, Number.POSITIVE_INFINITY]],
        [
          [10 * SEC, 20 * SEC],
          [30 * SEC, Number.POSITIVE_INFINITY],
        ],
      ],
    });
    const { ctx, built } = run(w, NO_READ);
    const flows = ctx.net.periodic.flows;
    expect(flows.length).toBe(3);
    for (const f of flows) {
      expect(f.period).toBe(55 * SEC);
      expect(f.path[1]).toBe(built.central);
    }
    expect(flows[1]).toMatchObject({ start: 10 * SEC, end: 20 * SEC });
    expect(flows[2]).toMatchObject({ start: 30 * SEC, end: 60 * SEC });
  });

  it('puts usersPerIp devices behind one address', () => {
    const { hosts, built } = run(handWorkload(4, [{ t: SEC, s: A, r: B }]), { ...NO_READ, usersPerIp: 2 });
    expect(hosts.ip[0]).toBe(hosts.ip[1]);
    expect(hosts.ip[2]).toBe(hosts.ip[3]);
    expect(hosts.ip[1]).not.toBe(hosts.ip[2]);
    expect(hosts.ip[built.central]).not.toBe(hosts.ip[3]);
  });

  it('is deterministic per seed', () => {
    const duration = parseDuration('10min');
    const mk = (seed: number) => {
      const w = generateWorkload(
        spec(30, duration, { online: { model: 'sessions', on: parseDist('exp(3min)'), off: parseDist('exp(3min)') } }),
        new Streams(seed),
      );
      return logHash(run(w, { linkedDevices: 0.3 }, seed).log);
    };
    expect(mk(3)).toBe(mk(3));
    expect(mk(3)).not.toBe(mk(4));
  });

  it('check() names impossible parameters', () => {
    // Values outside a spec's own bounds are the scenario layer's (test/scenario/design-bounds.test.ts).
    expect(signal.check?.(resolve(signal, { usersPerIp: 20 }), 10).map((e) => e.param)).toEqual(['usersPerIp']);
    expect(signal.check?.(resolve(signal), 10)).toEqual([]);
    for (const s of signal.params) expect(s.source.length).toBeGreaterThan(0);
  });
});
