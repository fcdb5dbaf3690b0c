/**
 * Timing validation cases through the pipeline (scenario text → simulate → global passive view →
 * timing → summary / messages), against the closed forms of attacks-and-validation.md Part B.
 * The synthetic-star versions (timing.test.ts, mix-entropy.test.ts) stay beside these.
 *
 * V10, V11, V13 — Signal, 1000 users sending 1:1 messages at 1/min (Λ = 16.67/s), fixed 100 B
 * content, constant 30 ms links, no receipts, no linked devices, always online; the service's
 * processing J is the only jitter: U(0, w) → (1 − e^{−Λw})/(Λw), exp(1/μ) → μ/(μ + Λ), 0 → 1.
 * The adversary learns its delay laws on an independent run (its own test traffic): learnt on
 * the attacked run, each delivery's own delay sits in its histogram and flatters top1.
 *
 * V22 — the `mixnet` design with one provider and one exponential mix (1/μ = 1 s), 8000 users
 * at 1/80 s (λ = 100/s), constant 20 ms links, no processing, no cover, inbox fetched every
 * 0.1 ms and answered only when something waits (`fetchReply: stored`): the sender entropy of one delivery → log2(e·λ/μ) = 8.087 bits (Danezis 2004), top1 =
 * μ/(μ + λ) (V11 for the mix). Caps high enough that none cuts a posterior (manifest `caps`
 * empty): a real posterior. Before it was one, the default attack gave 12.94 bits (a uniform
 * fold of the tail into unlisted users) and scan = 32 would cut it to a few bits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult, SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioRows } from '../run-scenario.js';

const U = 1000;
const LAMBDA = U / 60; // per s
const PROCESSING: [string, (lambda: number) => number][] = [
  ['uniform(0ms, 10ms)', (l) => (1 - Math.exp(-l * 0.01)) / (l * 0.01)],
  ['uniform(0ms, 50ms)', (l) => (1 - Math.exp(-l * 0.05)) / (l * 0.05)],
  ['uniform(0ms, 200ms)', (l) => (1 - Math.exp(-l * 0.2)) / (l * 0.2)],
  ['exp(10ms)', (l) => 100 / (100 + l)],
  ['exp(50ms)', (l) => 20 / (20 + l)],
  ['exp(200ms)', (l) => 5 / (5 + l)],
  ['0ms', () => 1],
];
/** Mean of each law (s), for the histogram-tie allowance. */
const MEAN = [0.005, 0.025, 0.1, 0.01, 0.05, 0.2, 0];

let signal: RunResult;
let mix: RunResult;
const V22_DURATION = 70;

beforeAll(async () => {
  signal = await runScenarioRows(`
name: signal-processing-laws
seed: 10
duration: 20min
warmup: 1min
workload:
  users: ${U}
  contacts: 8
  rate: 1/min
  replyProbability: 0
  messageSize: "100"
  groups: { count: 0 }
  online: { model: always }
network:
  latency: 30ms
designs:
  - { design: signal, deliveryReceipts: false, readReceipts: false, linkedDevices: 0 }
adversaries:
  - kind: global-passive
attacks: [timing]
attackParams: { timing: { calibration: independent-run } }
sweep:
  designs.0.processing: [${PROCESSING.map(([p]) => `"${p}"`).join(', ')}]
`);
  mix = await runScenarioRows(
    `
name: v22-mix-entropy
seed: 22
duration: ${V22_DURATION}s
warmup: 20s
workload:
  users: 8000
  contacts: 20
  rate: 1/80s
  replyProbability: 0
  messageSize: "100"
  groups: { count: 0 }
  online: { model: always }
  platforms: { android: 0, ios: 0 }
network:
  latency: 20ms
designs:
  - design: mixnet
    layers: 1
    mixesPerLayer: 1
    providers: 1
    mixDelay: 1s
    loopRate: 0/s
    dropRate: 0/s
    fetchInterval: 0.1ms
    fetchReply: stored
    processing: 0ms
adversaries:
  - kind: global-passive
attacks: [timing]
attackParams:
  timing: { dwell: per-kind, calibration: independent-run, scan: 8192, beam: 8192, budget: 1000000 }
`,
    true,
  );
}, 180_000);

function row(p: string): SummaryRow {
  const r = signal.summary.find((x) => x.sweep[0] === p);
  if (!r) throw new Error(`no row for processing ${p}`);
  return r;
}

describe('V10, V11, V13 through the pipeline: Signal, the service’s processing is the jitter', () => {
  PROCESSING.forEach(([p, closed], k) => {
    it(`processing ${p}: top1 = closed form (4σ over deliveries)`, () => {
      const r = row(p);
      const acc = closed(LAMBDA);
      const want = acc + (1 - acc) / U; // sender level
      const sd = Math.sqrt(Math.max(want * (1 - want), 1e-4) / r.deliveries);
      // One-sided allowance: the learnt law is a histogram (log bins ≈ 3 % of the delay wide), so
      // the true send ties with another in its bin with probability ≈ Λ·b and wins half of those.
      const eps = (acc * LAMBDA * 0.03 * MEAN[k]) / 4;
      expect(r.deliveries).toBeGreaterThan(15_000);
      expect(r.top1, `${r.top1} vs ${want} ± ${4 * sd}`).toBeGreaterThan(want - 4 * sd - eps);
      expect(r.top1, `${r.top1} vs ${want} ± ${4 * sd}`).toBeLessThan(want + 4 * sd);
    });
  });

  it('V10 table values', () => {
    expect(PROCESSING[1][1](LAMBDA)).toBeCloseTo(0.67848, 4);
    expect(PROCESSING[4][1](LAMBDA)).toBeCloseTo(0.54545, 4);
  });
});

describe('V22 through the pipeline: one exponential mix, λ/μ = 100', () => {
  const expected = Math.log2(Math.E * 100);

  it('mean sender entropy of a delivery = log2(eλ/μ) = 8.087 bits (±0.1)', () => {
    expect(expected).toBeCloseTo(8.087, 3);
    // Deliveries whose mix output left once inputs had stopped have fewer candidates: leave the
    // last 10 mean delays out.
    const rows = mix.messages.filter((m) => m.delivered_ms <= (V22_DURATION - 10) * 1000);
    expect(rows.length).toBeGreaterThan(3000);
    const h = rows.reduce((a, m) => a + m.entropy_bits, 0) / rows.length;
    // The closed form counts inputs; a user sending twice within a few seconds merges two of them
    // (−0.04 bits at 8000 users, Monte Carlo), and the learnt histogram costs a few hundredths more.
    expect(Math.abs(h - expected), `${h} bits`).toBeLessThan(0.1);
  });

  it('top1 = μ/(μ + λ) (V11 for the mix, 4σ), far above the blind guess', () => {
    const r = mix.summary[0];
    const acc = 1 / 101;
    const want = acc + (1 - acc) / 8000;
    expect(r.top1).toBeGreaterThan(20 / 8000);
    expect(Math.abs(r.top1 - want)).toBeLessThan(4 * Math.sqrt((want * (1 - want)) / r.deliveries));
  });

  it('is a real posterior: no work cap cut it (manifest caps empty)', () => {
    expect(mix.caps ?? []).toEqual([]);
  });
});
