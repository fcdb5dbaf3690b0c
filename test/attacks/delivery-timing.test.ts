/**
 * Per-delivery scores of the windowed attacks: the timing weight against its definition, the
 * causal tops of flow and disclosure against a brute force over every candidate (both search
 * paths: few departures in the delivery's window, and more departures than candidates), and the
 * per-delivery top1 they buy on a world where a recipient has several partners.
 */
import { describe, expect, it, vi } from 'vitest';
import { histogramModel } from '../../src/adversary/delay-model.js';
import type { ObservedLog, View } from '../../src/adversary/view.js';
import type { AttackInput, DelayModel, Targets } from '../../src/attacks/attack.js';
import { disclosure, prepareDisclosure } from '../../src/attacks/disclosure.js';
import { flow } from '../../src/attacks/flow.js';
import { boundFrom, lowerBound, upperBound } from '../../src/attacks/util-index.js';
import { buildDepartures, DeliveryTiming } from '../../src/attacks/windowed/delivery-timing.js';
import { type ReceiptData, ReceiptSweep } from '../../src/attacks/windowed/receipts.js';
import { TIE_REL } from '../../src/attacks/windowed/select.js';
import { buildWindowSeries, type WindowSeries } from '../../src/attacks/windowed/series.js';
import { PEARSON, SDA } from '../../src/attacks/windowed/statistics.js';
import { IpSweep } from '../../src/attacks/windowed/sweep.js';
import { randExp, Streams } from '../../src/core/rng.js';
import { SEC } from '../../src/core/time.js';
import { evaluate } from '../../src/metrics/index.js';
import { attackWorld, natIps, obsOf, type Row, randomLog, receiptWorld, windowedInput } from './windowed-log.js';

/** A delay model uniform over [lo, hi] seconds (as a histogram of evenly spread samples). */
function uniformModel(lo: number, hi: number): DelayModel {
  return histogramModel(Float64Array.from({ length: 4000 }, (_, k) => (lo + ((hi - lo) * (k + 0.5)) / 4000) * SEC));
}

/** Σ f(x − t_d) over the departures of ip a (rows leaving a user device there) in the model's support. */
function weightByDefinition(input: AttackInput, a: number, x: number, f: DelayModel): number {
  let s = 0;
  const { obs, users, hostIp } = input;
  for (let j = 0; j < obs.length; j++) {
    if (obs.from[j] >= users || hostIp[obs.from[j]] !== a) continue;
    const d = x - obs.tTx[j];
    if (d >= f.lo && d <= f.hi) s += f.pdf(d);
  }
  return s;
}

/** Running argmax under the TIE_REL rule (−1 on a tie), as the attacks' causal tops. */
class Argmax {
  best = 0;
  top = -1;
  tie = false;
  consider(u: number, v: number): void {
    if (!(v > 0)) return;
    if (v > this.best * (1 + TIE_REL)) {
      this.best = v;
      this.top = u;
      this.tie = false;
    } else if (v >= this.best * (1 - TIE_REL)) this.tie = true;
  }
  get result(): number {
    return this.tie ? -1 : this.top;
  }
}

const users = 20;
const D = 200 * SEC;
// Users 3 and 4 share an ip; two infrastructure hosts after the users.
const hostIp = Array.from({ length: users + 2 }, (_, h) => (h <= 3 ? h : h - 1));
const rows: Row[] = randomLog(new Streams(31).stream('timed'), users, users + 2, 1500, D);
const obs = obsOf(rows);
/** Targets anchored on rows into a user device: sighted at their arrival, delivered then. */
const anchored: number[] = [];
for (let j = 0; j < rows.length && anchored.length < 150; j += 7) if (rows[j].to < users) anchored.push(j);
const targets: Targets = {
  count: anchored.length,
  anchor: Int32Array.from(anchored),
  recipient: Int32Array.from(anchored, (j) => rows[j].to),
  tDeliver: Float64Array.from(anchored, (j) => rows[j].tRx),
};
/**
 * Most of the mass at 50–100 ms and a log-uniform tail to 200 s, as a store-and-forward design's
 * end-to-end law: the window is the whole run, and departures more than a few seconds before x
 * weigh little, so the causal tops weigh only the ips whose bound could win (split/bound).
 */
