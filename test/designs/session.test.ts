/**
 * Session design: the hops of a message, what each party reads (§6 Session table), the sync
 * copy, the poll delay, conservation under churn, push wake-ups, determinism and check().
 * Each test runs a small generated workload through the shared harness (the pipeline's streams).
 */
import { describe, expect, it } from 'vitest';
import { observe } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { parseDuration, parseRate, SEC } from '../../src/core/time.js';
import { session } from '../../src/designs/session/index.js';
import { Role } from '../../src/net/hosts.js';
import { Kind, VIS_RX, VIS_TX } from '../../src/net/log.js';
import { generateWorkload, nextOnline } from '../../src/workload/generate.js';
import type { WorkloadSpec } from '../../src/workload/types.js';
import { asPipeline, chain, logHash, type Params, quietSpec, type Run, resolve, runDesign, viewOf } from './harness.js';

const DURATION = parseDuration('1h');
const DRAIN = 60 * SEC;

/** 40 quiet users (overridden by `wl`) and 200 snodes, with the pipeline's streams and processing. */
function run(params: Params = {}, wl: Partial<WorkloadSpec> = {}, seed = 1): Run {
  const w = generateWorkload(quietSpec(40, DURATION, wl), new Streams(seed));
  return runDesign(session, w, { nodes: 200, ...params }, seed, DURATION, asPipeline(session, DRAIN));
}

/** Delivery indices of 1:1 messages. */
function oneToOne(r: Run): number[] {
  const out: number[] = [];
  for (let d = 0; d < r.net.truth.length; d++) if (r.net.truth.group[d] < 0) out.push(d);
  return out;
}

