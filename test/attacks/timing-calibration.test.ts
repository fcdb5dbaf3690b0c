/**
 * Out-of-sample calibration (timing `calibration: independent-run`): the adversary learns its
 * delay laws from an independent simulation of the same scenario instead of the run it attacks.
 * With many calibration samples (a global observer sees every delivery) the laws learnt are the
 * protocol's and top1 moves only by sampling noise (4σ). With few (colluding nodes anchor few
 * deliveries) the in-sample histogram has a bin at each scored delivery's own delay, which
 * helps the attack; out of sample it never does better beyond noise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioText, top1Se } from '../run-scenario.js';

const SCENARIO = `
name: calibration
seed: 2
duration: 15min
warmup: 1min
workload: { users: 300, contacts: 6, rate: 1/5min }
designs:
  - design: signal
    mixDelay: 1s
  - design: session
  - design: mixnet
    loopRate: 0/s
adversaries:
  - kind: global-passive
  - kind: colluding
    fraction: 0.1
attacks: [timing]
sweep:
  attackParams.timing.calibration: [same-run, independent-run]
`;

let rows: SummaryRow[] = [];
beforeAll(async () => {
  rows = await runScenarioText(SCENARIO);
}, 120_000);

const pairsOf = () =>
  rows
    .filter((r) => r.sweep[0] === 'same-run')
    .map((same) => {
      const other = rows.find(
        (r) => r.sweep[0] === 'independent-run' && r.design === same.design && r.adversary === same.adversary,
      );
      if (!other) throw new Error(`no independent-run row for ${same.design} ${same.adversary}`);
      return [same, other] as const;
    });

describe('timing calibration on an independent run', () => {
  const tolerance = (a: SummaryRow, b: SummaryRow) => 4 * Math.hypot(top1Se(a), top1Se(b));

  it('moves top1 by no more than sampling noise (4σ) for the global observer', () => {
    const pairs = pairsOf().filter(([same]) => same.adversary === 'global-passive');
    expect(pairs.length).toBe(3);
    for (const [same, other] of pairs)
      expect(Math.abs(other.top1 - same.top1), same.design).toBeLessThanOrEqual(tolerance(same, other));
  });

  it('never does better out of sample than in sample, beyond noise', () => {
    const pairs = pairsOf();
    expect(pairs.length).toBe(6);
    for (const [same, other] of pairs)
      expect(other.top1, `${same.design} ${same.adversary}`).toBeLessThanOrEqual(same.top1 + tolerance(same, other));
  });

  it('really uses the other run: some scores change', () => {
    const changed = pairsOf().filter(([same, other]) => same.entropy_bits !== other.entropy_bits);
    expect(changed.length).toBeGreaterThan(0);
  });
});