function peakedModel(peakShare = 0.7): DelayModel {
  const nPeak = Math.round(4000 * peakShare);
  const peak = Array.from({ length: nPeak }, (_, k) => (0.05 + (0.05 * (k + 0.5)) / nPeak) * SEC);
  const tail = Array.from({ length: 4000 - nPeak }, (_, k) => 0.1 * 2000 ** ((k + 0.5) / (4000 - nPeak)) * SEC);
  return histogramModel(Float64Array.from([...peak, ...tail]));
}

// A narrow support puts a handful of departures in each delivery's window (the window is walked);
// a support as long as the run puts every departure there (the candidates are walked, every one
// weighed when f is flat, few when it is peaked).
const models = {
  narrow: uniformModel(0.2, 2),
  wide: uniformModel(0, 200),
  peaked: peakedModel(),
  tail: peakedModel(0.05),
};

describe('timing weight', () => {
  const input = windowedInput(obs, users, hostIp, D, {}, targets);
  for (const [name, f] of Object.entries(models)) {
    it(`weight() and gather() equal Σ f(x − t_d) over the ip's departures (${name} support)`, () => {
      const tm = new DeliveryTiming(buildDepartures(input), f, input.ipStart.length - 1);
      let positive = 0;
      for (let i = 0; i < targets.count; i += 5) {
        const x = obs.tRx[targets.anchor[i]];
        tm.begin(x);
        tm.gather();
        const gathered = new Map<number, number>();
        for (let k = 0; k < tm.n; k++) gathered.set(tm.list[k], tm.weight(tm.list[k]));
        tm.begin(x);
        for (let a = 0; a < input.ipStart.length - 1; a++) {
          const want = weightByDefinition(input, a, x, f);
          expect(tm.weight(a)).toBeCloseTo(want, 12);
          expect(gathered.get(a) ?? 0).toBeCloseTo(want, 12);
          if (want > 0) positive++;
        }
      }
      expect(positive).toBeGreaterThan(20);
    });
  }
});

describe('boundFrom', () => {
  it('equals lowerBound / upperBound from any hint, with repeated values and sub-ranges', () => {
    const rng = new Streams(11).stream('bound-from');
    for (let rep = 0; rep < 200; rep++) {
      const n = Math.floor(rng() * 40);
      const t = Float64Array.from({ length: n }, () => Math.floor(rng() * 10)).sort();
      const lo = Math.floor(rng() * (n + 1));
      const hi = lo + Math.floor(rng() * (n - lo + 1));
      for (let k = 0; k < 20; k++) {
        const x = Math.floor(rng() * 12) - 1 + (rng() < 0.3 ? 0.5 : 0);
        const hint = Math.floor(rng() * (n + 5)) - 2;
        expect(boundFrom(t, lo, hi, x, hint, false)).toBe(lowerBound(t, lo, hi, x));
        expect(boundFrom(t, lo, hi, x, hint, true)).toBe(upperBound(t, lo, hi, x));
      }
    }
  });
});

