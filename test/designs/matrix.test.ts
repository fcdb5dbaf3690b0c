/**
 * Matrix design: the hops of an event, what each homeserver reads (§6 Matrix table), that
 * homeservers outside a room see nothing of it, federation fan-out, EDUs, push wake-ups,
 * conservation, determinism and check(). Small generated workloads through the shared harness.
 */
import { describe, expect, it } from 'vitest';
import { observe } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { parseDuration, parseRate, SEC } from '../../src/core/time.js';
import { matrix } from '../../src/designs/matrix/index.js';
import { Role } from '../../src/net/hosts.js';
import { Kind } from '../../src/net/log.js';
import { generateWorkload, isOnline, nextOnline } from '../../src/workload/generate.js';
import type { WorkloadSpec } from '../../src/workload/types.js';
import { asPipeline, chain, logHash, type Params, quietSpec, type Run, resolve, runDesign, viewOf } from './harness.js';

const DURATION = parseDuration('1h');
const DRAIN = 60 * SEC;

/** 60 quiet users (overridden by `wl`) on 8 homeservers, with the pipeline's streams and processing. */
function run(params: Params = {}, wl: Partial<WorkloadSpec> = {}, seed = 1): Run {
  const w = generateWorkload(quietSpec(60, DURATION, wl), new Streams(seed));
  return runDesign(matrix, w, { homeservers: 8, ...params }, seed, DURATION, asPipeline(matrix, DRAIN));
}

/** Each user's homeserver, read off the rows between its device and a homeserver. */
function homeOf(r: Run): Map<number, number> {
  const out = new Map<number, number>();
  const l = r.net.log;
  for (let i = 0; i < l.length; i++) {
    if (l.from[i] < r.w.users) out.set(l.from[i], l.to[i]);
    else if (l.to[i] < r.w.users && r.hosts.role[l.from[i]] === Role.homeserver) out.set(l.to[i], l.from[i]);
  }
  return out;
}

describe('matrix: the hops of an event', () => {
  const r = run({ typingNotifications: false, readReceipts: false, megolmRotation: 0 });
  const { net, hosts, w } = r;
  const log = net.log;
  const home = homeOf(r);

  it('goes device → own homeserver (→ recipient’s homeserver) → recipient device, chained by prev', () => {
    let federated = 0;
    let local = 0;
    for (let d = 0; d < net.truth.length; d++) {
      const m = net.truth.msg[d];
      const A = w.sender[m];
      const B = w.recipient[m];
      const rows = chain(net.log, net.truth.finalRow[d]);
      const hsA = home.get(A) as number;
      const hsB = home.get(B) as number;
      for (const x of rows) expect(log.kind[x]).toBe(Kind.message);
      expect(log.from[rows[0]]).toBe(A);
      expect(log.to[rows[0]]).toBe(hsA);
      expect(log.to[rows[rows.length - 1]]).toBe(B);
      if (hsA === hsB) {
        local++;
        expect(rows.length).toBe(2);
      } else {
        federated++;
        expect(rows.length).toBe(3);
        expect(hosts.role[log.to[rows[1]]]).toBe(Role.homeserver);
        expect([log.from[rows[1]], log.to[rows[1]]]).toEqual([hsA, hsB]);
      }
      // Every homeserver on the way reads sender and room; the rows into B name B.
      for (const x of rows) {
        expect(log.sAcct[x]).toBe(A);
        expect(log.obj[x]).toBe(log.obj[rows[0]]);
        expect(log.rAcct[x]).toBe(B);
      }
    }
    expect(federated).toBeGreaterThan(50);
    expect(local).toBeGreaterThan(5);
  });

  it('one room per contact pair: both directions share the room id, distinct pairs do not', () => {
    const roomOf = new Map<string, number>();
    for (let i = 0; i < log.length; i++) {
      if (log.from[i] >= w.users || log.kind[i] !== Kind.message) continue;
      const m = log.msg[i];
      const key = [w.sender[m], w.recipient[m]].sort((a, b) => a - b).join('-');
      const prev = roomOf.get(key);
      if (prev === undefined) roomOf.set(key, log.obj[i]);
      else expect(log.obj[i]).toBe(prev);
    }
    expect(new Set(roomOf.values()).size).toBe(roomOf.size);
  });

  it('every row has a cause at the host it leaves (prev chains)', () => {
    const bad: number[] = [];
    for (let i = 0; i < log.length; i++) {
      const p = log.prev[i];
      const ok = p < 0 ? log.from[i] < w.users : p < i && log.from[i] === log.to[p] && log.tTx[i] >= log.tRx[p];
      if (!ok) bad.push(i);
    }
    expect(bad).toEqual([]);
  });

  it('a homeserver outside a room sees no row of it; one in the room reads sender and room of every event', () => {
    const rooms = new Map<number, Set<number>>();
    for (let i = 0; i < log.length; i++) {
      if (log.from[i] >= w.users || log.kind[i] !== Kind.message) continue;
      const m = log.msg[i];
      rooms.set(log.obj[i], new Set([home.get(w.sender[m]) as number, home.get(w.recipient[m]) as number]));
    }
    const servers = r.built.infra;
    for (const hs of servers) {
      const { obs, rowOf } = observe(log, viewOf(hosts.count, [hs], 'colluding'));
      const seenRooms = new Set<number>();
      for (let j = 0; j < obs.length; j++) {
        if (log.kind[rowOf[j]] !== Kind.message) continue;
        const room = log.obj[rowOf[j]];
        expect(rooms.get(room)?.has(hs)).toBe(true);
        // Participating: the sender account and the room on every row it touches.
        expect(obs.sAcct[j]).toBe(w.sender[log.msg[rowOf[j]]]);
        expect(obs.obj[j]).toBe(room);
        seenRooms.add(room);
      }
      for (const [room, parts] of rooms) expect(seenRooms.has(room)).toBe(parts.has(hs));
    }
  });
});

