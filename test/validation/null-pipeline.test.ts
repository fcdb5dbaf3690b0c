// V21 (no-information controls) for the identifier and timing attacks, through the pipeline
// (null-controls.ts): an adversary that observes nothing scores exactly the blind guess; with the
// observations relabelled independently of the truth, the blind guess within 4σ, and without the
// relabelling far above it. Catches ground truth leaking into the attacks through targets,
// anchors, ids, laws or the order of rows. The synthetic-star versions stay in null.test.ts.
import { describe, expect, it } from 'vitest';
import { expectNoInformation, nullControls } from './null-controls.js';

const ATTACKS = ['identifier', 'timing'];

describe('V21 for identifier and timing: an adversary that observes nothing', () => {
  it('top1 = 1/N, top5 = 5/N, AUC 0.5, entropy log2 N exactly', () => expectNoInformation(ATTACKS), 60_000);
});

describe('V21 for identifier and timing: observations shuffled independently of the truth', () => {
  const { adversaries, metrics, expectBlindGuess } = nullControls(ATTACKS);
  for (const [adversary, attack] of [
    [0, 'timing'],
    [1, 'timing'],
    [1, 'identifier'],
  ] as const) {
    it(`${attack}, ${adversaries[adversary].name}`, () => {
      expectBlindGuess(metrics(adversary, attack, true));
      // Without the shuffle the same attack is far above the blind guess.
      expect(metrics(adversary, attack, false).top1).toBeGreaterThan(0.5);
    }, 60_000);
  }
});
