/**
 * Disclosure attack: the receipt estimator against hand-computed values, a Martiny-style
 * receipt scenario and an SDA scenario through observe() + buildTargets(), causality, and the
 * intersection helper.
 */
import { describe, expect, it } from 'vitest';
import { type ObservedLog, observe, type View } from '../../src/adversary/view.js';
import type { AttackInput, AttackResult, Targets } from '../../src/attacks/attack.js';
import { disclosure, prepareDisclosure } from '../../src/attacks/disclosure.js';
import { receiptEstimate } from '../../src/attacks/windowed/estimators.js';
import { intersectRounds, RoundIntersection } from '../../src/attacks/windowed/intersection.js';
import { buildReceiptData, type ReceiptData, ReceiptSweep } from '../../src/attacks/windowed/receipts.js';
import { TIE_REL } from '../../src/attacks/windowed/select.js';
import type { WindowSeries } from '../../src/attacks/windowed/series.js';
import { SDA } from '../../src/attacks/windowed/statistics.js';
import { IpSweep } from '../../src/attacks/windowed/sweep.js';
import { Streams } from '../../src/core/rng.js';
import { SEC } from '../../src/core/time.js';
import {
  attackWorld,
  listOf,
  natIps,
  obsOf,
  type ReceiptWorld,
  type Row,
  receiptWorld,
  targetsOf,
  windowedInput,
} from './windowed-log.js';

/** One ip per host. */
const own = (hosts: number) => Int32Array.from({ length: hosts }, (_, h) => h);

function mkInput(
  obs: ObservedLog,
  users: number,
  hosts: number,
  duration: number,
  params: AttackInput['params'],
  targets: Targets,
): AttackInput {
  return windowedInput(obs, users, own(hosts), duration, params, targets);
}

describe('receipt estimator on a hand-built log', () => {
  // Users 0..3, server 4; R = 1. Deliveries to R at 10 s and 50 s (rows server → R).
  const S = SEC;
  const rows: Row[] = [
    { tTx: 9.9 * S, tRx: 10 * S, from: 4, to: 1 },
    { tTx: 49.9 * S, tRx: 50 * S, from: 4, to: 1 },
    { tTx: 10.4 * S, tRx: 10.5 * S, from: 1, to: 4, rAcct: 2 },
    { tTx: 29.9 * S, tRx: 30 * S, from: 1, to: 4, rAcct: 2 },
    { tTx: 50.1 * S, tRx: 50.2 * S, from: 1, to: 4, rAcct: 2 },
    { tTx: 69.9 * S, tRx: 70 * S, from: 1, to: 4, rAcct: 3 },
    { tTx: 10.9 * S, tRx: 11 * S, from: 3, to: 4, rAcct: 2 },
  ];
  const targets = targetsOf([1, 1, 1, 1], [10.3 * S, 20 * S, 60 * S, 100 * S]);

  it('recipient-ip source: c, n, |U|, C as defined, final and causal', () => {
    const res = disclosure.run(
      mkInput(obsOf(rows), 4, 5, 100 * S, { method: 'receipt', receiptWindow: '2s' }, targets),
    );
    // Whole run: U = [10,12] ∪ [50,52] (4 s), C = 2, T = 100 s; u = 2: c = 2, n = 3.
    const want = (2 - (1 / 96) * 4) / 2;
    expect(want).toBeCloseTo(receiptEstimate(2, 3, 4 * S, 100 * S, 2), 12);
    expect(listOf(res, 0)).toEqual([[2, receiptEstimate(2, 3, 4 * S, 100 * S, 2)]]);
    expect(listOf(res, 0)[0][1]).toBeCloseTo(want, 12);
    expect(Array.from(res.pairs.sender)).toEqual([2]);
    expect(Array.from(res.pairs.recipient)).toEqual([1]);
    // Causal: at 10.3 s no evidence yet; at 20 s and 60 s user 2 leads.
    expect(Array.from(res.causalTop)).toEqual([-1, 2, 2, 2]);
  });

  it("a user's message to its own devices (readable sAcct = rAcct) is neither trigger nor evidence", () => {
    const params = { method: 'receipt', receiptWindow: '2s' };
    const base = disclosure.run(mkInput(obsOf(rows), 4, 5, 100 * S, params, targets));
    // R's sync transcript just before its send to 3 at 70 s (it would open an epoch holding that
    // send), and user 2's own transcript from R's ip inside R's first epoch.
    const selfRows: Row[] = [
      ...rows,
      { tTx: 69.8 * S, tRx: 69.9 * S, from: 1, to: 4, rAcct: 1, sAcct: 1 },
      { tTx: 10.6 * S, tRx: 10.7 * S, from: 1, to: 4, rAcct: 2, sAcct: 2 },
    ];
    const res = disclosure.run(mkInput(obsOf(selfRows), 4, 5, 100 * S, params, targets));
    for (let i = 0; i < targets.count; i++) expect(listOf(res, i)).toEqual(listOf(base, i));
    expect(Array.from(res.causalTop)).toEqual(Array.from(base.causalTop));
  });

  it('any source: rows addressed to 2 from anyone count', () => {
    const res = disclosure.run(
      mkInput(obsOf(rows), 4, 5, 100 * S, { method: 'receipt', receiptWindow: '2s', receiptSource: 'any' }, targets),
    );
    // u = 2: in the epochs at 10.5, 11, 50.2 → c = 3; outside at 30 → n = 4.
    expect(listOf(res, 3)[0][0]).toBe(2);
    expect(listOf(res, 3)[0][1]).toBeCloseTo((3 - (1 / 96) * 4) / 2, 12);
  });
});

