// V21 (no-information controls) for the windowed attacks, through the pipeline. An adversary that
// observes nothing must score top1 = 1/N, top5 = 5/N, pair AUC 0.5 and entropy log2 N exactly
// (scenario text → runScenario). With the observations shuffled independently of the ground truth
// (scenario text → the pipeline's own simulate and see → every user device and every readable
// account in the observed rows relabelled to an independent uniform user → attack → the
// pipeline's evaluation) top1, top5 and AUC must sit at the blind guess within 4σ, and without the
// shuffle the same attack must be far above it. Catches ground truth leaking into flow and
// disclosure (per-delivery timing included), e.g. through targets, ids or the order of rows.
import { describe, expect, it } from 'vitest';
import { expectNoInformation, nullControls } from './null-controls.js';

const ATTACKS = ['flow', 'disclosure'];

describe('V21 for flow and disclosure: an adversary that observes nothing', () => {
  it('top1 = 1/N, top5 = 5/N, AUC 0.5, entropy log2 N exactly', () => expectNoInformation(ATTACKS), 60_000);
});

describe('V21 for flow and disclosure: observations shuffled independently of the truth', () => {
  const { adversaries, metrics, expectBlindGuess } = nullControls(ATTACKS);
  for (const [adversary, attack] of [
    [0, 'flow'],
    [0, 'disclosure'],
    [1, 'disclosure'],
  ] as const) {
    it(`${attack}, ${adversaries[adversary].name}`, () => {
      const m = metrics(adversary, attack, true);
      console.log(
        `V21 ${attack} ${adversaries[adversary].name}, shuffled: top1 ${m.top1.toFixed(5)} top5 ${m.top5.toFixed(5)} ` +
          `(guess ${(1 / 500).toFixed(5)} / ${(5 / 500).toFixed(5)}, ${m.deliveries} deliveries) AUC ${m.pair_auc.toFixed(4)}`,
      );
      expectBlindGuess(m);
      // Without the shuffle the same attack is far above the blind guess.
      expect(metrics(adversary, attack, false).top1).toBeGreaterThan(0.3);
    }, 60_000);
  }
});