describe('session: the hops of a 1:1 message', () => {
  const r = run({ nodes: 2000 });
  const { net, hosts, w } = r;
  const log = net.log;

  it('goes device → guard → relay → exit → swarm node (→ replica) and back out by a poll through the recipient’s path', () => {
    const ds = oneToOne(r);
    expect(ds.length).toBeGreaterThan(100);
    for (const d of ds) {
      const m = net.truth.msg[d];
      const rows = chain(net.log, net.truth.finalRow[d]);
      const A = w.sender[m];
      const Bu = w.recipient[m];
      // Store request: 4 forward legs of kind message, first from A's device with prev -1.
      expect(log.from[rows[0]]).toBe(A);
      expect(log.prev[rows[0]]).toBe(-1);
      for (let i = 0; i < 4; i++) {
        expect(log.kind[rows[i]]).toBe(Kind.message);
        expect(hosts.role[log.to[rows[i]]]).toBe(Role.snode);
        if (i > 0) expect(log.from[rows[i]]).toBe(log.to[rows[i - 1]]);
      }
      // Optional replication to the member that answered the poll, then 4 response legs.
      let k = 4;
      if (log.kind[rows[k]] === Kind.replicate) {
        expect(log.from[rows[k]]).toBe(log.to[rows[3]]);
        k++;
      }
      expect(rows.length).toBe(k + 4);
      for (let i = k; i < k + 4; i++) expect(log.kind[rows[i]]).toBe(Kind.fetch);
      expect(log.from[rows[k]]).toBe(log.to[rows[k - 1]]);
      expect(log.to[rows[k + 3]]).toBe(Bu);
      expect(net.truth.recipient[d]).toBe(Bu);
      expect(net.truth.sender[d]).toBe(A);
      // Times never go backwards along the chain.
      for (let i = 1; i < rows.length; i++) expect(log.tTx[rows[i]]).toBeGreaterThanOrEqual(log.tRx[rows[i - 1]]);
    }
  });

  it('prev chains: every row leaves the host its cause arrived at, after it arrived', () => {
    for (const res of [
      r,
      run(
        { push: true },
        { users: 60, platforms: { android: 0.5, ios: 0.3 }, groups: { count: 3, size: 5, rate: parseRate('4/h') } },
      ),
    ]) {
      const l = res.net.log;
      const bad: number[] = [];
      for (let i = 0; i < l.length; i++) {
        const p = l.prev[i];
        const ok = p < 0 ? l.from[i] < res.w.users : p < i && l.from[i] === l.to[p] && l.tTx[i] >= l.tRx[p];
        if (!ok) bad.push(i);
      }
      expect(bad).toEqual([]);
      expect(l.length).toBeGreaterThan(1000);
    }
  });

  it('uses at most `guards` persistent first hops per user', () => {
    const guards = new Map<number, Set<number>>();
    for (let i = 0; i < log.length; i++) {
      if (log.from[i] >= w.users || log.prev[i] !== -1) continue;
      const s = guards.get(log.from[i]) ?? new Set<number>();
      s.add(log.to[i]);
      guards.set(log.from[i], s);
    }
    for (const s of guards.values()) expect(s.size).toBeLessThanOrEqual(2);
    expect([...guards.values()].some((s) => s.size === 2)).toBe(true);
  });

  it('each party reads exactly its §6 fields', () => {
    /** What host h reads on row x (through an adversary view holding only h). */
    const readBy = (h: number, x: number): number[] | null => {
      const { obs, obsOf } = observe(log, viewOf(hosts.count, [h]));
      const j = obsOf[x];
      return j < 0 ? null : [obs.sAcct[j], obs.rAcct[j], obs.obj[j]];
    };
    for (const d of oneToOne(r).slice(0, 40)) {
      const m = net.truth.msg[d];
      const A = w.sender[m];
      const Bu = w.recipient[m];
      const rows = chain(net.log, net.truth.finalRow[d]);
      const [toGuard, toRelay, toExit, toNode] = rows;
      const guard = log.to[toGuard];
      const relay = log.to[toRelay];
      const exit = log.to[toExit];
      const node = log.to[toNode];
      // The guard sees A's device and the next hop, and reads no identifier.
      expect(log.from[toGuard]).toBe(A);
      expect(readBy(guard, toGuard)).toEqual([-1, -1, -1]);
      expect(readBy(guard, toRelay)).toEqual([-1, -1, -1]);
      // The relay and the exit read nothing; the exit only learns which snode it sends to.
      expect(readBy(relay, toExit)).toEqual([-1, -1, -1]);
      expect(readBy(exit, toNode)).toEqual([-1, -1, -1]);
      // The swarm node reads the recipient account (and its swarm), not the sender.
      const atNode = readBy(node, toNode) as number[];
      expect(atNode[0]).toBe(-1);
      expect(atNode[1]).toBe(Bu);
      expect(atNode[2]).toBeGreaterThanOrEqual(0);
      // It never sees A's device: no row of the chain joins them.
      for (const x of rows)
        if (log.from[x] === node || log.to[x] === node) expect([log.from[x], log.to[x]]).not.toContain(A);
      // The answering node reads the poller's account on its response; the recipient's relays read nothing.
      const k = rows.findIndex((x) => log.kind[x] === Kind.fetch);
      const answering = log.from[rows[k]];
      expect(readBy(answering, rows[k])).toEqual([-1, Bu, atNode[2]]);
      expect(readBy(log.to[rows[k]], rows[k])).toEqual([-1, -1, -1]);
      expect(log.idVis[toNode]).toBe(VIS_RX);
      expect(log.idVis[rows[k]]).toBe(VIS_TX);
      for (const x of rows.slice(k + 1)) expect(log.rAcct[x]).toBe(-1);
    }
  });

  it('no snode ever sees the sender device next to the swarm node (the destination is never on the path)', () => {
    for (let i = 0; i < log.length; i++) {
      if (log.from[i] < w.users) expect(hosts.role[log.to[i]]).toBe(Role.snode);
      // A row whose readable rAcct names an account never touches a user device.
      if (log.rAcct[i] >= 0 && log.kind[i] !== Kind.push) {
        expect(log.from[i]).toBeGreaterThanOrEqual(w.users);
        expect(log.to[i]).toBeGreaterThanOrEqual(w.users);
      }
    }
  });

  it('stores a sync copy in the sender’s own swarm after every 1:1 store, and never with syncCopy: false', () => {
    const swarmOf = new Map<number, Set<number>>();
    const note = (acct: number, host: number) => {
      const s = swarmOf.get(acct) ?? new Set<number>();
      s.add(host);
      swarmOf.set(acct, s);
    };
    let syncStores = 0;
    for (let i = 0; i < log.length; i++) {
      const last = log.idVis[i] === VIS_RX && log.rAcct[i] >= 0;
      if (last && log.kind[i] === Kind.sync) {
        syncStores++;
        expect(log.rAcct[i]).toBe(w.sender[log.msg[i]]);
      }
      if ((last || log.kind[i] === Kind.replicate) && log.rAcct[i] >= 0) note(log.rAcct[i], log.to[i]);
    }
    let sent = 0;
    for (let m = 0; m < w.count; m++) if (w.group[m] < 0 && w.tSend[m] < DURATION) sent++;
    expect(syncStores).toBe(sent);
    // Everything stored for an account (messages to it and its own sync copies) lands in one swarm.
    for (const s of swarmOf.values()) expect(s.size).toBeLessThanOrEqual(Math.ceil(2000 / Math.floor(2000 / 7)));
    const off = run({ syncCopy: false });
    for (let i = 0; i < off.net.log.length; i++) expect(off.net.log.kind[i]).not.toBe(Kind.sync);
    expect(off.net.truth.length).toBe(net.truth.length);
  });
});

