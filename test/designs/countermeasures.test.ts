import { describe, expect, it } from 'vitest';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { MIN, parseRate, SEC } from '../../src/core/time.js';
import { withCover } from '../../src/designs/countermeasures.js';
import type { DesignModule } from '../../src/designs/design.js';
import { matrix } from '../../src/designs/matrix/index.js';
import { session } from '../../src/designs/session/index.js';
import { signal } from '../../src/designs/signal/index.js';
import { simplex } from '../../src/designs/simplex/index.js';
import { Role } from '../../src/net/hosts.js';
import { Kind } from '../../src/net/log.js';
import { generateWorkload, isOnline } from '../../src/workload/generate.js';
import type { Workload } from '../../src/workload/types.js';
import { handWorkload, type Run, resolve, rowsOf, runDesign, spec } from './harness.js';

const HOUR = 60 * MIN;
const DESKTOP = { platforms: { android: 0, ios: 0 } };

function workload(users: number, duration: number, seed = 3, extra = {}): Workload {
  return generateWorkload(
    spec(users, duration, { groups: { count: 0, size: 5, rate: 0 }, ...extra }),
    new Streams(seed),
  );
}

/** Online time of user u within [0, duration). */
function onlineTime(w: Workload, u: number, duration: number): number {
  let t = 0;
  for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) t += Math.max(0, Math.min(w.onEnd[k], duration) - w.onStart[k]);
  return t;
}