describe('matrix: groups, EDUs, key shares', () => {
  const r = run({}, { users: 80, rate: 0, groups: { count: 4, size: 8, rate: parseRate('6/h') } });
  const { net, w } = r;
  const log = net.log;
  const home = homeOf(r);

  it('one federation transaction per other participating homeserver, one /sync delivery per other member', () => {
    let events = 0;
    for (let m = 0; m < w.count; m++) {
      if (w.tSend[m] >= DURATION) continue;
      events++;
      const g = w.group[m];
      const members = Array.from(w.groupMembers.subarray(w.groupStart[g], w.groupStart[g + 1]));
      const hsA = home.get(w.sender[m]) as number;
      const servers = new Set(members.map((u) => home.get(u) as number));
      const feds: number[] = [];
      const toDevices: number[] = [];
      for (let i = 0; i < log.length; i++) {
        if (log.msg[i] !== m || log.kind[i] !== Kind.message) continue;
        if (log.from[i] >= w.users && log.to[i] >= w.users) feds.push(log.to[i]);
        if (log.to[i] < w.users) toDevices.push(log.to[i]);
      }
      expect(feds.sort((a, b) => a - b)).toEqual([...servers].filter((s) => s !== hsA).sort((a, b) => a - b));
      expect(toDevices.sort((a, b) => a - b)).toEqual(members.filter((u) => u !== w.sender[m]));
    }
    expect(events).toBeGreaterThan(10);
    expect(net.truth.length).toBe(events * 7);
  });

  it('receipts and typing are EDUs from the reader/typer to every participating homeserver only', () => {
    let receipts = 0;
    let typing = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.ephemeral) continue;
      const m = log.msg[i];
      const g = w.group[m];
      const members = Array.from(w.groupMembers.subarray(w.groupStart[g], w.groupStart[g + 1]));
      expect(members).toContain(log.sAcct[i]);
      expect(log.obj[i]).toBeGreaterThanOrEqual(0);
      if (log.to[i] >= w.users) expect(members.map((u) => home.get(u))).toContain(log.to[i]);
      if (log.from[i] < w.users) {
        if (log.sAcct[i] === w.sender[m]) typing++;
        else receipts++;
      }
    }
    expect(typing).toBeGreaterThan(10);
    // One receipt per delivery, except deliveries whose read time falls after the run ends.
    expect(receipts).toBeLessThanOrEqual(net.truth.length);
    expect(receipts).toBeGreaterThanOrEqual(Math.floor(0.95 * net.truth.length));
    // A typing EDU leaves the sender before its message does.
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.ephemeral || log.from[i] >= w.users || log.sAcct[i] !== w.sender[log.msg[i]]) continue;
      expect(log.tTx[i]).toBeLessThanOrEqual(w.tSend[log.msg[i]]);
    }
  });

  it('Megolm key shares name sender and target, every megolmRotation messages', () => {
    const few = run(
      { megolmRotation: 2 },
      { users: 80, rate: 0, groups: { count: 4, size: 8, rate: parseRate('6/h') } },
    );
    const fl = few.net.log;
    let rotations = 0;
    let toDevices = 0;
    const pairs = new Set<string>();
    for (let i = 0; i < fl.length; i++) {
      if (fl.kind[i] === Kind.message && fl.from[i] < few.w.users) pairs.add(`${fl.from[i]}/${fl.obj[i]}`);
      if (fl.kind[i] !== Kind.keyShare) continue;
      expect(fl.sAcct[i]).toBe(few.w.sender[fl.msg[i]]);
      if (fl.from[i] < few.w.users) rotations++;
      if (fl.to[i] < few.w.users) {
        expect(fl.rAcct[i]).toBe(fl.to[i]);
        expect(fl.to[i]).not.toBe(fl.sAcct[i]);
        toDevices++;
      }
    }
    let sent = 0;
    for (let m = 0; m < few.w.count; m++) if (few.w.tSend[m] < DURATION) sent++;
    // Each new session goes to the 7 other members; each (sender, room) rotates every 2nd message ± 1.
    expect(toDevices).toBe(rotations * 7);
    expect(Math.abs(rotations - sent / 2)).toBeLessThanOrEqual(pairs.size);
    expect(rotations).toBeGreaterThan(0);
  });
});

