/**
 * V21 (no-information controls) through the pipeline, shared by the per-attack suites: a Signal
 * world of 500 users seen by a global observer and by the service; an adversary that observes
 * nothing (scenario text → runScenario) must score exactly the blind guess; with every user
 * device and readable account in the observed rows relabelled to an independent uniform user
 * (the pipeline's own simulate, see and laws → attack → the pipeline's evaluation) top1, top5 and
 * pair AUC must sit at the blind guess within 4σ.
 */
import { expect } from 'vitest';
import { parse } from 'yaml';
import { causeClassLaw, dwellModel, hopSizeModel, scoredDeliveries } from '../../src/adversary/targets.js';
import type { AttackInput } from '../../src/attacks/attack.js';
import { ATTACKS } from '../../src/attacks/registry.js';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { DESIGNS } from '../../src/designs/registry.js';
import type { AttackMetrics } from '../../src/metrics/index.js';
import { evaluateAttack } from '../../src/pipeline/evaluate.js';
import { ipIndex, see, simulate } from '../../src/pipeline/job.js';
import { resolveScenario } from '../../src/scenario/index.js';
import { runScenarioText } from '../run-scenario.js';

export const U = 500;

/** The world's scenario text for `attacks`: adversary 0 the global observer, 1 the Signal service. */
export function nullWorld(attacks: string[]): string {
  return `
name: null-controls
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
attacks: [${attacks.join(', ')}]
`;
}

/** Runs `attacks` for an adversary that observes nothing: exactly 1/N, 5/N, AUC 0.5, log2 N. */
export async function expectNoInformation(attacks: string[]): Promise<void> {
  const rows = await runScenarioText(
    nullWorld(attacks).replace(/adversaries:[\s\S]*attacks:/, 'adversaries:\n  - kind: none\nattacks:'),
  );
  expect(rows.map((r) => r.attack).sort()).toEqual([...attacks].sort());
  for (const r of rows) {
    expect(r.deliveries).toBeGreaterThan(1000);
    expect(r.top1).toBe(1 / U);
    expect(r.top5).toBe(5 / U);
    expect(r.pair_auc).toBe(0.5);
    expect(Math.abs(r.entropy_bits - Math.log2(U))).toBeLessThan(1e-9);
  }
}

/** The simulated world once; `metrics(adversary, attack, shuffle)` attacks it as the pipeline does. */
export function nullControls(attacks: string[]) {
  const s = resolveScenario(parse(nullWorld(attacks)), 'null-controls.yaml').scenario!;
  const streams = new Streams(replicateSeed(s.seed, 0));
  const item = s.designs[0];
  const world = simulate(s, item, DESIGNS.get(item.design)!, streams);
  const advStreams = streams.sub(`adversary/${item.name}`);
  const scored = scoredDeliveries(world.truth, s.warmup);
  const role = Uint8Array.from(world.hosts.role);

  function metrics(adversary: number, attack: string, shuffle: boolean): AttackMetrics {
    const seen = see(world, s.adversaries[adversary], s.warmup, advStreams);
    const obs = { ...seen.obs };
    let background = seen.background;
    if (shuffle) {
      // A view's arrays may be the log's own columns (a pure link observer): relabel copies.
      const rng = new Streams(99).stream('shuffle');
      const relabel = (col: Int32Array): Int32Array =>
        col.map((h) => (h >= 0 && h < U ? Math.min(U - 1, Math.floor(rng() * U)) : h));
      obs.from = relabel(obs.from);
      obs.to = relabel(obs.to);
      obs.sAcct = relabel(obs.sAcct);
      obs.rAcct = relabel(obs.rAcct);
      // Background exchanges name their devices too (keepalives, polls): relabelled alike.
      if (seen.background) {
        const bg = seen.background;
        background = { ...bg, from: relabel(bg.from), to: relabel(bg.to), origin: relabel(bg.origin) };
      }
    }
    const input: AttackInput = {
      users: U,
      ...seen,
      obs,
      background,
      ...ipIndex(world.hosts),
      dwell: dwellModel(world.log, U),
      hopSizes: hopSizeModel(world.log, U),
      causeClasses: { role, p: causeClassLaw(world.log, U, role) },
      duration: s.duration,
      params: s.attackParams[attack] ?? {},
    };
    const result = ATTACKS.get(attack)!.run(input);
    return evaluateAttack(result, seen.targets, world.truth, scored, U).metrics;
  }

  /** top1, top5 and pair AUC of shuffled observations at the blind guess (4σ). */
  function expectBlindGuess(m: AttackMetrics): void {
    const n = m.deliveries;
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
  }

  return { adversaries: s.adversaries, metrics, expectBlindGuess };
}
