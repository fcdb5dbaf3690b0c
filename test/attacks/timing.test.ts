// Timing attack on hand-built logs: exact tracing at held parties, dwell-weighted branching on
// watched links (mass bookkeeping checked exactly), NAT sharing, and the end-to-end fallback.
import { describe, expect, it } from 'vitest';
import { buildTargets, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput, DelayModel } from '../../src/attacks/attack.js';
import { timing } from '../../src/attacks/timing.js';
import { kthLargest } from '../../src/attacks/util-index.js';
import { evaluate } from '../../src/metrics/index.js';
import { Kind, ObservationLog } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';
import { addressing } from '../metrics/synthetic-star.js';

const MS = 1e6;
const U = 10;
const A = U;
const B = U + 1;
const C = U + 2;
const HOSTS = U + 3;

/** A flat density on [lo, hi] ms: every delay inside is equally likely. */
function flat(loMs: number, hiMs: number): DelayModel {
  const lo = loMs * MS;
  const hi = hiMs * MS;
  return { pdf: (x) => (x >= lo && x <= hi ? 1 / (hi - lo) : 0), lo, hi, samples: 100 };
}

function held(...hosts: number[]): View {
  const h = new Uint8Array(HOSTS);
  for (const x of hosts) h[x] = 1;
  return { name: 'v', kind: 'colluding', held: h, global: false };
}
const gpa: View = { name: 'gpa', kind: 'global-passive', held: new Uint8Array(HOSTS), global: true };

function world() {
  const log = new ObservationLog();
  const truth = new GroundTruth();
  /** A hop leaving at t ms and arriving 10 ms later. */
  const hop = (t: number, from: number, to: number, prev = -1) =>
    log.append(t * MS, (t + 10) * MS, from, to, 256, Kind.message, prev, 0);
  const deliver = (row: number, sender: number, recipient: number) =>
    truth.record(truth.length, sender, recipient, -1, 0, log.tRx[row], row);
  return { log, truth, hop, deliver };
}

function run(
  w: ReturnType<typeof world>,
  v: View,
  models: { endToEnd?: DelayModel; dwell?: DelayModel; fromBreak?: DelayModel } = {},
  params: AttackInput['params'] = {},
  usersPerIp = 1,
) {
  const { obs, obsOf } = observe(w.log, v);
  const scored = scoredDeliveries(w.truth, 0);
  const targets = buildTargets(w.log, w.truth, scored, obs, obsOf);
  const input: AttackInput = {
    users: U,
    obs,
    ...addressing(U, 3, usersPerIp),
    targets,
    endToEnd: models.endToEnd ?? flat(0, 1000),
    dwell: models.dwell ?? flat(0, 5),
    fromBreak: models.fromBreak,
    duration: 10_000 * MS,
    params,
  };
  const result = timing.run(input);
  const sender = Int32Array.from(scored, (d) => w.truth.sender[d]);
  return { result, ev: evaluate(result, targets, sender, U) };
}

function listed(r: ReturnType<typeof run>['result'], i: number): Record<number, number> {
  const s = r.perTarget;
  const out: Record<number, number> = {};
  for (let k = s.offsets[i]; k < s.offsets[i + 1]; k++) out[s.cand[k]] = s.score[k];
  return out;
}

describe('kthLargest', () => {
  it('matches a sort on random arrays with ties', () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + Math.floor(rnd() * 60);
      const a = Float64Array.from({ length: n }, () => Math.floor(rnd() * 8) / 8);
      const sorted = [...a].sort((x, y) => y - x);
      const k = 1 + Math.floor(rnd() * n);
      expect(kthLargest(a.slice(), n, k)).toBe(sorted[k - 1]);
    }
  });
});