describe('timing weight bounds (split, bound)', () => {
  it('bound(a) ≥ Σ f(x − t_d) for every ip, with ties at the near/far cut, x out of order, cap and reach cuts', () => {
    // 400 ips; departures on a 10 ms grid, so many share a time (a cap cut falls inside a run of
    // equal times), dense in the first half of the run (60/s: the cap cuts the near part) and
    // sparse in the second (3/s: the model's reach cuts it), some exactly at x − lo and x − hi of
    // the deliveries, which come in random order.
    const f = peakedModel();
    const rng = new Streams(7).stream('bounds');
    const nIp = 400;
    const grid = 10_000_000;
    const dep: { t: number; ip: number }[] = [];
    for (let k = 0; k < 6000; k++) dep.push({ t: Math.floor(rng() * 10_000) * grid, ip: Math.floor(rng() * nIp) });
    for (let k = 0; k < 300; k++)
      dep.push({ t: (10_000 + Math.floor(rng() * 10_000)) * grid, ip: Math.floor(rng() * nIp) });
    const xs = Array.from({ length: 60 }, () => Math.floor(rng() * 20_000) * grid + Math.floor(rng() * 3) * 0.5 * grid);
    for (const x of xs.slice(0, 10)) {
      dep.push({ t: x - f.lo, ip: Math.floor(rng() * nIp) });
      dep.push({ t: x - f.hi, ip: Math.floor(rng() * nIp) });
    }
    dep.sort((p, q) => p.t - q.t);
    const start = new Int32Array(nIp + 1);
    for (const d of dep) start[d.ip + 1]++;
    for (let a = 0; a < nIp; a++) start[a + 1] += start[a];
    const fill = start.slice(0, nIp);
    const ipT = new Float64Array(dep.length);
    for (const d of dep) ipT[fill[d.ip]++] = d.t;
    const departures = { t: Float64Array.from(dep, (d) => d.t), ip: Int32Array.from(dep, (d) => d.ip), start, ipT };
    const tm = new DeliveryTiming(departures, f, nIp);
    const peak = (f.maxOver as NonNullable<DelayModel['maxOver']>)(f.lo, f.hi);
    const cuts = { cap: 0, reach: 0 };
    let [tight, loose] = [0, 0];
    for (const candidates of [0, 400, 4000]) {
      for (const x of xs) {
        tm.begin(x);
        expect(tm.split(candidates)).toBe(true);
        const cap = 256 + Math.floor(candidates / 4);
        expect(tm.nearDepartures).toBeLessThanOrEqual(cap);
        cuts[tm.nearDepartures === cap ? 'cap' : 'reach']++;
        const exact = new Float64Array(nIp);
        for (let a = 0; a < nIp; a++) {
          for (let q = start[a]; q < start[a + 1]; q++) {
            const dl = x - ipT[q];
            if (dl >= f.lo && dl <= f.hi) exact[a] += f.pdf(dl);
          }
          expect(tm.bound(a)).toBeGreaterThanOrEqual(exact[a]);
          expect(tm.bound(a)).toBeGreaterThanOrEqual(tm.weight(a));
          expect(tm.weight(a)).toBeCloseTo(exact[a], 12);
        }
        // Where some departure sits in the model's peak, the bounds of the ips without a near
        // departure are far below it: what lets the causal tops skip them.
        const top = Math.max(...exact);
        if (top < 0.1 * peak) continue;
        const near = new Set(tm.nearList.subarray(0, tm.nearN));
        for (let a = 0; a < nIp; a++) if (!near.has(a)) tm.bound(a) < 0.05 * top ? tight++ : loose++;
      }
    }
    expect(cuts.cap).toBeGreaterThan(20);
    expect(cuts.reach).toBeGreaterThan(20);
    expect(tight).toBeGreaterThan(20 * loose);
  });

  it('split() declines a model without maxOver', () => {
    const f = uniformModel(0, 200);
    const input = windowedInput(obs, users, hostIp, D, {}, targets);
    const tm = new DeliveryTiming(buildDepartures(input), { ...f, maxOver: undefined }, input.ipStart.length - 1);
    tm.begin(100 * SEC);
    expect(tm.split(10)).toBe(false);
  });
});

/** A world for the brute-force checks: its rows, users, host → ip, targets (anchored) and length. */
interface TimedWorld {
  obs: ObservedLog;
  users: number;
  hostIp: ArrayLike<number>;
  targets: Targets;
  D: number;
}

/**
 * Flow's causal tops against r(u)·w(ip(u)) over every user (r alone where no user has both
 * positive); returns the deliveries the timing decided, and those among them whose winner had no
 * departure within `gap` before the sighting (its weight all in the model's tail).
 */
