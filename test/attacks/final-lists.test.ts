/**
 * Whole-run pair lists of flow and disclosure against brute force, with `pairTop` small enough
 * that the cut binds (and, behind NAT, falls inside ties). Both attacks skip candidates that
 * cannot reach the cut (flow-causal.ts FinalLists.add, disclosure.ts finalCandidates: a
 * KeepHeap floor and a bound on the score); the lists must be exactly those of scoring everyone.
 */
import { describe, expect, it } from 'vitest';
import { observe } from '../../src/adversary/view.js';
import type { AttackResult } from '../../src/attacks/attack.js';
import { disclosure, prepareDisclosure } from '../../src/attacks/disclosure.js';
import { flow } from '../../src/attacks/flow.js';
import { ScoredList } from '../../src/attacks/windowed/arrays.js';
import { flowCausalTops } from '../../src/attacks/windowed/flow-causal.js';
import { indexTargets } from '../../src/attacks/windowed/pairs.js';
import type { ReceiptData } from '../../src/attacks/windowed/receipts.js';
import { ReceiptSweep } from '../../src/attacks/windowed/receipts.js';
import { buildWindowSeries, type WindowSeries } from '../../src/attacks/windowed/series.js';
import { PEARSON, SDA } from '../../src/attacks/windowed/statistics.js';
import { IpSweep } from '../../src/attacks/windowed/sweep.js';
import { Streams } from '../../src/core/rng.js';
import { SEC } from '../../src/core/time.js';
import { natIps, obsOf, randomLog, receiptWorld, targetsOf, windowedInput } from './windowed-log.js';

/** Recipient r's whole-run pairs as (sender, score), in the result's order. */
function pairsOf(res: AttackResult, r: number): [number, number][] {
  const p = res.pairs as NonNullable<AttackResult['pairs']>;
  const out: [number, number][] = [];
  for (let q = 0; q < p.recipient.length; q++) if (p.recipient[q] === r) out.push([p.sender[q], p.score[q]]);
  return out;
}

/** The positive scores, best first (then sender ascending), cut at the keep-th largest with ties kept. */
function cut(scored: [number, number][], keep: number): [number, number][] {
  const pos = scored.filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  if (pos.length <= keep) return pos;
  const theta = pos[keep - 1][1];
  return pos.filter(([, v]) => v >= theta);
}

/** Recipient R's whole-run Pearson score for every other user, one IpSweep over the run (the brute force); returns the sweep too. */
function scoreAll(series: ReturnType<typeof buildWindowSeries>, users: number, R: number) {
  const sw = new IpSweep(series, PEARSON);
  sw.begin(R);
  sw.atEnd();
  const scored: [number, number][] = [];
  for (let u = 0; u < users; u++) if (u !== R) scored.push([u, sw.score(u)]);
  return { sw, scored };
}

describe('whole-run pair lists with a binding cut equal scoring every user', () => {
  it.each([1, 3])('disclosure, SDA + receipts, %i users per ip', (perIp) => {
    const n = 36;
    const D = 600 * SEC;
    const sim = receiptWorld(new Streams(41).stream('final'), n, D, 1 / (15 * SEC), 1 / (30 * SEC), true);
    const held = new Uint8Array(n + 1);
    held[n] = 1;
    const { obs } = observe(sim.log, { name: 's', kind: 'single', held, global: false });
    const recipients = Array.from({ length: n }, (_, r) => r);
    const targets = targetsOf(
      recipients,
      recipients.map(() => D / 2),
    );
    const keep = 4;
    let cutBinds = 0;
    let receiptsMatter = 0;
    for (const receiptSource of ['recipient-ip', 'any']) {
      const params = { receiptSource, epoch: '5s', pairTop: keep, listTop: 2, deliveryTiming: false };
      const input = windowedInput(obs, n, natIps(n, n + 1, perIp), D, params, targets);
      const job = prepareDisclosure(input);
      const res = disclosure.run(input);
      for (const R of recipients) {
        const sda = new IpSweep(job.series as WindowSeries, SDA);
        const rc = new ReceiptSweep(job.receipts as ReceiptData);
        sda.begin(R);
        rc.begin(R);
        const okS = sda.atEnd();
        const okR = rc.atEnd();
        const scored: [number, number][] = [];
        for (let u = 0; u < n; u++) {
          if (u === R) continue;
          // The generic path's sum: 0, plus SDA's per-user share, plus the receipt estimate.
          let v = 0;
          if (okS) v += sda.score(u) / perIp;
          if (okR) v += rc.score(u);
          scored.push([u, v]);
          if (okR && rc.score(u) > 0) receiptsMatter++;
        }
        const want = cut(scored, keep);
        if (scored.filter(([, v]) => v > 0).length > keep) cutBinds++;
        expect(pairsOf(res, R)).toEqual(want);
      }
    }
    expect(cutBinds).toBeGreaterThan(40);
    expect(receiptsMatter).toBeGreaterThan(40);
  });

  it.each([1, 3])('flow, %i users per ip', (perIp) => {
    const users = 40;
    const D = 300 * SEC;
    const hostIp = natIps(users, users + 2, perIp);
    const rows = randomLog(new Streams(42).stream('final-flow'), users, users + 2, 3000, D);
    const recipients = Array.from({ length: users }, (_, r) => r);
    const targets = targetsOf(
      recipients,
      recipients.map(() => D / 2),
    );
    const keep = 3;
    const input = windowedInput(
      obsOf(rows),
      users,
      hostIp,
      D,
      { window: '5s', shift: 'none', pairTop: keep, listTop: 2 },
      targets,
    );
    const res = flow.run(input);
    const series = buildWindowSeries(input, 5 * SEC, 0);
    let cutBinds = 0;
    for (const R of recipients) {
      const { scored } = scoreAll(series, users, R);
      if (scored.filter(([, v]) => v > 0).length > keep) cutBinds++;
      expect(pairsOf(res, R)).toEqual(cut(scored, keep));
    }
    expect(cutBinds).toBeGreaterThan(30);
  });
});