describe('session: polling', () => {
  it('picks a message up within one poll interval of its store, uniformly over the interval', () => {
    const r = run({}, { users: 200 });
    const log = r.net.log;
    const P = 5 * SEC;
    // Poll request times of each device (first leg of each retrieve that returned something).
    const polls = new Map<number, number[]>();
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.poll || log.from[i] >= r.w.users) continue;
      const l = polls.get(log.from[i]) ?? [];
      l.push(log.tTx[i]);
      polls.set(log.from[i], l);
    }
    const u: number[] = [];
    for (const d of oneToOne(r)) {
      const rows = chain(r.net.log, r.net.truth.finalRow[d]);
      const stored = log.tRx[rows[3]];
      const delay = r.net.truth.tDeliver[d] - stored;
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThan(P + 2 * SEC);
      const mine = (polls.get(r.net.truth.recipient[d]) ?? []).filter((t) => t <= r.net.truth.tDeliver[d]);
      u.push((Math.max(...mine) - stored) / P);
    }
    expect(u.length).toBeGreaterThan(1000);
    // One extra poll only when the two sampled members had not received the replica yet (≈ 0.1 s).
    for (const x of u) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1.05);
    }
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / u.length) + 0.01);
    const bins = [0, 0, 0, 0, 0];
    for (const x of u) bins[Math.min(4, Math.floor(x * 5))]++;
    for (const b of bins) expect(Math.abs(b / u.length - 0.2)).toBeLessThan(0.04);
  });

  it('delivers every message to an always-online recipient, and to offline ones when they return', () => {
    const always = run({}, { users: 60, groups: { count: 4, size: 5, rate: parseRate('4/h') } });
    const expected = (r: Run) => {
      let n = 0;
      for (let m = 0; m < r.w.count; m++) {
        if (r.w.tSend[m] >= DURATION) continue;
        const g = r.w.group[m];
        n += g < 0 ? 1 : r.w.groupStart[g + 1] - r.w.groupStart[g] - 1;
      }
      return n;
    };
    expect(always.net.truth.length).toBe(expected(always));

    const churn = run(
      {},
      { users: 80, online: { model: 'sessions', on: parseDist('exp(10min)'), off: parseDist('exp(10min)') } },
    );
    const { net, w } = churn;
    const got = new Set<number>();
    for (let d = 0; d < net.truth.length; d++) {
      got.add(net.truth.msg[d]);
      // Never handed over before the recipient is online after the store (no push, no background polls).
      const rows = chain(net.log, net.truth.finalRow[d]);
      const stored = net.log.tRx[rows[3]];
      expect(net.truth.tDeliver[d]).toBeGreaterThanOrEqual(nextOnline(w, net.truth.recipient[d], stored));
    }
    let missing = 0;
    for (let m = 0; m < w.count; m++) {
      if (w.tSend[m] >= DURATION || w.group[m] >= 0 || got.has(m)) continue;
      missing++;
      // Undelivered only if the recipient is not online again before the run ends.
      expect(nextOnline(w, w.recipient[m], w.tSend[m])).toBeGreaterThan(DURATION + DRAIN - 10 * SEC);
    }
    expect(missing).toBeLessThan(w.count / 4);
  });

  it('a group message is stored once in the group swarm and reaches every other member', () => {
    const r = run({}, { users: 60, rate: 0, groups: { count: 3, size: 6, rate: parseRate('6/h') } });
    const { net, w } = r;
    const log = net.log;
    let groupMsgs = 0;
    for (let m = 0; m < w.count; m++) {
      if (w.group[m] < 0 || w.tSend[m] >= DURATION) continue;
      groupMsgs++;
      const stores = [];
      for (let i = 0; i < log.length; i++)
        if (log.msg[i] === m && log.kind[i] === Kind.message && log.idVis[i] === VIS_RX) stores.push(i);
      expect(stores.length).toBe(1);
      expect(log.obj[stores[0]]).toBeGreaterThanOrEqual(Math.floor(200 / 7));
      expect(log.rAcct[stores[0]]).toBe(-1);
    }
    expect(groupMsgs).toBeGreaterThan(5);
    expect(net.truth.length).toBe(groupMsgs * 5);
    for (let i = 0; i < log.length; i++) expect(log.kind[i]).not.toBe(Kind.sync);
  });

  it('polls are periodic flows, not rows: empty polls cost nothing in the log', () => {
    const r = run({}, { users: 30, rate: 0 });
    expect(r.net.log.length).toBe(0);
    // 30 users × 2 queries per poll, one flow per (path, query), 5 s over 1 h.
    const flows = r.net.periodic.flows;
    expect(flows.length).toBe(60);
    let exchanges = 0;
    for (const f of flows) {
      exchanges += Math.round((f.end - f.start) / f.period);
      expect(f.path.length).toBe(5);
      expect(f.path[0]).toBeLessThan(30);
    }
    expect(exchanges).toBe(30 * 2 * 720);
  });
});