function flowAgainstBruteForce(w: TimedWorld, f: DelayModel, gap = 0): { timed: number; farWins: number } {
  const { obs, users, hostIp, targets, D: len } = w;
  const input = windowedInput(obs, users, hostIp, len, { window: '7s', shift: 'none' }, targets, f);
  const res = flow.run(input);
  const series = buildWindowSeries(input, 7 * SEC, 0);
  let timed = 0;
  let farWins = 0;
  for (let i = 0; i < targets.count; i++) {
    const R = targets.recipient[i];
    const sw = new IpSweep(series, PEARSON);
    sw.begin(R);
    if (!sw.at(targets.tDeliver[i])) {
      expect(res.causalTop[i]).toBe(-1);
      continue;
    }
    const x = obs.tRx[targets.anchor[i]];
    const pick = new Argmax();
    for (let u = 0; u < users; u++) {
      if (u === R) continue;
      pick.consider(u, Math.max(0, sw.score(u)) * weightByDefinition(input, input.hostIp[u], x, f));
    }
    // Nobody with both a positive r and a departure the model allows: r alone.
    const want = pick.top < 0 && !pick.tie ? sw.best() : pick.result;
    if (pick.top >= 0) timed++;
    if (pick.result >= 0 && !departedWithin(w, pick.result, x, gap)) farWins++;
    expect(res.causalTop[i]).toBe(want);
  }
  return { timed, farWins };
}

/** Disclosure's causal tops (SDA + receipts) against s(u)·w(ip(u)) over every user, as flowAgainstBruteForce. */
function disclosureAgainstBruteForce(w: TimedWorld, f: DelayModel, gap = 0): { timed: number; farWins: number } {
  const { obs, users, hostIp: ips, targets, D: len } = w;
  const input = windowedInput(obs, users, ips, len, { epoch: '5s', shift: 'none' }, targets, f);
  const res = disclosure.run(input);
  const job = prepareDisclosure(input);
  let timed = 0;
  let farWins = 0;
  for (let i = 0; i < targets.count; i++) {
    const R = targets.recipient[i];
    const sda = new IpSweep(job.series as WindowSeries, SDA);
    const rc = job.receipts ? new ReceiptSweep(job.receipts as ReceiptData) : null;
    sda.begin(R);
    rc?.begin(R);
    const t = targets.tDeliver[i];
    const okS = sda.at(t);
    const okR = rc ? rc.at(t) : false;
    const x = obs.tRx[targets.anchor[i]];
    const timedPick = new Argmax();
    const plain = new Argmax();
    for (let u = 0; u < users; u++) {
      if (u === R || !(okS || okR)) continue;
      const ip = ips[u];
      const size = input.ipStart[ip + 1] - input.ipStart[ip];
      const s = (okS ? sda.score(u) / size : 0) + (okR && rc ? rc.score(u) : 0);
      plain.consider(u, s);
      if (s > 0) timedPick.consider(u, s * weightByDefinition(input, ip, x, f));
    }
    const want = timedPick.top < 0 && !timedPick.tie ? plain.result : timedPick.result;
    if (timedPick.top >= 0) timed++;
    if (timedPick.result >= 0 && !departedWithin(w, timedPick.result, x, gap)) farWins++;
    expect(res.causalTop[i]).toBe(want);
  }
  return { timed, farWins };
}

/** Whether a device of user u's address sent a row in [x − gap, x]. */
function departedWithin(w: TimedWorld, u: number, x: number, gap: number): boolean {
  const { obs, users, hostIp } = w;
  for (let j = 0; j < obs.length; j++) {
    const h = obs.from[j];
    if (h < users && hostIp[h] === hostIp[u] && obs.tTx[j] >= x - gap && obs.tTx[j] <= x) return true;
  }
  return false;
}

/**
 * 240 users, each sending to its next neighbour through a server (host 240) every 2 min on
 * average; half the messages arrive within 50–100 ms, the rest after a log-uniform 10–200 s (an
 * offline recipient); the delay law is their histogram. Sparse enough that most ips have no
 * departure near a delivery: the causal tops skip those on their bounds, and a delivery whose
 * message waited can still be won by one.
 */