describe('matrix: offline members', () => {
  it('offline mobile members are woken through Sygnal and FCM/APNs; desktops get the backlog on return', () => {
    const r = run(
      {},
      {
        users: 80,
        platforms: { android: 0.4, ios: 0.3 },
        online: { model: 'sessions', on: parseDist('exp(5min)'), off: parseDist('exp(20min)') },
      },
    );
    const { net, hosts, w } = r;
    const log = net.log;
    const gateway = hosts.role.indexOf(Role.gateway);
    expect(gateway).toBeGreaterThan(0);
    let notified = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.push) continue;
      if (log.to[i] === gateway) {
        notified++;
        const u = log.rAcct[i];
        expect(w.platform[u]).not.toBe(0);
        expect(isOnline(w, u, log.tTx[i])).toBe(false);
        expect(log.obj[i]).toBeGreaterThanOrEqual(0);
        expect(log.sAcct[i]).toBe(-1);
      }
    }
    expect(notified).toBeGreaterThan(10);
    let woken = 0;
    for (let d = 0; d < net.truth.length; d++) {
      const u = net.truth.recipient[d];
      const t = net.truth.tDeliver[d];
      if (isOnline(w, u, t)) continue;
      // Delivered while offline: only a mobile device, through a wake-up.
      expect(w.platform[u]).not.toBe(0);
      woken++;
    }
    expect(woken).toBeGreaterThan(5);
    // Conservation: every message reaches its recipient unless it never comes online (or is woken) again.
    const got = new Set<number>();
    for (let d = 0; d < net.truth.length; d++) got.add(net.truth.msg[d]);
    for (let m = 0; m < w.count; m++) {
      if (w.tSend[m] >= DURATION || got.has(m)) continue;
      expect(w.platform[w.recipient[m]]).toBe(0);
      expect(nextOnline(w, w.recipient[m], w.tSend[m])).toBeGreaterThan(DURATION);
    }
  });

  it('with always-online users every message is delivered at once over /sync', () => {
    const r = run({}, { users: 60 });
    let sent = 0;
    for (let m = 0; m < r.w.count; m++) if (r.w.tSend[m] < DURATION) sent++;
    expect(r.net.truth.length).toBe(sent);
    for (let d = 0; d < r.net.truth.length; d++)
      expect(r.net.truth.tDeliver[d] - r.net.truth.tSend[d]).toBeLessThan(1 * SEC);
    expect(r.net.periodic.flows.length).toBe(60);
  });
});

describe('matrix: placement, determinism, checks', () => {
  it('zipf placement concentrates users on the first homeserver, which is central', () => {
    const r = run({ homeservers: 50, placement: 'zipf' }, { users: 2000, rate: 0 });
    const counts = new Map<number, number>();
    const l = r.net.periodic.flows;
    for (const f of l) counts.set(f.path[1], (counts.get(f.path[1]) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    expect(top[0]).toBe(r.built.central);
    // Zipf(50, 1): P(rank 0) = 1 / H_50 ≈ 0.2222.
    expect(Math.abs(top[1] / 2000 - 0.2222)).toBeLessThan(4 * Math.sqrt((0.2222 * 0.7778) / 2000));
    expect(r.built.infra.length).toBe(50);
    expect(r.built.realWorldIdentifier).toBe(0.5);
  });

  it('same seed, same log; different seed, different log', () => {
    const a = run({}, { users: 40 }, 3);
    const b = run({}, { users: 40 }, 3);
    const c = run({}, { users: 40 }, 4);
    expect(logHash(a.log)).toBe(logHash(b.log));
    expect(logHash(a.log)).not.toBe(logHash(c.log));
  });

  it('check() names the parameter and the fix', () => {
    const bad = (over: Params) => (matrix.check?.(resolve(matrix, over), 100) ?? []).map((e) => e.param);
    expect(bad({})).toEqual([]);
    expect(bad({ padAll: true })).toEqual(['padAll']);
  });
});