describe('timing', () => {
  it('follows prev exactly through held parties', () => {
    const w = world();
    w.hop(0, 4, A); // a decoy arriving at A at the same moment
    const r0 = w.hop(0, 3, A);
    const r1 = w.hop(12, A, B, r0);
    w.deliver(w.hop(24, B, 7, r1), 3, 7);
    const { result, ev } = run(w, held(A, B));
    expect(listed(result, 0)).toEqual({ 3: 1 });
    expect(result.causalTop[0]).toBe(3);
    expect(ev.metrics.top1).toBe(1);
  });

  it('branches on watched links by the dwell model, mass normalised at each party', () => {
    const w = world();
    // Path 3 → A → B → 7. At A, 4's row arrives inside the dwell window too; at B, a row
    // straight from user 5 does. 6's row reaches A too early to fit the 5 ms dwell model.
    w.hop(-10, 6, A); // arrives at A at 0 ms
    const r0 = w.hop(0, 3, A); // arrives 10
    w.hop(1, 4, A); // arrives 11
    const r1 = w.hop(12, A, B, r0); // arrives 22
    w.hop(13, 5, B); // arrives 23
    w.deliver(w.hop(24, B, 7, r1), 3, 7);
    const { result, ev } = run(w, gpa);
    // At B: {A→B, 5→B} each 1/2. At A (from A→B, out at 12): {3→A, 4→A} each 1/4.
    const s = listed(result, 0);
    expect(Object.keys(s).map(Number)).toEqual([3, 4, 5]);
    expect(s[5]).toBeCloseTo(0.5, 15);
    expect(s[3]).toBeCloseTo(0.25, 15);
    expect(s[4]).toBeCloseTo(0.25, 15);
    expect(result.causalTop[0]).toBe(5);
    expect(ev.metrics.top1).toBe(0); // 3 is tied second
    expect(ev.perTarget.trueRank[0]).toBe(2.5);
    // Pair mass equals the posterior.
    expect([...result.pairs.sender]).toEqual([3, 4, 5]);
    expect([...result.pairs.score].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('NAT sharing splits a device row between the users behind the address', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    w.deliver(w.hop(12, A, 7, r0), 3, 7);
    const { result, ev } = run(w, held(A), {}, {}, 2);
    expect(listed(result, 0)).toEqual({ 2: 0.5, 3: 0.5 });
    expect(result.causalTop[0]).toBe(-1);
    expect(ev.metrics.top1).toBe(0.5);
  });

  it('where the chain is lost it falls back to the end-to-end model over visible departures', () => {
    const w = world();
    // Held A and B, unheld C between them: 3 → A → C → B → 7, anchor at B → 7 (tRx 46 ms).
    w.hop(-300, 5, A); // departs 346 ms before the anchor: outside the 0–200 ms model
    w.hop(-5, 4, A);
    const r0 = w.hop(0, 3, A);
    const r1 = w.hop(12, A, C, r0);
    const r2 = w.hop(24, C, B, r1);
    w.deliver(w.hop(36, B, 7, r2), 3, 7);
    const { result, ev } = run(w, held(A, B), { endToEnd: flat(0, 200) });
    expect(listed(result, 0)).toEqual({ 3: 0.5, 4: 0.5 });
    expect(ev.metrics.top1).toBe(0.5);
    expect(ev.metrics.top5).toBe(1);
  });

  it('fallback: break spreads lost mass from where the exact chain breaks, by the departure-to-break law', () => {
    const w = world();
    // Held A and B, unheld C: 3 → A → C → B, which stores it for 3 s before handing it to 7.
    const r0 = w.hop(0, 3, A);
    const r1 = w.hop(12, A, C, r0);
    const r2 = w.hop(24, C, B, r1);
    w.hop(2000, 4, A);
    w.hop(2500, 5, A);
    w.deliver(w.hop(3024, B, 7, r2), 3, 7);
    const models = { endToEnd: flat(0, 5000), fromBreak: flat(0, 100) };
    // From the anchor, every departure in the last 5 s fits the end-to-end law equally.
    const fromAnchor = listed(run(w, held(A, B), models).result, 0);
    expect(Object.keys(fromAnchor)).toEqual(['3', '4', '5']);
    for (const v of Object.values(fromAnchor)) expect(v).toBeCloseTo(1 / 3, 12);
    // The chain is exact back to C → B (seen at its arrival, 34 ms): only 3 left within 100 ms of it.
    expect(listed(run(w, held(A, B), models, { fallback: 'break' }).result, 0)).toEqual({ 3: 1 });
  });

  it('trace: false uses only the end-to-end model', () => {
    const w = world();
    w.hop(-5, 4, A);
    const r0 = w.hop(0, 3, A);
    w.deliver(w.hop(12, A, 7, r0), 3, 7);
    expect(listed(run(w, held(A), {}, { trace: false }).result, 0)).toEqual({ 3: 0.5, 4: 0.5 });
    expect(listed(run(w, held(A), {}, { trace: true }).result, 0)).toEqual({ 3: 1 });
  });

  it('unanchored targets and empty evidence score uniformly', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    w.deliver(w.hop(12, A, 7, r0), 3, 7);
    const none: View = { name: 'none', kind: 'none', held: new Uint8Array(HOSTS), global: false };
    const a = run(w, none);
    expect(a.result.perTarget.base[0]).toBe(1);
    expect(a.ev.metrics.top1).toBe(1 / U);
    // Held B sees nothing of this path; no departure is visible to the fallback either.
    const w2 = world();
    const q0 = w2.hop(0, 3, A);
    const q1 = w2.hop(12, A, B, q0);
    w2.deliver(w2.hop(24, B, 7, q1), 3, 7);
    const b = run(w2, held(B));
    expect(b.result.perTarget.base[0]).toBe(1);
    expect(b.result.causalTop[0]).toBe(-1);
  });

  it('accumulates pair mass over targets', () => {
    const w = world();
    for (let k = 0; k < 3; k++) {
      const r0 = w.hop(100 * k, 3, A);
      w.deliver(w.hop(100 * k + 12, A, 7, r0), 3, 7);
    }
    const { result, ev } = run(w, held(A));
    expect([...result.pairs.score]).toEqual([3]);
    expect(ev.ttfd).toEqual([
      {
        sender: 3,
        recipient: 7,
        messages_sent: 3,
        messages_until_identified: 1,
        time_until_identified_s: 0,
        messages_until_tied_top: 1,
        tied_top: 1,
      },
    ]);
  });
});