describe('receipt triggers: only rows the view attributes to R', () => {
  it('a readable account, or a device whose address names R alone; never a NAT neighbour', () => {
    // Users 0 and 1 share one address, user 2 has its own; host 3 is the server.
    const S = SEC;
    const rows: Row[] = [
      { tTx: 9 * S, tRx: 10 * S, from: 3, to: 0 }, // into 0, no readable account: 0 or 1?
      { tTx: 19 * S, tRx: 20 * S, from: 3, to: 2 }, // into 2, alone at its address
      { tTx: 29 * S, tRx: 30 * S, from: 3, to: 0, rAcct: 0 }, // the server reads whom it delivers to
      { tTx: 39 * S, tRx: 40 * S, from: 2, to: 3, rAcct: 1 }, // addressed to 1 at the server
    ];
    const input = windowedInput(obsOf(rows), 3, natIps(3, 4, 2), 100 * S, {}, targetsOf([], []));
    const d = buildReceiptData(input, 2 * S, false);
    const triggers = (r: number) => Array.from(d.trigT.subarray(d.trigStart[r], d.trigStart[r + 1]));
    expect(triggers(0)).toEqual([30 * S]);
    expect(triggers(1)).toEqual([40 * S]);
    expect(triggers(2)).toEqual([20 * S]);
  });
});

const attackView = (w: ReceiptWorld, n: number, D: number, view: View, params: AttackInput['params']) =>
  attackWorld(disclosure, w, n, D, view, params);

/** Alice → Bob deliveries (in time order) until the causal top first names Alice; -1 if never. */
function messagesUntilIdentified(
  sim: ReceiptWorld,
  targets: Targets,
  res: AttackResult,
): { first: number; total: number } {
  let k = 0;
  let first = -1;
  for (let i = 0; i < targets.count; i++) {
    const d = i; // scoredDeliveries(truth, 0) keeps every delivery in order
    if (sim.truth.sender[d] !== 0 || sim.truth.recipient[d] !== 1) continue;
    k++;
    if (first < 0 && res.causalTop[i] === 0) first = k;
  }
  return { first, total: k };
}

