/**
 * The protocol-aware timing observer through the pipeline (scenario text → simulate → global
 * passive view → timing → summary), against the nearest-send closed form of
 * attacks-and-validation.md A1 (per-message timing matching, Gaussian jitter; V10 family).
 *
 * Signal, 1000 users sending 1:1 messages at 1/min (Λ = 16.67/s), fixed 100 B content so no
 * send differs from another by size, constant 30 ms links, processing normal(50 ms, σ) at the
 * service, no receipts, no linked devices, no replies, always online. The observer traces each delivery to the
 * upload that caused it; the only uncertainty is the processing time J, so
 *   top1 = E[e^{−Λ·ℓ(J)}],  ℓ(J) = 2|J − μ| (J ≤ 2μ), J (J > 2μ)
 * (Palm: other sends are Poisson(Λ) whatever the true one; MAP = the send whose dwell is
 * nearest μ, among those before the delivery). Without truncation at 0 this is
 * 2·e^{2Λ²σ²}·Φ(−2Λσ); normal(50 ms, σ) is truncated at 0, which matters from σ = 20 ms on.
 * Each recipient answers every delivery with a 64 B ack, and every device exchanges a keepalive
 * with the service every 55 s (background traffic, phases uniform: the sockets opened before the
 * run). The size-reading observer (default) rules both out; the size-blind one (`sizes: false`)
 * counts each ack and each keepalive request reaching the service as a possible cause: the same
 * formula at Λ' = 2Λ + U/55 s (the superposed keepalives of 1000 devices with independent
 * uniform phases are locally Poisson: a dwell window of ~0.1 s holds Binomial(1000, 0.1/55) of them).
 * 0.880 → 0.786 (acks) → 0.692 (and keepalives) at σ = 5 ms.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioText } from '../run-scenario.js';

const U = 1000;
const LAMBDA = U / 60; // per s
const MU = 0.05; // s
const SIGMAS = [5, 10, 20, 40];
/** Keepalive requests reaching the service per s (signal keepaliveInterval default 55 s, every device always online). */
const KEEPALIVES = U / 55;

/** The scenario; `sizes: false` adds the size-blind observer's parameter (the default reads sizes). */
const scenario = (sizeBlind: boolean) => `
name: signal-gaussian-processing
seed: 12
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
${sizeBlind ? 'attackParams: { timing: { sizes: false } }' : ''}
sweep:
  designs.0.processing: [${SIGMAS.map((s) => `"normal(50ms, ${s}ms)"`).join(', ')}]
`;

let aware: SummaryRow[] = [];
let blind: SummaryRow[] = [];
beforeAll(async () => {
  aware = await runScenarioText(scenario(false));
  blind = await runScenarioText(scenario(true));
}, 120_000);

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** E[e^{−λ·ℓ(J)}] for J ~ normal(μ, σ) truncated at 0 (midpoint rule, 2·10^5 steps over μ + 12σ). */
function accuracy(lambda: number, sigma: number): number {
  const n = 200_000;
  const top = MU + 12 * sigma;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const j = ((i + 0.5) / n) * top;
    const f = Math.exp(-0.5 * ((j - MU) / sigma) ** 2);
    num += f * Math.exp(-lambda * (j <= 2 * MU ? 2 * Math.abs(j - MU) : j));
    den += f;
  }
  return num / den;
}

const untruncated = (lambda: number, sigma: number) =>
  2 * Math.exp(2 * lambda * lambda * sigma * sigma) * normalCdf(-2 * lambda * sigma);

function row(rows: SummaryRow[], sigma: number): SummaryRow {
  const r = rows.find((x) => x.sweep[0] === `normal(50ms, ${sigma}ms)`);
  if (!r) throw new Error(`no row for σ = ${sigma} ms`);
  return r;
}

function check(r: SummaryRow, lambda: number, sigma: number): void {
  const acc = accuracy(lambda, sigma);
  // Sender level: a wrong pick still names the true sender with probability ≈ 1/U.
  const p = acc + (1 - acc) / U;
  const sd = Math.sqrt((p * (1 - p)) / r.deliveries);
  // ε_model, one-sided: the adversary's law is a histogram (log bins, ≤ 2.5 % of the delay wide
  // at 50 ms), so the true send ties with another in its bin with probability ≈ λ·b and wins
  // half of those: acc·λ·b/4.
  const eps = (acc * lambda * 0.025 * MU) / 4;
  expect(r.deliveries).toBeGreaterThan(15_000);
  expect(r.top1, `σ = ${sigma * 1e3} ms: ${r.top1} vs ${p} ± ${4 * sd}`).toBeGreaterThan(p - 4 * sd - eps);
  expect(r.top1, `σ = ${sigma * 1e3} ms: ${r.top1} vs ${p} ± ${4 * sd}`).toBeLessThan(p + 4 * sd);
}

describe('timing through the pipeline: Gaussian processing at the Signal service', () => {
  it('the closed form: truncation at 0 is negligible up to σ = 10 ms, not beyond', () => {
    for (const s of [5, 10])
      expect(Math.abs(accuracy(LAMBDA, s / 1e3) - untruncated(LAMBDA, s / 1e3))).toBeLessThan(1e-4);
    expect(untruncated(LAMBDA, 0.005)).toBeCloseTo(0.8798, 4);
    expect(untruncated(LAMBDA, 0.02)).toBeCloseTo(0.6307, 3);
    expect(accuracy(LAMBDA, 0.04)).toBeGreaterThan(untruncated(LAMBDA, 0.04) + 0.03);
    expect(untruncated(2 * LAMBDA + KEEPALIVES, 0.005)).toBeCloseTo(0.692, 3);
  });

  for (const sigma of SIGMAS) {
    it(`σ = ${sigma} ms, default observer: top1 = E[e^{−Λℓ(J)}] (4σ); acks are not sends`, () => {
      check(row(aware, sigma), LAMBDA, sigma / 1e3);
    });
    it(`σ = ${sigma} ms, size-blind: every 64 B ack and keepalive counts as a cause, the same law at 2Λ + U/55 s`, () => {
      check(row(blind, sigma), 2 * LAMBDA + KEEPALIVES, sigma / 1e3);
    });
  }
});