describe('session: push and background polls', () => {
  it('SPNS reads the account, the provider only wakes the device, which fetches at once', () => {
    const r = run(
      { push: true },
      {
        users: 60,
        platforms: { android: 0.5, ios: 0.5 },
        online: { model: 'sessions', on: parseDist('exp(5min)'), off: parseDist('exp(30min)') },
      },
    );
    const { net, hosts, w } = r;
    const log = net.log;
    const spns = r.built.pushHosts.length === 2 ? hosts.role.indexOf(Role.notifier) : -1;
    expect(spns).toBeGreaterThan(0);
    let woken = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.kind[i] !== Kind.push) continue;
      if (log.to[i] === spns) expect(log.rAcct[i]).toBe(w.recipient[log.msg[i]]);
      if (log.from[i] === spns) expect(log.idVis[i]).toBe(VIS_TX);
      if (r.built.pushHosts.includes(log.from[i])) {
        expect(log.to[i]).toBeLessThan(w.users);
        expect(log.rAcct[i]).toBe(-1);
        woken++;
      }
    }
    expect(woken).toBeGreaterThan(10);
    // Offline recipients get their messages seconds after the push, not at their next session.
    let early = 0;
    for (let d = 0; d < net.truth.length; d++) {
      const u = net.truth.recipient[d];
      if (nextOnline(w, u, net.truth.tDeliver[d]) > net.truth.tDeliver[d]) early++;
    }
    expect(early).toBeGreaterThan(5);
  });

  it('Android background polls deliver to offline devices within one background period', () => {
    const wl: Partial<WorkloadSpec> = {
      users: 60,
      platforms: { android: 1, ios: 0 },
      online: { model: 'sessions', on: parseDist('exp(5min)'), off: parseDist('exp(40min)') },
    };
    const off = run({}, wl);
    const bg = run({ backgroundPoll: '15min' }, wl);
    expect(bg.net.truth.length).toBeGreaterThan(off.net.truth.length);
    for (let d = 0; d < bg.net.truth.length; d++) {
      expect(bg.net.truth.tDeliver[d] - bg.net.truth.tSend[d]).toBeLessThan(parseDuration('15min') + 10 * SEC);
    }
    expect(bg.net.periodic.flows.some((f) => f.period === parseDuration('15min'))).toBe(true);
  });
});

