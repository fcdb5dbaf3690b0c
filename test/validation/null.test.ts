// V21 (attacks-and-validation Part B): no-information controls. An adversary that observes
// nothing must score top1 = 1/N, top5 = 5/N, AUC 0.5 and entropy log2 N exactly; with the
// observations shuffled independently of the ground truth (every row leaving a user device
// relabelled with an independent uniformly random user) top1, top5 and AUC must sit at their
// blind-guess values within 4σ. Catches ground truth leaking into attacks.
import { describe, expect, it } from 'vitest';
import { buildTargets, dwellModel, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput, AttackModule } from '../../src/attacks/attack.js';
import { identifier } from '../../src/attacks/identifier.js';
import { timing } from '../../src/attacks/timing.js';
import { uniform } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { evaluate } from '../../src/metrics/index.js';
import { star } from '../metrics/synthetic-star.js';

const SEC = 1e9;
const MS = 1e6;
const U = 1000;
const s = star({
  users: U,
  rate: 1 / (60 * SEC),
  duration: 1000 * SEC,
  d: 20 * MS,
  dwell: uniform(0, 50 * MS).sample,
  seed: 21,
});

function pipeline(view: View, attack: AttackModule, shuffle: boolean) {
  const { obs, rowOf, obsOf } = observe(s.log, view);
  const scored = scoredDeliveries(s.truth, 10 * SEC);
  const targets = buildTargets(s.log, s.truth, scored, obs, obsOf);
  const endToEnd = endToEndModel(s.log, obs, rowOf, targets);
  if (shuffle) {
    const rng = new Streams(99).stream('shuffle');
    // A view's arrays may be the log's own columns (a pure link observer): shuffle a copy.
    obs.from = Int32Array.from(obs.from);
    for (let j = 0; j < obs.length; j++) if (obs.from[j] < U) obs.from[j] = Math.floor(rng() * U);
  }
  const input: AttackInput = {
    users: U,
    obs,
    hostIp: s.hostIp,
    ipStart: s.ipStart,
    ipUsers: s.ipUsers,
    targets,
    endToEnd,
    dwell: dwellModel(s.log, U),
    duration: 1000 * SEC,
    params: {},
  };
  const result = attack.run(input);
  return evaluate(
    result,
    targets,
    Int32Array.from(scored, (d) => s.truth.sender[d]),
    U,
  );
}

const none: View = { name: 'none', kind: 'none', held: new Uint8Array(U + 1), global: false };
const gpa: View = { name: 'gpa', kind: 'global-passive', held: new Uint8Array(U + 1), global: true };
const relay: View = {
  name: 'relay',
  kind: 'single',
  held: Uint8Array.from({ length: U + 1 }, (_, h) => (h === U ? 1 : 0)),
  global: false,
};

describe('V21 null controls', () => {
  for (const attack of [identifier, timing]) {
    it(`${attack.id}: an adversary that observes nothing`, () => {
      const ev = pipeline(none, attack, false);
      const m = ev.metrics;
      expect(m.deliveries).toBeGreaterThan(10_000);
      expect(m.top1).toBe(1 / U);
      expect(m.top5).toBe(5 / U);
      expect(m.pair_auc).toBe(0.5);
      expect(Math.abs(m.entropy_bits - Math.log2(U))).toBeLessThan(1e-9);
      expect(Math.abs(m.anonymity_set - U)).toBeLessThan(1e-6);
      expect(ev.perTarget.candidates.every((c) => c === U)).toBe(true);
      expect(ev.ttfd.every((p) => p.messages_until_identified === null)).toBe(true);
    });
  }

  for (const [attack, view] of [
    [identifier, relay],
    [timing, gpa],
    [timing, relay],
  ] as const) {
    it(`${attack.id} / ${view.name}: observations shuffled independently of the truth`, () => {
      const ev = pipeline(view, attack, true);
      const m = ev.metrics;
      const M = m.deliveries;
      for (const [k, v] of [
        [1, m.top1],
        [5, m.top5],
      ] as const) {
        const p = k / U;
        expect(Math.abs(v - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / M));
      }
      // Mann–Whitney null SE over n1 positive and n0 negative pairs (ties only shrink it).
      const n1 = ev.positivePairs;
      const n0 = U * (U - 1) - n1;
      const se = Math.sqrt((n1 + n0 + 1) / (12 * n1 * n0));
      expect(Math.abs(m.pair_auc - 0.5)).toBeLessThan(4 * se);
      // Without the shuffle the same attack is far above the blind guess.
      expect(pipeline(view, attack, false).metrics.top1).toBeGreaterThan(0.5);
    });
  }
});