function partnersWorld(perIp: number, n = 240, gap = 120 * SEC, every = 10): { world: TimedWorld; f: DelayModel } {
  const rng = new Streams(53).stream('partners');
  const len = 900 * SEC;
  const rows: Row[] = [];
  const deliveries: number[] = [];
  const msgs: { t: number; s: number; r: number; delay: number }[] = [];
  for (let s = 0; s < n; s++) {
    for (let t = randExp(rng, gap); t < len - 200 * SEC; t += randExp(rng, gap)) {
      const delay = rng() < 0.5 ? (0.05 + 0.05 * rng()) * SEC : 10 * 20 ** rng() * SEC;
      msgs.push({ t: Math.round(t), s, r: (s + 1) % n, delay: Math.round(delay) });
    }
  }
  for (const m of msgs) {
    rows.push({ tTx: m.t, tRx: m.t + 0.02 * SEC, from: m.s, to: n });
    deliveries.push(rows.length);
    rows.push({ tTx: m.t + m.delay - 0.02 * SEC, tRx: m.t + m.delay, from: n, to: m.r });
  }
  const obs = obsOf(rows);
  const anchored = deliveries.filter((_, k) => k % every === 0);
  const targets: Targets = {
    count: anchored.length,
    anchor: Int32Array.from(anchored),
    recipient: Int32Array.from(anchored, (j) => rows[j].to),
    tDeliver: Float64Array.from(anchored, (j) => rows[j].tRx),
  };
  const f = histogramModel(Float64Array.from(msgs, (m) => m.delay));
  return { world: { obs, users: n, hostIp: natIps(n, n + 1, perIp), targets, D: len }, f };
}

describe('causal tops weighted by the delivery timing equal a brute force', () => {
  const world: TimedWorld = { obs, users, hostIp, targets, D };
  for (const [name, f] of Object.entries(models)) {
    it(`flow (${name} support)`, () => {
      const bounds = vi.spyOn(DeliveryTiming.prototype, 'bound');
      const { timed } = flowAgainstBruteForce(world, f);
      // Peaked laws are where candidates are skipped on their bounds (the brute force must agree).
      if (name === 'peaked' || name === 'tail') expect(bounds.mock.calls.length).toBeGreaterThan(100);
      bounds.mockRestore();
      expect(timed).toBeGreaterThan(50);
    });

    it.each([1, 3])(`disclosure, SDA + receipts (${name} support, %i users per ip)`, (perIp) => {
      const bounds = vi.spyOn(DeliveryTiming.prototype, 'bound');
      const { timed } = disclosureAgainstBruteForce({ ...world, hostIp: natIps(users, users + 2, perIp) }, f);
      if (name === 'peaked' || name === 'tail') expect(bounds.mock.calls.length).toBeGreaterThan(100);
      bounds.mockRestore();
      expect(timed).toBeGreaterThan(50);
    });
  }

  it.each([1, 3])('flow and disclosure where most ips weigh only their tail, %i users per ip', (perIp) => {
    const { world: w, f } = partnersWorld(perIp);
    const fl = flowAgainstBruteForce(w, f, 60 * SEC);
    const di = disclosureAgainstBruteForce(w, f, 60 * SEC);
    console.log(`tail-only winners: flow ${fl.farWins}/${fl.timed}, disclosure ${di.farWins}/${di.timed}`);
    expect(fl.timed).toBeGreaterThan(50);
    expect(di.timed).toBeGreaterThan(50);
    // One user per ip: some deliveries go to an ip whose weight is all tail (behind a NAT, ties).
    if (perIp === 1) expect(fl.farWins + di.farWins).toBeGreaterThan(5);
  });
});

describe('causal tops weighted by the delivery timing on sparse rows', () => {
  // One message per 10 min: a recipient's row touches a few percent of the ips, so the causal pass
  // walks its touched list, and reach keys candidates by their place in it (flow-causal.ts reach).
  it('flow equals the brute force', () => {
    const { world: w, f } = partnersWorld(1, 500, 600 * SEC, 2);
    const fl = flowAgainstBruteForce(w, f, 60 * SEC);
    expect(fl.timed).toBeGreaterThan(100);
  });
});

