/**
 * Background traffic in views: every design's periodic flows (keepalives, empty polls, PINGs,
 * /sync long-polls, mixnet fetches) reach one-party views as descriptors, expand to the rows the
 * party would log, and stay descriptors in memory.
 */
import { describe, expect, it } from 'vitest';
import {
  type Background,
  BackgroundReader,
  crossings,
  forEachCrossing,
  seeBackground,
  sortByTime,
} from '../../src/adversary/background.js';
import { Streams } from '../../src/core/rng.js';
import { HOUR, MIN, SEC } from '../../src/core/time.js';
import type { DesignModule } from '../../src/designs/design.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { Kind, PeriodicFlows, requestBytes } from '../../src/net/log.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { quietSpec, runDesign, viewOf } from '../designs/harness.js';

const LAT = 40e6;

/** Each design with the parameters that give it periodic flows, and the kind of exchange they are. */
const CASES: [string, Record<string, string | number | boolean>, number][] = [
  ['signal', { linkedDevices: 0 }, Kind.keepalive],
  ['session', {}, Kind.poll],
  ['simplex', { pingInterval: '60s' }, Kind.keepalive],
  ['matrix', {}, Kind.poll],
  ['mixnet', { fetchReply: 'stored', loopRate: '0/s', dropRate: '0/s' }, Kind.fetch],
];

const world = (id: string, over: Record<string, string | number | boolean>, duration = 10 * MIN) => {
  const w = generateWorkload(quietSpec(20, duration), new Streams(3).sub('workload'));
  return runDesign(DESIGNS.get(id) as DesignModule, w, over, 1, duration);
};

/** Every crossing of `bg` as [from, to, observed tTx, observed tRx, bytes]. */
const expand = (bg: Background) => {
  const rows: [number, number, number, number, number][] = [];
  forEachCrossing(
    bg,
    () => true,
    (d, tx, rx) => rows.push([bg.from[d], bg.to[d], tx, rx, bg.bytes[d]]),
  );
  return rows;
};

describe.each(CASES)('background of %s through one-party views', (id, over, kind) => {
  const run = world(id, over);
  const flows = run.net.periodic.flows;
  const f = flows.find((x) => x.kind === kind);

  it('has periodic flows of the expected kind', () => {
    expect(f).toBeDefined();
  });

  it('a party on the first hop sees the request and the answer of every exchange, at its schedule', () => {
    if (!f) return;
    const device = f.path[0];
    const party = f.path[1];
    const bg = seeBackground(run.net.periodic, viewOf(run.hosts.count, [party]), run.w.users, run.hosts.count, LAT);
    const rows = expand(bg).filter((r) => (r[0] === device && r[1] === party) || (r[0] === party && r[1] === device));
    // Exchanges of every flow of this device over this link.
    const mine = flows.filter((x) => x.path[0] === device && x.path[1] === party);
    const exchanges = mine.reduce((s, x) => s + PeriodicFlows.count(x), 0);
    expect(exchanges).toBeGreaterThan(0);
    expect(rows.length).toBe(2 * exchanges);
    const up = rows.filter((r) => r[0] === device);
    const down = rows.filter((r) => r[0] === party);
    expect(up.length).toBe(exchanges);
    // The party holds one end of each: the arrival time of a request, the departure time of an
    // answer (the other end's time is not seen: tTx = tRx, as view.ts); the answer leaves
    // 2·(links − 1)·lat after the request arrives (a turn-around at the far end).
    for (const r of [...up, ...down]) expect(r[2]).toBe(r[3]);
    const turn = 2 * (f.path.length - 2) * LAT;
    expect(down.map((r) => r[2]).sort()).toEqual(up.map((r) => r[2] + turn).sort());
    expect(new Set(up.map((r) => r[4]))).toEqual(new Set(mine.map((x) => Math.round(requestBytes(x)))));
    expect(new Set(down.map((r) => r[4]))).toEqual(
      new Set(mine.map((x) => Math.round(x.bytesPerLink - requestBytes(x)))),
    );
    // Times are the flow's: phase + k·period inside [start, end), seen one latency later.
    const x = mine[0];
    const first = up.filter((r) => r[2] >= x.start + LAT && r[2] < x.end + LAT).map((r) => r[2] - LAT);
    for (const t of first.slice(0, 5)) {
      const k = (t - x.phase) / x.period;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6);
    }
  });

  it('a party on no flow path sees none of it; a global observer sees every link of every flow', () => {
    const onPath = new Set<number>();
    for (const x of flows) for (const h of x.path) onPath.add(h);
    const idle = run.built.infra.find((h) => !onPath.has(h));
    if (idle !== undefined) {
      const bg = seeBackground(run.net.periodic, viewOf(run.hosts.count, [idle]), run.w.users, run.hosts.count, LAT);
      expect(bg.count).toBe(0);
    }
    const global = { ...viewOf(run.hosts.count, []), kind: 'global-passive' as const, global: true };
    const all = seeBackground(run.net.periodic, global, run.w.users, run.hosts.count, LAT);
    const links = flows.reduce((s, x) => s + (x.end > x.start ? 2 * (x.path.length - 1) : 0), 0);
    expect(all.count).toBe(links);
  });
});