describe('flow whole-run lists of recipients with and without deliveries', () => {
  // Sparse traffic over many ips: most recipients co-occur with few senders (their rows are read
  // by the touched list), busy ones with many (read in ip order); only every third recipient has a
  // delivery, the others get their list without a row in the causal pass.
  it.each([1, 2])('equals scoring every user, %i users per ip', (perIp) => {
    const users = 400;
    const D = 600 * SEC;
    const hostIp = natIps(users, users + 2, perIp);
    const rows = randomLog(new Streams(43).stream('final-sparse'), users, users + 2, 800, D);
    // A few busy senders and recipients, so that some rows are dense.
    const rng = new Streams(44).stream('final-busy');
    for (let i = 0; i < 800; i++) {
      const tTx = rng() * D;
      const busy = Math.floor(rng() * 4);
      const other = 4 + Math.floor(rng() * (users - 4));
      const [from, to] = rng() < 0.5 ? [busy, other] : [other, busy];
      rows.push({ tTx, tRx: tTx + rng() * 3 * SEC, from, to });
    }
    const recipients = Array.from({ length: users }, (_, r) => r).filter((r) => r % 3 === 0);
    const targets = targetsOf(
      recipients,
      recipients.map((r) => ((r * 7) % 100) * 5 * SEC),
    );
    const keep = 3;
    const input = windowedInput(
      obsOf(rows),
      users,
      hostIp,
      D,
      { window: '5s', shift: 'none', pairTop: keep, listTop: 2 },
      targets,
    );
    const res = flow.run(input);
    const series = buildWindowSeries(input, 5 * SEC, 0);
    let cutBinds = 0;
    let few = 0;
    let many = 0;
    for (let R = 0; R < users; R++) {
      const { sw, scored } = scoreAll(series, users, R);
      if (scored.filter(([, v]) => v > 0).length > keep) cutBinds++;
      // The sweep's candidates are the ips a row touches (FinalLists reads it by ip past an eighth).
      if (sw.nSlots > 0 && sw.nSlots * 8 < series.ips) few++;
      if (sw.nSlots * 8 > series.ips) many++;
      expect(pairsOf(res, R)).toEqual(cut(scored, keep));
    }
    // The causal pass in blocks of 3 rows (each clearing the last block's rows, sparse or dense)
    // agrees with one block holding every row.
    const idx = indexTargets(targets, users);
    const one = flowCausalTops(series, idx);
    const blocked = flowCausalTops(series, idx, undefined, 0, 3);
    expect(Array.from(blocked.top)).toEqual(Array.from(one.top));
    expect(blocked.tie).toEqual(one.tie);
    // Some tops, or narrow ties (2 users per ip: the users behind the best ip).
    expect(one.top.filter((u) => u >= 0).length + one.tie.cand.length).toBeGreaterThan(20);
    expect(cutBinds).toBeGreaterThan(100);
    expect(few).toBeGreaterThan(20);
    expect(many).toBeGreaterThan(20);
  });
});

describe('ScoredList', () => {
  it.each([0, 1, 1024, 1025, 200_000])('returns %i entries in push order, across chunks', (count) => {
    const list = new ScoredList();
    for (let i = 0; i < count; i++) list.push(i * 7, i / 3);
    expect(list.length).toBe(count);
    const { cand, score } = list.result();
    expect(cand.length).toBe(count);
    expect(score.length).toBe(count);
    let bad = 0;
    for (let i = 0; i < count; i++) if (cand[i] !== i * 7 || score[i] !== i / 3) bad++;
    expect(bad).toBe(0);
  });
});
