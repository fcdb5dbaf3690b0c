// The timing attack's posterior on hand-built logs: every candidate listed (no uniform tail fold),
// work caps counted when they cut a posterior (AttackResult.caps), and causes weighed by the
// direction they came from (causeClasses).
import { describe, expect, it } from 'vitest';
import { histogramModel } from '../../src/adversary/delay-model.js';
import { buildTargets, causeClassLaw, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import { type AttackInput, type DelayModel, dwellKind } from '../../src/attacks/attack.js';
import { timing } from '../../src/attacks/timing.js';
import { MAX_LISTED } from '../../src/attacks/util-scores.js';
import { evaluate } from '../../src/metrics/index.js';
import { Kind, ObservationLog } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';
import { addressing } from '../metrics/synthetic-star.js';

const MS = 1e6;

/** A flat density on [lo, hi] ms (no maxOver: a cut in it always counts). */
function flat(loMs: number, hiMs: number): DelayModel {
  const lo = loMs * MS;
  const hi = hiMs * MS;
  return { pdf: (x) => (x >= lo && x <= hi ? 1 / (hi - lo) : 0), lo, hi, samples: 100 };
}

function setup(users: number, infra: number) {
  const log = new ObservationLog();
  const truth = new GroundTruth();
  const hop = (t: number, from: number, to: number, prev = -1) =>
    log.append(t * MS, (t + 10) * MS, from, to, 256, Kind.message, prev, 0);
  const gpa: View = { name: 'gpa', kind: 'global-passive', held: new Uint8Array(users + infra), global: true };
  const run = (params: AttackInput['params'], extra: Partial<AttackInput> = {}) => {
    const { obs, obsOf } = observe(log, gpa);
    const scored = scoredDeliveries(truth, 0);
    const targets = buildTargets(log, truth, scored, obs, obsOf);
    const input: AttackInput = {
      users,
      obs,
      ...addressing(users, infra),
      targets,
      endToEnd: flat(0, 1000),
      dwell: flat(0, 5),
      duration: 10_000 * MS,
      params,
      ...extra,
    };
    const result = timing.run(input);
    return {
      result,
      ev: evaluate(
        result,
        targets,
        Int32Array.from(scored, (d) => truth.sender[d]),
        users,
      ),
    };
  };
  return { log, truth, hop, run };
}

describe('timing posterior', () => {
  // 400 users each send one row to server S within the last second before a delivery to user 0;
  // the end-to-end law is flat over that second, so all 399 senders other than 0 are equally likely.
  const U = 400;
  const S = U;
  function crowd() {
    const w = setup(U, 1);
    let r = -1;
    for (let u = 1; u < U; u++) r = w.hop(u, u, S);
    w.truth.record(0, U - 1, 0, -1, 0, (U + 30) * MS, w.hop(U + 20, S, 0, r));
    return w;
  }

  it('lists every candidate it cannot rule out: no uniform fold of a tail into unlisted users', () => {
    const { result, ev } = crowd().run({ trace: false, scan: 1000 });
    expect(U - 1).toBeGreaterThan(MAX_LISTED);
    expect(result.perTarget.offsets[1]).toBe(U - 1);
    expect(result.perTarget.base[0]).toBe(0);
    expect(ev.metrics.entropy_bits).toBeCloseTo(Math.log2(U - 1), 10);
    expect(result.caps).toEqual({});
  });

  it('counts a scan cap that cut the posterior, and lists only what it weighed', () => {
    const { result } = crowd().run({ trace: false, scan: 32, widen: 1 });
    expect(result.perTarget.offsets[1]).toBe(32);
    expect(result.caps).toEqual({ scan: 1 });
    // Caps that widen (param `widen`): 32 → 64 → … → 512 rows weigh all 399; 8 → … → 128 cannot.
    const wide = crowd().run({ trace: false, scan: 32, widen: 16 });
    expect(wide.result.perTarget.offsets[1]).toBe(U - 1);
    expect(wide.result.caps).toEqual({});
    const ceiling = crowd().run({ trace: false, scan: 8, widen: 16 });
    expect(ceiling.result.perTarget.offsets[1]).toBe(128);
    expect(ceiling.result.caps).toEqual({ scan: 1 });
  });

  it('does not count a cut whose rows could weigh nothing: the model bounds what they weigh', () => {
    // Half the law's mass within 30–70 ms, half within 500–1000 ms, none between: the rows a
    // scan of 100 leaves out (delays 131–429 ms) weigh the floor only.
    const samples = Array.from({ length: 4000 }, (_, k) => (k < 2000 ? 30 + (k % 40) : 500 + (k % 500)) * MS);
    const endToEnd = histogramModel(samples);
    expect(endToEnd.maxOver?.(131 * MS, 429 * MS)).toBe(0);
    expect(endToEnd.maxOver?.(30 * MS, 429 * MS)).toBeGreaterThan(0);
    const cut = crowd().run({ trace: false, scan: 100, widen: 1 }, { endToEnd });
    expect(cut.result.caps).toEqual({});
    const tooFew = crowd().run({ trace: false, scan: 10, widen: 1 }, { endToEnd });
    expect(tooFew.result.caps).toEqual({ scan: 1 });
  });

  it('counts a beam that pruned hypotheses', () => {
    // Relay R forwards to user 0; 20 users' rows reach R inside its dwell window.
    const w = setup(30, 1);
    const R = 30;
    let last = -1;
    for (let u = 1; u <= 20; u++) last = w.hop(-9 + u * 0.1, u, R);
    w.truth.record(0, 20, 0, -1, 0, 13 * MS, w.hop(3, R, 0, last));
    expect(w.run({ beam: 4, widen: 1 }).result.caps).toEqual({ beam: 1 });
    expect(w.run({ beam: 64, widen: 1 }).result.caps).toEqual({});
    // Widened 4 → 8 → 16 → 32 hypotheses: none pruned.
    expect(w.run({ beam: 4, widen: 8 }).result.caps).toEqual({});
  });

  it('weighs causes by the direction they came from (a provider hands devices only what parties sent it)', () => {
    // Provider P (role 0) forwards to user 0 what mix M sent it; device 1's upload reaches P in the
    // same window. Learnt from a calibration log where P forwarded to devices only rows from M.
    const users = 4;
    const P = users;
    const M = users + 1;
    const w = setup(users, 2);
    const fromMix = w.hop(0, M, P); // reaches P at 10 ms
    w.hop(0.5, 1, P); // reaches P at 10.5 ms
    w.truth.record(0, 2, 0, -1, 0, 22 * MS, w.hop(12, P, 0, fromMix));
    // The mix's own input came from device 2 exactly 1 ms earlier (M holds it 1 ms): traced by the dwell law.
    w.hop(-11, 2, M);
    const role = new Uint8Array(users + 2);
    role[M] = 1;
    const cal = new ObservationLog();
    for (let k = 0; k < 50; k++) {
      const a = cal.append(k, k + 1, M, P, 256, Kind.message, -1, 0);
      cal.append(k + 2, k + 3, P, 0, 256, Kind.message, a, 0);
      const b = cal.append(k, k + 1, 2, M, 256, Kind.message, -1, 0);
      cal.append(k + 2, k + 3, M, P, 256, Kind.message, b, 0);
    }
    const p = causeClassLaw(cal, users, role);
    expect(p[2 * dwellKind(0, true)]).toBe(1);
    expect(p[2 * dwellKind(0, true) + 1]).toBeCloseTo(0.5 / 50, 12);
    const blind = w.run({});
    const aware = w.run({}, { causeClasses: { role, p } });
    // Without directions device 1's upload takes half the mass at P (a tie with the sender);
    // with them 0.01/1.01 of it.
    expect(blind.ev.metrics.top1).toBe(0.5);
    expect(aware.ev.metrics.top1).toBe(1);
    expect(aware.result.perTarget.score[0]).toBeCloseTo(0.01 / 1.01, 12);
  });
});
