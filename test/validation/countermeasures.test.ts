/**
 * The anonymity trilemma in the simulator (attacks-and-validation.md A5): adding delay or cover
 * never makes a global passive adversary better beyond sampling noise, and delay cuts
 * per-message timing correlation. One run, eight cells (mixDelay × coverRate × the timing
 * observer reading sizes or not) over the same workload (common random numbers). How far above
 * the blind guess an unprotected design sits is checked against closed forms elsewhere
 * (timing-protocol.test.ts, timing-pipeline.test.ts), not by a fixed multiple of 1/users.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioText, top1Se } from '../run-scenario.js';

const USERS = 300;
const SCENARIO = `
name: trilemma-check
seed: 4
duration: 15min
warmup: 1min
workload: { users: ${USERS}, contacts: 6, rate: 1/5min }
designs:
  - design: signal
  - design: session
  - design: simplex
  - design: matrix
adversaries:
  - kind: global-passive
attacks: [timing, flow]
sweep:
  designs.*.mixDelay: [0s, 10s]
  designs.*.coverRate: [0/s, 2/min]
  attackParams.timing.sizes: [true, false]
`;

// The mixnet reference design has its own knobs: per-mix delay, drop cover (loop cover off) and
// Loopix payload slots (real packets leave only in the slots of a Poisson stream). Fetches are
// answered only when non-empty (fetchReply: stored): with Loopix's fixed answers every online user
// receives a packet a second, which puts flow at the blind guess in every cell
// (docs/designs/mixnet.md) and would hide what delay, cover and slots each buy.
const MIXNET = `
name: trilemma-mixnet
seed: 4
duration: 15min
warmup: 1min
workload: { users: ${USERS}, contacts: 6, rate: 1/5min }
designs:
  - { design: mixnet, loopRate: 0/s, fetchReply: stored }
adversaries:
  - kind: global-passive
attacks: [timing, flow]
sweep:
  designs.0.mixDelay: [20ms, 1s]
  designs.0.dropRate: [0/s, 4/min]
  designs.0.payloadRate: [0/s, 4/min]
`;

let rows: SummaryRow[] = [];
let mixRows: SummaryRow[] = [];

beforeAll(async () => {
  rows = await runScenarioText(SCENARIO);
  mixRows = await runScenarioText(MIXNET);
}, 420_000);

const DESIGNS = ['signal', 'session', 'simplex', 'matrix'];
const ATTACKS = ['timing', 'flow'];

/** The row of one cell; `sizes` is the timing observer's (flow ignores it). */
function row(design: string, attack: string, mixDelay: string, coverRate: string, sizes = true): SummaryRow {
  const r = rows.find(
    (x) =>
      x.design === design &&
      x.attack === attack &&
      x.sweep[0] === mixDelay &&
      x.sweep[1] === coverRate &&
      x.sweep[2] === sizes,
  );
  if (!r) throw new Error(`no row ${design} ${attack} ${mixDelay} ${coverRate} ${sizes}`);
  return r;
}

/** Standard error of a top1 mean over its scored deliveries (each a value in [0, 1]). */
const se = (r: SummaryRow) => top1Se(r);