describe('per-delivery top1', () => {
  it('a recipient with several partners: each delivery goes to its own sender far more often', () => {
    // Every user sends to uniform others; Bob's deliveries come from many senders. The server's
    // view (it reads every recipient and the sending address) with delivery receipts.
    const n = 40;
    const D2 = 1800 * SEC;
    const w = receiptWorld(new Streams(41).stream('several'), n, D2, 1 / (60 * SEC), 1 / (60 * SEC), true);
    const held = new Uint8Array(n + 1);
    held[n] = 1;
    const server: View = { name: 'server', kind: 'single', held, global: false };
    const top1 = (deliveryTiming: boolean) => {
      const { res, targets: tg } = attackWorld(disclosure, w, n, D2, server, { deliveryTiming });
      const sender = Int32Array.from({ length: tg.count }, (_, i) => w.truth.sender[i]);
      return evaluate(res, tg, sender, n).metrics;
    };
    const off = top1(false);
    const on = top1(true);
    const se = Math.sqrt((on.top1 * (1 - on.top1) + off.top1 * (1 - off.top1)) / on.deliveries);
    console.log(
      `per-delivery top1: pair scores alone ${off.top1.toFixed(3)}, with the delivery's timing ${on.top1.toFixed(3)}`,
    );
    expect(on.top1 - off.top1).toBeGreaterThan(4 * se);
    // Pair scores are per recipient either way.
    expect(on.pair_auc).toBe(off.pair_auc);
  });
});

/**
 * Chatty users poll every ~0.3 s (their ips are always near a delivery); quiet users send only
 * messages, half of them delivered after 20–150 s: their senders are far from the delivery and
 * should often win on r·w through the candidates' walk (not the window's).
 */
function chattyWorld(seed: number, chatty: number, quiet: number): { world: TimedWorld; f: DelayModel } {
  const rng = new Streams(seed).stream('chatty');
  const n = chatty + quiet;
  const len = 600 * SEC;
  const server = n;
  const rows: Row[] = [];
  const deliveries: number[] = [];
  for (let u = 0; u < chatty; u++)
    for (let t = rng() * SEC; t < len; t += (0.15 + 0.3 * rng()) * SEC)
      rows.push({ tTx: Math.round(t), tRx: Math.round(t) + 0.02 * SEC, from: u, to: server });
  const delays: number[] = [];
  for (let s = chatty; s < n; s++) {
    const r = s + 1 < n ? s + 1 : chatty;
    for (let t = randExp(rng, 30 * SEC); t < len - 160 * SEC; t += randExp(rng, 30 * SEC)) {
      const delay = Math.round(rng() < 0.3 ? (0.05 + 0.05 * rng()) * SEC : (20 + 130 * rng()) * SEC);
      delays.push(delay);
      rows.push({ tTx: Math.round(t), tRx: Math.round(t) + 0.02 * SEC, from: s, to: server });
      rows.push({
        tTx: Math.round(t) + delay - 0.02 * SEC,
        tRx: Math.round(t) + delay,
        from: server,
        to: r,
        deliver: true,
      } as Row);
    }
  }
  rows.sort((a, b) => a.tTx - b.tTx);
  for (let j = 0; j < rows.length; j++) if ((rows[j] as Row & { deliver?: boolean }).deliver) deliveries.push(j);
  const obs = obsOf(rows);
  const targets: Targets = {
    count: deliveries.length,
    anchor: Int32Array.from(deliveries),
    recipient: Int32Array.from(deliveries, (j) => rows[j].to),
    tDeliver: Float64Array.from(deliveries, (j) => rows[j].tRx),
  };
  const f = histogramModel(Float64Array.from(delays));
  return { world: { obs, users: n, hostIp: natIps(n, n + 1, 1), targets, D: len }, f };
}

describe('causal tops when far ips win', () => {
  // Found missing by review: in the other worlds no ip without a departure near the delivery ever
  // won, so a reach set that dropped far ips (flow-causal.ts's Cauchy–Schwarz skip) passed them.
  it('flow and disclosure equal the brute force over every user, and far ips win some targets', () => {
    const { world: w, f } = chattyWorld(1, 50, 20);
    const fl = flowAgainstBruteForce(w, f, 10 * SEC);
    expect(fl.timed).toBeGreaterThan(100);
    expect(fl.farWins).toBeGreaterThan(10);
    const di = disclosureAgainstBruteForce(w, f, 10 * SEC);
    expect(di.timed).toBeGreaterThan(100);
  }, 300_000);
});
