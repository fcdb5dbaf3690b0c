// V21 (no-information controls) for the windowed attacks, through the pipeline. An adversary that
// observes nothing must score top1 = 1/N, top5 = 5/N, pair AUC 0.5 and entropy log2 N exactly
// (scenario text → runScenario). With the observations shuffled independently of the ground truth
// (scenario text → the pipeline's own simulate and see → every user device and every readable
// account in the observed rows relabelled to an independent uniform user → attack → the
// pipeline's evaluation) top1, top5 and AUC must sit at the blind guess within 4σ, and without the
// shuffle the same attack must be far above it. Catches ground truth leaking into flow and
// disclosure (per-delivery timing included), e.g. through targets, ids or the order of rows.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scoredDeliveries } from '../../src/adversary/targets.js';
import type { AttackInput } from '../../src/attacks/attack.js';
import { ATTACKS } from '../../src/attacks/registry.js';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { evaluateAttack } from '../../src/pipeline/evaluate.js';
import { ipIndex, see, simulate } from '../../src/pipeline/job.js';
import { resolveScenario } from '../../src/scenario/index.js';
import { runScenarioText } from '../run-scenario.js';

const U = 500;
const WORLD = `
name: null-windowed
seed: 21
duration: 20min
warmup: 1min
workload: { users: ${U}, contacts: 8, rate: 1/5min }
designs:
  - design: signal
adversaries:
  - kind: global-passive
  - kind: single
    target: server
attacks: [flow, disclosure]
`;

describe('V21 for flow and disclosure: an adversary that observes nothing', () => {
  it('top1 = 1/N, top5 = 5/N, AUC 0.5, entropy log2 N exactly', async () => {
    const rows = await runScenarioText(
      WORLD.replace(/adversaries:[\s\S]*attacks:/, 'adversaries:\n  - kind: none\nattacks:'),
    );
    expect(rows.map((r) => r.attack).sort()).toEqual(['disclosure', 'flow']);
    for (const r of rows) {
      expect(r.deliveries).toBeGreaterThan(1000);
      expect(r.top1).toBe(1 / U);
      expect(r.top5).toBe(5 / U);
      expect(r.pair_auc).toBe(0.5);
      expect(Math.abs(r.entropy_bits - Math.log2(U))).toBeLessThan(1e-9);
    }
  }, 60_000);
});

describe('V21 for flow and disclosure: observations shuffled independently of the truth', () => {
  const s = resolveScenario(parse(WORLD), 'null-windowed.yaml').scenario!;
  const streams = new Streams(replicateSeed(s.seed, 0));
  const item = s.designs[0];
  const world = simulate(s, item, DESIGNS.get(item.design)!, streams);
  const advStreams = streams.sub(`adversary/${item.name}`);
  const scored = scoredDeliveries(world.truth, s.warmup);

  function metrics(adversary: number, attack: string, shuffle: boolean) {
    const seen = see(world, s.adversaries[adversary], s.warmup, advStreams);
    const obs = { ...seen.obs };
    if (shuffle) {
      // A view's arrays may be the log's own columns (a pure link observer): relabel copies.
      const rng = new Streams(99).stream('shuffle');
      const relabel = (col: Int32Array): Int32Array =>
        col.map((h) => (h >= 0 && h < U ? Math.min(U - 1, Math.floor(rng() * U)) : h));
      obs.from = relabel(obs.from);
      obs.to = relabel(obs.to);
      obs.sAcct = relabel(obs.sAcct);
      obs.rAcct = relabel(obs.rAcct);
    }
    const input: AttackInput = {
      users: U,
      ...seen,
      obs,
      ...ipIndex(world.hosts),
      dwell: { pdf: () => 0, lo: 0, hi: 0, samples: 0 },
      duration: s.duration,
      params: s.attackParams[attack] ?? {},
    };
    const result = ATTACKS.get(attack)!.run(input);
    return evaluateAttack(result, seen.targets, world.truth, scored, U);
  }

  for (const [adversary, attack] of [
    [0, 'flow'],
    [0, 'disclosure'],
    [1, 'disclosure'],
  ] as const) {
    it(`${attack}, ${s.adversaries[adversary].name}`, () => {
      const ev = metrics(adversary, attack, true);
      const m = ev.metrics;
      const n = m.deliveries;
      console.log(
        `V21 ${attack} ${s.adversaries[adversary].name}, shuffled: top1 ${m.top1.toFixed(5)} top5 ${m.top5.toFixed(5)} ` +
          `(guess ${(1 / U).toFixed(5)} / ${(5 / U).toFixed(5)}, ${n} deliveries) AUC ${m.pair_auc.toFixed(4)}`,
      );
      for (const [k, v] of [
        [1, m.top1],
        [5, m.top5],
      ] as const) {
        const p = k / U;
        expect(Math.abs(v - p), `top${k} ${v}`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      }
      // Mann–Whitney null SE over n1 positive and n0 negative pairs (ties only shrink it).
      const pairs = new Set<number>();
      for (const d of scored) pairs.add(world.truth.sender[d] * U + world.truth.recipient[d]);
      const n1 = pairs.size;
      expect(n1).toBeGreaterThan(500);
      const n0 = U * (U - 1) - n1;
      const se = Math.sqrt((n1 + n0 + 1) / (12 * n1 * n0));
      expect(Math.abs(m.pair_auc - 0.5), `AUC ${m.pair_auc}`).toBeLessThan(4 * se);
      // Without the shuffle the same attack is far above the blind guess.
      expect(metrics(adversary, attack, false).metrics.top1).toBeGreaterThan(0.3);
    }, 60_000);
  }
});