describe('anonymity trilemma: the price of unlinkability against a global passive adversary', () => {
  it('runs the eight cells for every design and attack', () => {
    expect(rows.length).toBe(8 * DESIGNS.length * ATTACKS.length);
    expect(new Set(rows.map((r) => r.sweep.slice(0, 2).join(' ')))).toEqual(
      new Set(['0s 0/s', '0s 2/min', '10s 0/s', '10s 2/min']),
    );
  });

  it.each(DESIGNS.flatMap((d) => ATTACKS.map((a) => [d, a])))(
    '%s × %s: adding delay or cover never raises top1 beyond 4σ',
    (design, attack) => {
      for (const sizes of [true, false]) {
        const base = row(design, attack, '0s', '0/s', sizes);
        for (const [delay, cover] of [
          ['10s', '0/s'],
          ['0s', '2/min'],
          ['10s', '2/min'],
        ]) {
          const r = row(design, attack, delay, cover, sizes);
          const tol = 4 * Math.hypot(se(base), se(r));
          expect(r.top1, `${delay} ${cover} sizes ${sizes}: ${r.top1} vs ${base.top1}`).toBeLessThanOrEqual(
            base.top1 + tol,
          );
        }
      }
    },
  );

  it.each(DESIGNS)('%s: a 10 s mean mixing delay at least halves size-blind timing correlation', (design) => {
    const mixed = row(design, 'timing', '10s', '0/s', false).top1;
    expect(mixed).toBeLessThan(row(design, 'timing', '0s', '0/s', false).top1 / 2);
  });

  // Read sizes, and mixing is undone where every hop changes a payload's size by a fixed amount
  // (Session's onion layers, Matrix's PDU framing; results.md §3): it still halves timing where
  // sizes do not betray the path (Signal: one hop; SimpleX: one block size).
  it.each(['signal', 'simplex'])(
    '%s: a 10 s mean mixing delay halves it against an observer reading sizes',
    (design) => {
      expect(row(design, 'timing', '10s', '0/s').top1).toBeLessThan(row(design, 'timing', '0s', '0/s').top1 / 2);
    },
  );

  it.each(DESIGNS)('%s: delay costs latency and cover costs bytes', (design) => {
    const base = row(design, 'timing', '0s', '0/s');
    expect(row(design, 'timing', '10s', '0/s').latency_p50_ms).toBeGreaterThan(base.latency_p50_ms + 5000);
    expect(row(design, 'timing', '0s', '2/min').bytes_per_message).toBeGreaterThan(base.bytes_per_message * 1.5);
  });
});

describe('mixnet reference: more delay or more cover never helps the global passive adversary', () => {
  const at = (attack: string, delay: string, cover: string, payload = '0/s'): SummaryRow => {
    const r = mixRows.find(
      (x) => x.attack === attack && x.sweep[0] === delay && x.sweep[1] === cover && x.sweep[2] === payload,
    );
    if (!r) throw new Error(`no mixnet row ${attack} ${delay} ${cover} ${payload}`);
    return r;
  };

  it.each(ATTACKS)('%s: within 4σ of the 20 ms, no-cover, no-slot cell or below', (attack) => {
    const base = at(attack, '20ms', '0/s');
    for (const delay of ['20ms', '1s'])
      for (const cover of ['0/s', '4/min'])
        for (const payload of ['0/s', '4/min']) {
          const r = at(attack, delay, cover, payload);
          expect(r.top1, `${delay} ${cover} ${payload}`).toBeLessThanOrEqual(
            base.top1 + 4 * Math.hypot(se(base), se(r)),
          );
        }
  });

  it('payload slots: timing as low as the same rate of drop cover on top (4σ), at the price of the slot wait', () => {
    const slotted = at('timing', '20ms', '0/s', '4/min');
    const dropOnTop = at('timing', '20ms', '4/min', '0/s');
    expect(slotted.top1).toBeLessThanOrEqual(dropOnTop.top1 + 4 * Math.hypot(se(slotted), se(dropOnTop)));
    // Slots at 4/min at least halve timing against the undefended cell. (With the timing attack's
    // fixed 32-row scan the cut looked like 4×; the adaptive scan of dd57990 reads further back
    // and measures 0.80 -> 0.24, about 3.3×: the defence is weaker than the old attack said.)
    expect(slotted.top1).toBeLessThan(at('timing', '20ms', '0/s').top1 / 2);
    // A message written into an empty queue waits Exp(15 s) for its slot: median ≥ 15 s · ln 2 more.
    expect(slotted.latency_p50_ms).toBeGreaterThan(dropOnTop.latency_p50_ms + 15_000 * Math.LN2 * 0.8);
  });

  // Per-message timing is near the blind guess there. Flow is not: it scores each delivery by who
  // talks to the recipient (pair scores over the run) times the delivery's own timing, and drop
  // cover hides neither (0.668 without defences, 0.052 here = 16× the guess; 0.018 ranking each
  // delivery by the pair scores alone). Delay and cover still cut it by more than 4×.
  it('with 1 s per mix and 4 drop packets a minute timing is within 10× of the blind guess', () => {
    expect(at('timing', '1s', '4/min').top1).toBeLessThan(10 / USERS);
    expect(at('flow', '1s', '4/min').top1).toBeLessThan(at('flow', '20ms', '0/s').top1 / 4);
  });
});