describe('memory: a view holds descriptors, not rows', () => {
  it('Session over 1 h: descriptors are a small fraction of the exchanges they stand for', () => {
    const run = world('session', {}, HOUR);
    const global = { ...viewOf(run.hosts.count, []), kind: 'global-passive' as const, global: true };
    const bg = seeBackground(run.net.periodic, global, run.w.users, run.hosts.count, LAT);
    let rows = 0;
    for (let d = 0; d < bg.count; d++) rows += crossings(bg, d);
    // Every per-descriptor array has one entry per descriptor; the time indexes one per
    // descriptor and minute in which it crosses (at most its crossings, at most one an hour's 61
    // minute buckets).
    for (const a of [bg.from, bg.to, bg.origin, bg.bytes, bg.period, bg.first, bg.stop, bg.txOff, bg.rxOff]) {
      expect(a.length).toBe(bg.count);
    }
    const entries = (ix: { ids: Int32Array }, cx: { ids: Int32Array }) => ix.ids.length + cx.ids.length;
    for (const n of [entries(bg.arrivals, bg.arrivalCrossings), entries(bg.departures, bg.departureCrossings)]) {
      expect(n).toBeLessThanOrEqual(Math.min(rows, 241 * bg.count));
      expect(n).toBeLessThan(rows / 5);
    }
    expect(rows).toBeGreaterThan(20 * bg.count);
  });
});

// 7 s flows are indexed by minute, 55 s ones by crossing: both paths of the reader.
describe.each(['7s', '55s'])('BackgroundReader (keepalives every %s)', (every) => {
  const run = world('signal', { linkedDevices: 0, keepaliveInterval: every });
  const global = { ...viewOf(run.hosts.count, []), kind: 'global-passive' as const, global: true };
  const bg = seeBackground(run.net.periodic, global, run.w.users, run.hosts.count, LAT);
  const all = expand(bg);

  it('departures(lo, hi, max) are the newest device departures in [lo, hi], newest first', () => {
    const r = new BackgroundReader(bg);
    for (const [lo, hi, max] of [
      [100 * SEC, 130 * SEC, 1000],
      [200 * SEC, 260 * SEC, 7],
      [59 * SEC, 61 * SEC, 50],
    ]) {
      const want = all
        .filter((x) => x[0] < run.w.users && x[2] >= lo && x[2] <= hi)
        .map((x) => x[2])
        .sort((a, b) => b - a)
        .slice(0, max);
      const n = r.departures(lo, hi, max, () => true);
      expect(Array.from(r.outT.subarray(0, n))).toEqual(want);
    }
  });

  it('arrivals(h, …) are the crossings into h; keep() drops descriptors', () => {
    const r = new BackgroundReader(bg);
    const service = run.built.central;
    const want = all
      .filter((x) => x[1] === service && x[3] >= 30 * SEC && x[3] <= 150 * SEC)
      .map((x) => x[3])
      .sort((a, b) => b - a);
    expect(want.length).toBeGreaterThan(0);
    const n = r.arrivals(service, 30 * SEC, 150 * SEC, 1e9, () => true);
    expect(Array.from(r.outT.subarray(0, n))).toEqual(want);
    expect(r.arrivals(service, 30 * SEC, 150 * SEC, 3, () => true)).toBe(Math.min(3, want.length));
    expect(Array.from(r.outT.subarray(0, 3))).toEqual(want.slice(0, 3));
    expect(r.arrivals(service, 30 * SEC, 150 * SEC, 1e9, () => false)).toBe(0);
  });
});

describe('sortByTime', () => {
  /** The order the index promises: time, then descriptor id. */
  function reference(t: Float64Array, ids: Int32Array): [number, number][] {
    return Array.from(t, (x, i): [number, number] => [x, ids[i]]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  }

  it('orders by time then id on runs that take the bucketed path (ties, equal times, one value)', () => {
    let seed = 5;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const shapes: Record<string, () => number> = {
      // Periodic crossings of many descriptors: equal times across descriptors, clustered phases.
      periodic: () => Math.floor(next() * 40) * 55e9 + Math.floor(next() * 8) * 1e6,
      spread: () => next() * 3.6e12,
      'one time': () => 7e9,
      'one outlier': () => (next() < 0.001 ? 1e15 : next() * 1e9),
    };
    for (const [name, draw] of Object.entries(shapes)) {
      for (const n of [5, 33, 2000, 40_000]) {
        const t = Float64Array.from({ length: n + 6 }, draw);
        const ids = Int32Array.from({ length: n + 6 }, () => Math.floor(next() * 300));
        const want = reference(t.subarray(3, n + 3), ids.subarray(3, n + 3));
        const before = [t[0], t[1], t[2], t[n + 3], t[n + 4], t[n + 5]];
        sortByTime(t, ids, 3, n + 3);
        expect(Array.from(t.subarray(3, n + 3)), `${name} ${n}`).toEqual(want.map((e) => e[0]));
        expect(Array.from(ids.subarray(3, n + 3)), `${name} ${n}`).toEqual(want.map((e) => e[1]));
        // Entries outside a..b are left alone.
        expect([t[0], t[1], t[2], t[n + 3], t[n + 4], t[n + 5]]).toEqual(before);
      }
    }
  });
});