describe('cover messages (withCover)', () => {
  const duration = HOUR;
  const w = workload(300, duration, 5, {
    online: { model: 'sessions', on: parseDist('exp(20min)'), off: parseDist('exp(20min)') },
  });
  const rate = parseRate('1/min');
  const c = withCover(w, rate, duration, new Streams(9).sub('shared'));

  it('appends Poisson cover at the rate over each user’s online time (4σ)', () => {
    let expected = 0;
    for (let u = 0; u < w.users; u++)
      if (w.adjStart[u + 1] > w.adjStart[u]) expected += rate * onlineTime(w, u, duration);
    const n = c.count - w.count;
    expect(expected).toBeGreaterThan(1000);
    expect(Math.abs(n - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('leaves the real messages as they were and marks cover by id', () => {
    expect(c.realCount).toBe(w.count);
    expect(Array.from(c.tSend.subarray(0, w.count))).toEqual(Array.from(w.tSend));
    expect(Array.from(c.sender.subarray(0, w.count))).toEqual(Array.from(w.sender));
    expect(Array.from(c.recipient.subarray(0, w.count))).toEqual(Array.from(w.recipient));
  });

  it('sends each cover message while its sender is online, 1:1 to one of its contacts', () => {
    for (let m = w.count; m < c.count; m++) {
      const s = c.sender[m];
      const contacts = Array.from(w.adj.subarray(w.adjStart[s], w.adjStart[s + 1]));
      expect(contacts).toContain(c.recipient[m]);
      expect(isOnline(w, s, c.tSend[m])).toBe(true);
      expect([c.group[m], c.replyTo[m]]).toEqual([-1, -1]);
      expect(c.size[m]).toBeGreaterThanOrEqual(1);
    }
  });

  it('is the same for the same shared streams and different for another seed', () => {
    const again = withCover(w, rate, duration, new Streams(9).sub('shared'));
    expect(Array.from(again.tSend)).toEqual(Array.from(c.tSend));
    const other = withCover(w, rate, duration, new Streams(10).sub('shared'));
    expect(Array.from(other.tSend)).not.toEqual(Array.from(c.tSend));
  });
});

describe('cover messages to groups (withCover)', () => {
  const duration = 30 * MIN;
  const w = workload(200, duration, 6, { groups: { count: 30, size: 5, rate: parseRate('1/10min') } });
  const c = withCover(w, parseRate('1/min'), duration, new Streams(9).sub('shared'));
  const groupsOf = (u: number) => {
    const out: number[] = [];
    for (let g = 0; g + 1 < w.groupStart.length; g++)
      if (Array.from(w.groupMembers.subarray(w.groupStart[g], w.groupStart[g + 1])).includes(u)) out.push(g);
    return out;
  };

  it('picks a conversation uniformly: a contact or one of the sender’s groups (4σ)', () => {
    let expected = 0;
    let variance = 0;
    let toGroups = 0;
    for (let m = w.count; m < c.count; m++) {
      const s = c.sender[m];
      const mine = groupsOf(s);
      const p = mine.length / (mine.length + w.adjStart[s + 1] - w.adjStart[s]);
      expected += p;
      variance += p * (1 - p);
      if (c.group[m] >= 0) {
        toGroups++;
        expect(mine).toContain(c.group[m]);
        expect(c.recipient[m]).toBe(-1);
      } else expect(Array.from(w.adj.subarray(w.adjStart[s], w.adjStart[s + 1]))).toContain(c.recipient[m]);
    }
    expect(expected).toBeGreaterThan(300);
    expect(Math.abs(toGroups - expected)).toBeLessThan(4 * Math.sqrt(variance));
  });
});

/** Rows and bytes each message caused on the wire (receipts, sync copies and pushes included). */
function footprint(r: Run, first: number, count: number): { rows: Float64Array; bytes: Float64Array } {
  const rows = new Float64Array(count);
  const bytes = new Float64Array(count);
  const { log } = r;
  for (let i = 0; i < log.length; i++) {
    const k = log.msg[i] - first;
    if (k < 0 || k >= count) continue;
    rows[k]++;
    bytes[k] += log.bytes[i];
  }
  return { rows, bytes };
}

function meanAndVar(a: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  return [mean, v / (a.length - 1)];
}

/** |mean(a) − mean(b)| within 4 standard errors (Welch). */
function sameMean(a: ArrayLike<number>, b: ArrayLike<number>): void {
  const [ma, va] = meanAndVar(a);
  const [mb, vb] = meanAndVar(b);
  expect(Math.abs(ma - mb)).toBeLessThanOrEqual(4 * Math.sqrt(va / a.length + vb / b.length) + 1e-9);
}

describe.each<[string, DesignModule]>([
  ['signal', signal],
  ['session', session],
  ['simplex', simplex],
  ['matrix', matrix],
])('%s carries cover like real traffic', (_, design) => {
  const w = workload(60, 20 * MIN, 7, DESKTOP);
  const plain = runDesign(design, w);
  const covered = runDesign(design, w, { coverRate: '2/min' });
  const coverFrom = covered.ctx.net.coverFrom;
  // The cover the design drew: the replicate's shared streams (harness seed 1), whatever the design.
  const cw = withCover(w, parseRate('2/min'), 20 * MIN, new Streams(1).sub('shared'));

  it('records the same real deliveries and none for cover', () => {
    const key = (r: Run) =>
      Array.from({ length: r.truth.length }, (_, i) => `${r.truth.msg[i]}:${r.truth.recipient[i]}`).sort();
    expect(key(covered)).toEqual(key(plain));
    expect(coverFrom).toBe(w.count);
    for (let i = 0; i < covered.truth.length; i++) expect(covered.truth.msg[i]).toBeLessThan(coverFrom);
  });

  it('puts cover messages on the wire with the footprint of a real 1:1 message (4σ)', () => {
    const oneToOne = w.group.every((g) => g < 0);
    expect(oneToOne).toBe(true);
    const nCover = cw.count - coverFrom;
    expect(nCover).toBeGreaterThan(500);
    const real = footprint(covered, 0, coverFrom);
    const cover = footprint(covered, coverFrom, nCover);
    // Same rows per message (receipts, sync copies, fan-out alike) and same bytes (same padding).
    sameMean(cover.rows, real.rows);
    sameMean(cover.bytes, real.bytes);
    // Every cover message reaches its recipient's device.
    const { log } = covered;
    const reached = new Uint8Array(nCover);
    for (let i = 0; i < log.length; i++) {
      const m = log.msg[i];
      if (m >= coverFrom && log.to[i] === cw.recipient[m]) reached[m - coverFrom] = 1;
    }
    expect(reached.reduce((a, b) => a + b, 0)).toBe(nCover);
  });

  it('costs bandwidth: more bytes on the wire than without cover', () => {
    expect(covered.log.totalBytes()).toBeGreaterThan(plain.log.totalBytes() * 1.2);
  });

  describe('with groups', () => {
    const gw = workload(60, 20 * MIN, 8, { ...DESKTOP, groups: { count: 8, size: 5, rate: parseRate('1/2min') } });
    const run = runDesign(design, gw, { coverRate: '2/min' });
    const cgw = withCover(gw, parseRate('2/min'), 20 * MIN, new Streams(1).sub('shared'));

    it('carries cover group messages with the footprint of real group messages (4σ)', () => {
      const from = run.ctx.net.coverFrom;
      const pick = (lo: number, hi: number) => {
        const ids: number[] = [];
        for (let m = lo; m < hi; m++) if (cgw.group[m] >= 0) ids.push(m);
        return ids;
      };
      const real = pick(0, from);
      const cover = pick(from, cgw.count);
      expect(real.length).toBeGreaterThan(50);
      expect(cover.length).toBeGreaterThan(50);
      const all = footprint(run, 0, cgw.count);
      sameMean(
        cover.map((m) => all.rows[m]),
        real.map((m) => all.rows[m]),
      );
      sameMean(
        cover.map((m) => all.bytes[m]),
        real.map((m) => all.bytes[m]),
      );
    });
  });

  describe('coverMode slots', () => {
    const slotted = runDesign(design, w, { coverRate: '2/min', coverMode: 'slots' });
    const { log, truth } = slotted;
    const written = slotted.ctx.net.writtenAt as Float64Array;
    /** When each message left its sender: its first row (Matrix's typing EDUs go when the user writes, not in a slot). */
    const leftAt = new Map<number, number>();
    for (let i = 0; i < log.length; i++)
      if (log.msg[i] >= 0 && log.kind[i] !== Kind.ephemeral && !leftAt.has(log.msg[i]))
        leftAt.set(log.msg[i], log.tTx[i]);
    const perUser = (times: Iterable<[number, number]>) => {
      const out: number[][] = Array.from({ length: w.users }, () => []);
      for (const [u, t] of times) out[u].push(t);
      return out.map((ts) => ts.sort((a, b) => a - b));
    };

    it("sends exactly at the user's cover times, whatever it writes", () => {
      const slots = perUser(
        Array.from({ length: cw.count - coverFrom }, (_, k): [number, number] => [
          cw.sender[coverFrom + k],
          cw.tSend[coverFrom + k],
        ]),
      );
      const sent = perUser([...leftAt].map(([m, t]): [number, number] => [cw.sender[m], t]));
      expect(sent).toEqual(slots);
      const realSent = [...leftAt.keys()].filter((m) => m < coverFrom).length;
      expect(realSent).toBeGreaterThan(0.9 * w.count);
      expect(leftAt.size).toBe(cw.count - coverFrom);
    });

    it('sends real messages oldest first, never before they are written, and counts the wait as latency', () => {
      const real = [...leftAt.keys()].filter((m) => m < coverFrom);
      for (const m of real) expect(leftAt.get(m)).toBeGreaterThanOrEqual(written[m]);
      const byUser = perUser(real.map((m): [number, number] => [w.sender[m], written[m]]));
      const leftByUser = perUser(real.map((m): [number, number] => [w.sender[m], leftAt.get(m) as number]));
      // FIFO: sorting by writing time and by leaving time gives the same order of messages.
      for (let u = 0; u < w.users; u++) {
        const order = (key: (m: number) => number) =>
          real.filter((m) => w.sender[m] === u).sort((a, b) => key(a) - key(b) || a - b);
        expect(order((m) => leftAt.get(m) as number)).toEqual(order((m) => written[m]));
        expect(byUser[u].length).toBe(leftByUser[u].length);
      }
      for (let i = 0; i < truth.length; i++) expect(truth.tSend[i]).toBe(written[truth.msg[i]]);
      let wait = 0;
      for (const m of real) wait += (leftAt.get(m) as number) - written[m];
      // A message written into an empty queue waits Exp(30 s) for the next slot; queues only add.
      expect(wait / real.length).toBeGreaterThan(20 * SEC);
    });

    it('is refused without a cover rate', () => {
      const errs = design.check?.(resolve(design, { coverMode: 'slots' }), 60) ?? [];
      expect(errs.map((e) => e.param)).toEqual(['coverMode']);
    });
  });
});

describe('mixing delay (mixDelay)', () => {
  it('adds an exponential hold of the given mean at the Signal service (4σ)', () => {
    const n = 400;
    const msgs = Array.from({ length: n }, (_, i) => ({ t: (i + 1) * 10 * SEC, s: 0, r: 1 }));
    const w = handWorkload(2, msgs, { duration: (n + 10) * 10 * SEC });
    const r = runDesign(signal, w, { mixDelay: '2s', readReceipts: false, deliveryReceipts: false });
    const { log } = r;
    const dwell: number[] = [];
    for (let i = 0; i < log.length; i++)
      if (log.kind[i] === Kind.message && log.from[i] === r.built.central)
        dwell.push(log.tTx[i] - log.tRx[log.prev[i]]);
    expect(dwell.length).toBe(n);
    const mean = dwell.reduce((a, b) => a + b, 0) / n;
    const expected = 2 * SEC + 5.5e6; // Exp(2 s) + uniform(1 ms, 10 ms)
    expect(Math.abs(mean - expected)).toBeLessThan((4 * 2 * SEC) / Math.sqrt(n));
    // Exponential, not constant: about e^-1 of the holds exceed the mean.
    const above = dwell.filter((d) => d > expected).length / n;
    expect(Math.abs(above - Math.exp(-1))).toBeLessThan(4 * Math.sqrt((Math.exp(-1) * (1 - Math.exp(-1))) / n));
  });
});

describe('delayed delivery receipts (receiptDelay)', () => {
  it('holds each Signal delivery receipt for the given random delay (4σ)', () => {
    const n = 300;
    const msgs = Array.from({ length: n }, (_, i) => ({ t: (i + 1) * 5 * SEC, s: 0, r: 1 }));
    const w = handWorkload(2, msgs, { duration: (n + 200) * 5 * SEC });
    const { log, truth } = runDesign(signal, w, { receiptDelay: 'exp(30s)', readReceipts: false });
    const deliveredAt = new Map<number, number>();
    for (let i = 0; i < truth.length; i++) deliveredAt.set(truth.msg[i], truth.tDeliver[i]);
    const waits = rowsOf(log, (i) => log.kind[i] === Kind.receipt && log.from[i] === 1).map(
      (i) => log.tTx[i] - (deliveredAt.get(log.msg[i]) as number),
    );
    expect(waits.length).toBe(n);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    const mean = waits.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - 30 * SEC)).toBeLessThan((4 * 30 * SEC) / Math.sqrt(n));
  });

  it('holds SimpleX receipts too, and sends none when receipts are off', () => {
    const msgs = Array.from({ length: 50 }, (_, i) => ({ t: (i + 1) * 5 * SEC, s: 0, r: 1 }));
    const w = handWorkload(2, msgs, { duration: 2000 * SEC });
    const at = runDesign(simplex, w);
    const later = runDesign(simplex, w, { receiptDelay: '20s' });
    const off = runDesign(simplex, w, { deliveryReceipts: false });
    const firstReceipt = (r: Run) => {
      const rows = rowsOf(r.log, (i) => r.log.kind[i] === Kind.receipt && r.log.from[i] === 1);
      return { n: rows.length, t: r.log.tTx[rows[0]] };
    };
    expect(firstReceipt(at).n).toBe(50);
    expect(firstReceipt(later).n).toBe(50);
    expect(firstReceipt(later).t - firstReceipt(at).t).toBeGreaterThan(19 * SEC);
    expect(firstReceipt(off).n).toBe(0);
  });
});

describe('SimpleX over Tor (tor)', () => {
  const w = workload(40, 20 * MIN, 11, DESKTOP);
  const direct = runDesign(simplex, w);
  const tor = runDesign(simplex, w, { tor: true, torRelays: 50 });
  const { log, hosts } = tor;
  const isRelay = (h: number) => hosts.role[h] === Role.relay;

  it('delivers the same messages', () => {
    expect(tor.truth.length).toBe(direct.truth.length);
  });

  it('never lets a relay see a user address: relays talk to Tor exits', () => {
    let viaExit = 0;
    for (let i = 0; i < log.length; i++) {
      if (isRelay(log.to[i])) expect(hosts.isUser(log.from[i])).toBe(false);
      if (isRelay(log.from[i])) expect(hosts.isUser(log.to[i])).toBe(false);
      if (isRelay(log.to[i]) && hosts.role[log.from[i]] === Role.tor) viaExit++;
    }
    expect(viaExit).toBeGreaterThan(100);
    // Periodic PINGs run over circuits too.
    for (const f of log.length > 0 ? tor.ctx.net.periodic.flows : []) expect(f.path.length).toBe(5);
  });

  it('gives every user one guard and chains each delivery back to the sender’s device', () => {
    const guards = new Map<number, Set<number>>();
    for (let i = 0; i < log.length; i++) {
      if (!hosts.isUser(log.from[i])) continue;
      expect(hosts.role[log.to[i]]).toBe(Role.tor);
      const set = guards.get(log.from[i]) ?? new Set<number>();
      set.add(log.to[i]);
      guards.set(log.from[i], set);
    }
    for (const set of guards.values()) expect(set.size).toBe(1);
    for (let d = 0; d < tor.truth.length; d++) {
      let r = tor.truth.finalRow[d];
      expect(hosts.role[log.from[r]]).toBe(Role.tor);
      while (log.prev[r] >= 0) r = log.prev[r];
      expect(log.from[r]).toBe(tor.truth.sender[d]);
    }
  });

  it('costs latency and bytes', () => {
    const meanLatency = (r: Run) => {
      let s = 0;
      for (let i = 0; i < r.truth.length; i++) s += r.truth.tDeliver[i] - r.truth.tSend[i];
      return s / r.truth.length;
    };
    expect(meanLatency(tor)).toBeGreaterThan(meanLatency(direct) + 100e6);
    expect(tor.log.totalBytes()).toBeGreaterThan(2 * direct.log.totalBytes());
  });
});

describe('Session guard rotation (guardRotation)', () => {
  const w = workload(50, HOUR, 13, DESKTOP);
  /** Distinct first-hop snodes of each user's requests. */
  const firstHops = (r: Run): number[] => {
    const sets: Set<number>[] = Array.from({ length: w.users }, () => new Set());
    for (let i = 0; i < r.log.length; i++) if (r.hosts.isUser(r.log.from[i])) sets[r.log.from[i]].add(r.log.to[i]);
    return sets.filter((s) => s.size > 0).map((s) => s.size);
  };

  it('keeps two guards per user when off, and draws new ones every period when on', () => {
    const kept = firstHops(runDesign(session, w));
    expect(Math.max(...kept)).toBeLessThanOrEqual(2);
    const rotated = firstHops(runDesign(session, w, { guardRotation: '10min' }));
    const mean = rotated.reduce((a, b) => a + b, 0) / rotated.length;
    // Six guard periods in the hour, two guards each (minus the rare repeat).
    expect(mean).toBeGreaterThan(8);
    expect(Math.max(...rotated)).toBeLessThanOrEqual(2 * 7);
  });
});

describe('Session constant-size onion traffic (onionPadding)', () => {
  const w = workload(40, 20 * MIN, 19, DESKTOP);
  it('makes onion legs one size: no per-hop shrinking, no difference between requests below the block', () => {
    const plain = runDesign(session, w);
    const padded = runDesign(session, w, { onionPadding: 4096 });
    const legSizes = (r: Run) => {
      const out = new Set<number>();
      for (let i = 0; i < r.log.length; i++) if (r.log.kind[i] !== Kind.push) out.add(r.log.bytes[i]);
      return out;
    };
    expect(legSizes(plain).size).toBeGreaterThan(10);
    expect([...legSizes(padded)]).toEqual([4096]);
    expect(padded.log.length).toBe(plain.log.length);
    for (const f of padded.ctx.net.periodic.flows) expect(f.bytesPerLink).toBe(2 * 4096);
  });
});

describe('Matrix constant-size padding (paddingBlock)', () => {
  const w = workload(40, 20 * MIN, 17, { ...DESKTOP, messageSize: parseDist('uniform(1, 2000)', 'number') });
  const uploadSizes = (r: Run): Set<number> =>
    new Set(
      rowsOf(r.log, (i) => r.log.kind[i] === Kind.message && r.hosts.isUser(r.log.from[i])).map((i) => r.log.bytes[i]),
    );

  it('leaks length to 16 bytes by default and hides it below the block when on', () => {
    expect(uploadSizes(runDesign(matrix, w)).size).toBeGreaterThan(50);
    const padded = uploadSizes(runDesign(matrix, w, { paddingBlock: 4096 }));
    expect(padded.size).toBe(1);
  });

  it('with padAll gives every transmission below the block one size: events, EDUs, key shares, acks', () => {
    const contentOnly = runDesign(matrix, w, { paddingBlock: 4096 });
    const all = runDesign(matrix, w, { paddingBlock: 4096, padAll: true });
    const sizes = (r: Run) => new Set(Array.from(r.log.bytes.subarray(0, r.log.length)));
    expect(sizes(contentOnly).size).toBeGreaterThan(5);
    // Group key shares to many members can exceed one block; everything else is 4096 B.
    const big = Array.from(sizes(all)).filter((b) => b !== 4096);
    expect(big.every((b) => b % 4096 === 0 && b > 4096)).toBe(true);
    expect(all.log.length).toBe(contentOnly.log.length);
    for (const f of all.ctx.net.periodic.flows) expect(f.bytesPerLink % 4096).toBe(0);
  });

  it('rejects padAll without a block to pad to', () => {
    const errs = matrix.check?.(resolve(matrix, { padAll: true }), 40) ?? [];
    expect(errs.map((e) => e.param)).toEqual(['padAll']);
  });
});
