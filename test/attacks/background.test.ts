/**
 * Background traffic (keepalives, empty polls, PINGs: the view's periodic-flow descriptors) read by
 * the attacks, end to end (scenario → simulate → global passive view → attack → summary), for the
 * size-aware observer (default) and the size-blind one, each with the background counted (default)
 * and stripped. What must hold:
 * - size-aware, background the wire tells apart by size (Session's empty polls, Signal's keepalives)
 *   changes nothing: counted and stripped agree exactly;
 * - size-blind, Session's 5 s polls of every online device bury each delivery's sender among
 *   pollers: timing top1 falls far (4σ) below the stripped observer's;
 * - SimpleX pads PINGs to the 16 KB block of every message: even the size-aware flow observer
 *   counts them, and its pair scores fall (4σ) below the stripped observer's.
 * The closed form for the size-blind count (Λ' = 2Λ + U/55 s) is in
 * test/validation/timing-protocol.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioText, top1Se } from '../run-scenario.js';

const SCENARIO = `
name: background-read
seed: 6
duration: 12min
warmup: 1min
workload:
  users: 400
  contacts: 6
  rate: 1/2min
  online: { model: sessions, on: exp(6min), off: exp(3min) }
designs:
  - { design: signal }
  - { design: session }
  - { design: simplex, pingInterval: 60s }
adversaries: [ { kind: global-passive } ]
attacks: [timing, flow]
sweep:
  zip:
    - { attackParams.timing.sizes: [true, false], attackParams.flow.sizes: [true, false] }
    - { attackParams.timing.background: [counted, stripped], attackParams.flow.background: [counted, stripped] }
`;

let rows: SummaryRow[] = [];
beforeAll(async () => {
  rows = await runScenarioText(SCENARIO);
}, 300_000);

const row = (design: string, attack: string, sizes: boolean, background: string) => {
  const r = rows.find(
    (x) => x.design === design && x.attack === attack && x.sweep.includes(sizes) && x.sweep.includes(background),
  );
  if (!r) throw new Error(`no row ${design} ${attack} sizes=${sizes} ${background}`);
  return r;
};

/** Standard error of a pair AUC over the deliveries' recipients, bounded above (Hanley–McNeil worst case). */
const aucSe = (r: SummaryRow) => Math.sqrt(0.25 / Math.max(1, r.deliveries));

describe('attacks reading background traffic (global passive)', () => {
  it('size-aware: background told apart by size changes nothing (Signal keepalives, Session polls)', () => {
    for (const design of ['signal', 'session'])
      for (const attack of ['timing', 'flow']) {
        const counted = row(design, attack, true, 'counted');
        const stripped = row(design, attack, true, 'stripped');
        expect([counted.top1, counted.pair_auc], `${design} ${attack}`).toEqual([stripped.top1, stripped.pair_auc]);
      }
  });

  it("size-blind: Session's 5 s polls bury the sender (timing top1 far below the stripped observer's)", () => {
    const counted = row('session', 'timing', false, 'counted');
    const stripped = row('session', 'timing', false, 'stripped');
    expect(stripped.top1 - counted.top1).toBeGreaterThan(4 * Math.hypot(top1Se(counted), top1Se(stripped)));
    expect(counted.top1).toBeLessThan(stripped.top1 / 4);
  });

  it('SimpleX PINGs padded to the block: the size-aware flow observer counts them and its pair scores fall', () => {
    const counted = row('simplex', 'flow', true, 'counted');
    const stripped = row('simplex', 'flow', true, 'stripped');
    expect(stripped.pair_auc - counted.pair_auc).toBeGreaterThan(4 * Math.hypot(aucSe(counted), aucSe(stripped)));
    // Sizes cannot sort them: the size-blind observer sees the same.
    expect(row('simplex', 'flow', false, 'counted').pair_auc).toBe(counted.pair_auc);
  });
});