describe('delivery-receipt disclosure end to end (single server view)', () => {
  const n = 40;
  const D = 900 * SEC;
  const sim = receiptWorld(new Streams(21).stream('receipts'), n, D, 1 / (30 * SEC), 1 / (40 * SEC), true);
  const held = new Uint8Array(n + 1);
  held[n] = 1;
  const server: View = { name: 'server', kind: 'single', held, global: false };

  for (const receiptSource of ['recipient-ip', 'any'] as const) {
    it(`links Alice to Bob after a handful of messages (${receiptSource})`, () => {
      // The receipt estimator's own ranking: every delivery to Bob gets Bob's pair scores.
      const params = { method: 'receipt', receiptSource, deliveryTiming: false };
      const { res, targets } = attackView(sim, n, D, server, params);
      const { first, total } = messagesUntilIdentified(sim, targets, res);
      expect(total).toBeGreaterThan(10);
      expect(first).toBeGreaterThan(0);
      // The IP-blind variant also counts everyone else's traffic in the epochs, so it needs more.
      expect(first).toBeLessThanOrEqual(receiptSource === 'any' ? 10 : 5);
      // Over the whole run Alice tops every delivery to Bob.
      for (let i = 0; i < targets.count; i++) {
        if (targets.recipient[i] === 1) expect(listOf(res, i)[0][0]).toBe(0);
      }
      console.log(`receipts (${receiptSource}): Alice identified at Alice→Bob message ${first} of ${total}`);
    });
  }

  it('causal tops ignore everything observed after the delivery', () => {
    const cut = 400 * SEC;
    const { obs } = observe(sim.log, server);
    const keep: number[] = [];
    for (let j = 0; j < obs.length; j++) if (obs.tRx[j] <= cut) keep.push(j);
    const cutObs: ObservedLog = {
      length: keep.length,
      tTx: Float64Array.from(keep, (j) => obs.tTx[j]),
      tRx: Float64Array.from(keep, (j) => obs.tRx[j]),
      from: Int32Array.from(keep, (j) => obs.from[j]),
      to: Int32Array.from(keep, (j) => obs.to[j]),
      bytes: Int32Array.from(keep, (j) => obs.bytes[j]),
      prev: new Int32Array(keep.length).fill(-1),
      sAcct: Int32Array.from(keep, (j) => obs.sAcct[j]),
      rAcct: Int32Array.from(keep, (j) => obs.rAcct[j]),
      obj: Int32Array.from(keep, (j) => obs.obj[j]),
      heldFrom: Uint8Array.from(keep, (j) => obs.heldFrom[j]),
      heldTo: Uint8Array.from(keep, (j) => obs.heldTo[j]),
    };
    const targets = targetsOf(
      Array.from(sim.truth.recipient.subarray(0, sim.truth.length)),
      Array.from(sim.truth.tDeliver.subarray(0, sim.truth.length)),
    );
    for (const receiptSource of ['recipient-ip', 'any']) {
      const params = { receiptSource, shift: 'none' };
      const full = disclosure.run(mkInput(obs, n, n + 1, D, params, targets));
      const part = disclosure.run(mkInput(cutObs, n, n + 1, D, params, targets));
      let compared = 0;
      for (let i = 0; i < targets.count; i++) {
        if (targets.tDeliver[i] <= cut) {
          expect(part.causalTop[i]).toBe(full.causalTop[i]);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(100);
    }
  });
});

describe('pruned causal argmax', () => {
  it.each([1, 3])('equals brute force over every user (SDA + receipts, both sources, %i users per ip)', (perIp) => {
    const n = 30;
    const D = 600 * SEC;
    const sim = receiptWorld(new Streams(23).stream('brute'), n, D, 1 / (20 * SEC), 1 / (30 * SEC), true);
    const held = new Uint8Array(n + 1);
    held[n] = 1;
    const { obs } = observe(sim.log, { name: 's', kind: 'single', held, global: false });
    const targets = targetsOf(
      Array.from(sim.truth.recipient.subarray(0, sim.truth.length)),
      Array.from(sim.truth.tDeliver.subarray(0, sim.truth.length)),
    );
    for (const receiptSource of ['recipient-ip', 'any']) {
      const input = windowedInput(obs, n, natIps(n, n + 1, perIp), D, { receiptSource, epoch: '5s' }, targets);
      const job = prepareDisclosure(input);
      const res = disclosure.run(input);
      let agree = 0;
      let named = 0;
      for (let i = 0; i < targets.count; i += 3) {
        const R = targets.recipient[i];
        const sda = new IpSweep(job.series as WindowSeries, SDA);
        const rc = new ReceiptSweep(job.receipts as ReceiptData);
        sda.begin(R);
        rc.begin(R);
        const okS = sda.at(targets.tDeliver[i]);
        const okR = rc.at(targets.tDeliver[i]);
        let best = 0;
        let top = -1;
        let tie = false;
        for (let u = 0; u < n; u++) {
          if (u === R || !(okS || okR)) continue;
          // SDA's ip-level share, split evenly over the users behind the address.
          const v = (okS ? sda.score(u) / perIp : 0) + (okR ? rc.score(u) : 0);
          if (v > best * (1 + TIE_REL)) {
            best = v;
            top = u;
            tie = false;
          } else if (v > 0 && v >= best * (1 - TIE_REL)) {
            tie = true;
            if (v > best) best = v;
          }
        }
        expect(res.causalTop[i]).toBe(tie ? -1 : top);
        agree++;
        if (top >= 0 && !tie) named++;
      }
      expect(agree).toBeGreaterThan(300);
      expect(named).toBeGreaterThan(50);
    }
  });
});

describe('SDA end to end (global passive view, no identifiers)', () => {
  const n = 40;
  const D = 1800 * SEC;
  const sim = receiptWorld(new Streams(22).stream('sda'), n, D, 1 / (60 * SEC), 1 / (30 * SEC), false);
  const gpa: View = { name: 'gpa', kind: 'global-passive', held: new Uint8Array(n + 1), global: true };

  it('ranks Alice first for Bob, and "both" equals "sda" when no identifier is readable', () => {
    const sda = attackView(sim, n, D, gpa, { method: 'sda', deliveryTiming: false });
    const both = attackView(sim, n, D, gpa, { deliveryTiming: false });
    expect(both.res).toEqual(sda.res);
    let bob = 0;
    for (let i = 0; i < sda.targets.count; i++) {
      if (sda.targets.recipient[i] !== 1) continue;
      bob++;
      expect(listOf(sda.res, i)[0][0]).toBe(0);
    }
    expect(bob).toBeGreaterThan(50);
    const { first, total } = messagesUntilIdentified(sim, sda.targets, sda.res);
    console.log(`SDA: Alice identified at Alice→Bob message ${first} of ${total}`);
    expect(first).toBeGreaterThan(0);
  });
});

describe('intersection', () => {
  it('keeps exactly the members of every round', () => {
    expect(
      Array.from(
        intersectRounds(
          [
            [5, 3, 9, 3],
            [9, 1, 5],
            [7, 5, 9, 9],
          ],
          10,
        ),
      ),
    ).toEqual([5, 9]);
    const it = new RoundIntersection(4);
    expect(it.size).toBe(4);
    it.add([2, 2, 7, -1]);
    expect(Array.from(it.candidates())).toEqual([2]);
    it.add([0]);
    expect(it.size).toBe(0);
    expect(it.roundCount).toBe(2);
    // Starting over forgets every round (stamps of earlier rounds never match a new one).
    it.reset();
    it.add([1, 3]);
    it.add([3, 2]);
    expect(Array.from(it.candidates())).toEqual([3]);
  });
});
