/**
 * Per-delivery scores of the windowed attacks: the timing weight against its definition, the
 * causal tops of flow and disclosure against a brute force over every candidate (both search
 * paths: few departures in the delivery's window, and more departures than candidates), and the
 * per-delivery top1 they buy on a world where a recipient has several partners.
 */
import { describe, expect, it } from 'vitest';
import { histogramModel } from '../../src/adversary/delay-model.js';
import type { View } from '../../src/adversary/view.js';
import type { AttackInput, DelayModel, Targets } from '../../src/attacks/attack.js';
import { disclosure, prepareDisclosure } from '../../src/attacks/disclosure.js';
import { flow } from '../../src/attacks/flow.js';
import { buildDepartures, DeliveryTiming } from '../../src/attacks/windowed/delivery-timing.js';
import { type ReceiptData, ReceiptSweep } from '../../src/attacks/windowed/receipts.js';
import { TIE_REL } from '../../src/attacks/windowed/select.js';
import { buildWindowSeries, type WindowSeries } from '../../src/attacks/windowed/series.js';
import { PEARSON, SDA } from '../../src/attacks/windowed/statistics.js';
import { IpSweep } from '../../src/attacks/windowed/sweep.js';
import { Streams } from '../../src/core/rng.js';
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
// A narrow support puts a handful of departures in each delivery's window (the window is walked);
// a support as long as the run puts every departure there (the candidates are walked).
const models = { narrow: uniformModel(0.2, 2), wide: uniformModel(0, 200) };

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

describe('causal tops weighted by the delivery timing equal a brute force', () => {
  for (const [name, f] of Object.entries(models)) {
    it(`flow (${name} support)`, () => {
      const input = windowedInput(obs, users, hostIp, D, { window: '7s', shift: 'none' }, targets, f);
      const res = flow.run(input);
      const series = buildWindowSeries(input, 7 * SEC, 0);
      let timed = 0;
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
        expect(res.causalTop[i]).toBe(want);
      }
      expect(timed).toBeGreaterThan(50);
    });

    it.each([1, 3])(`disclosure, SDA + receipts (${name} support, %i users per ip)`, (perIp) => {
      const ips = natIps(users, users + 2, perIp);
      const input = windowedInput(obs, users, ips, D, { epoch: '5s', shift: 'none' }, targets, f);
      const res = disclosure.run(input);
      const job = prepareDisclosure(input);
      let timed = 0;
      for (let i = 0; i < targets.count; i++) {
        const R = targets.recipient[i];
        const sda = new IpSweep(job.series as WindowSeries, SDA);
        const rc = new ReceiptSweep(job.receipts as ReceiptData);
        sda.begin(R);
        rc.begin(R);
        const t = targets.tDeliver[i];
        const okS = sda.at(t);
        const okR = rc.at(t);
        const x = obs.tRx[targets.anchor[i]];
        const timedPick = new Argmax();
        const plain = new Argmax();
        for (let u = 0; u < users; u++) {
          if (u === R || !(okS || okR)) continue;
          const ip = ips[u];
          const size = input.ipStart[ip + 1] - input.ipStart[ip];
          const s = (okS ? sda.score(u) / size : 0) + (okR ? rc.score(u) : 0);
          plain.consider(u, s);
          if (s > 0) timedPick.consider(u, s * weightByDefinition(input, ip, x, f));
        }
        const want = timedPick.top < 0 && !timedPick.tie ? plain.result : timedPick.result;
        if (timedPick.top >= 0) timed++;
        expect(res.causalTop[i]).toBe(want);
      }
      expect(timed).toBeGreaterThan(50);
    });
  }
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