describe('session: guards: 0 and rotation', () => {
  it('guards: 0 draws a fresh path for every request', () => {
    const r = run({ guards: 0 }, { users: 20 });
    const log = r.net.log;
    const firstHops = new Map<number, Set<number>>();
    let n = 0;
    for (let i = 0; i < log.length; i++) {
      if (log.from[i] >= r.w.users || log.prev[i] !== -1) continue;
      const s = firstHops.get(log.from[i]) ?? new Set<number>();
      s.add(log.to[i]);
      firstHops.set(log.from[i], s);
      n++;
    }
    let distinct = 0;
    for (const s of firstHops.values()) distinct += s.size;
    expect(distinct).toBeGreaterThan(0.8 * n);
  });

  it('pathRotation changes the relays every period but keeps the guards', () => {
    const second = (r: Run) => {
      const log = r.net.log;
      const nextOf = new Int32Array(log.length).fill(-1);
      for (let x = 0; x < log.length; x++) if (log.prev[x] >= 0 && nextOf[log.prev[x]] < 0) nextOf[log.prev[x]] = x;
      const guards = new Map<number, Set<number>>();
      const relays = new Map<number, Set<number>>();
      for (let i = 0; i < log.length; i++) {
        if (log.from[i] >= r.w.users || log.prev[i] !== -1) continue;
        const u = log.from[i];
        if (!guards.has(u)) guards.set(u, new Set());
        if (!relays.has(u)) relays.set(u, new Set());
        guards.get(u)?.add(log.to[i]);
        relays.get(u)?.add(log.to[nextOf[i]]);
      }
      return { guards: [...guards.values()], relays: [...relays.values()] };
    };
    const fixed = second(run({}, { users: 20 }));
    for (const s of fixed.relays) expect(s.size).toBeLessThanOrEqual(2);
    const rotating = second(run({ pathRotation: '10min' }, { users: 20 }));
    for (const s of rotating.guards) expect(s.size).toBeLessThanOrEqual(2);
    expect(rotating.relays.some((s) => s.size > 4)).toBe(true);
  });
});

describe('session: determinism and checks', () => {
  it('same seed, same log; different seed, different log', () => {
    const a = run({}, { users: 30 }, 7);
    const b = run({}, { users: 30 }, 7);
    const c = run({}, { users: 30 }, 8);
    expect(logHash(a.log)).toBe(logHash(b.log));
    expect(logHash(a.log)).not.toBe(logHash(c.log));
    expect(a.built).toEqual(b.built);
  });

  it('reports all snodes as infrastructure and a node of the largest swarm as central', () => {
    const r = run({}, { users: 30, rate: 0 });
    expect(r.built.infra.length).toBe(200);
    for (const h of r.built.infra) expect(r.hosts.role[h]).toBe(Role.snode);
    expect(r.built.infra).toContain(r.built.central);
    expect(r.built.realWorldIdentifier).toBe(0);
    expect(r.built.pushHosts).toEqual([]);
  });

  it('check() names the parameter and the fix', () => {
    const bad = (over: Params) => (session.check?.(resolve(session, over), 100) ?? []).map((e) => e.param);
    expect(bad({})).toEqual([]);
    expect(bad({ nodes: 5, swarmSize: 7 })).toContain('swarmSize');
    expect(bad({ nodes: 5, guards: 6 })).toContain('guards');
    expect(bad({ nodes: 5, guards: 2, pathLength: 3 })).toContain('guards');
    expect(bad({ nodes: 3, guards: 0, pathLength: 3, swarmSize: 1, retrieveNodes: 1 })).toContain('pathLength');
    expect(bad({ retrieveNodes: 8 })).toContain('retrieveNodes');
    const msg = session.check?.(resolve(session, { nodes: 5, swarmSize: 7 }), 100)[0];
    expect(msg?.message).toMatch(/swarmSize 7 exceeds nodes 5/);
  });
});
