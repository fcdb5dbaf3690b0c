/**
 * V14 (attacks-and-validation.md, Part B): interval-count cross-correlation. A Poisson flow and
 * its relayed copy (known delay d removed, one-sided jitter U(0, j)) have mean Pearson
 * ρ = 1 − j/(2W) for j ≤ W and W/(2j) for j ≥ W; independent flows have mean 0 and SD
 * 1/√(K − 1). The series and r come from the attack's own code (buildWindowSeries + IpSweep,
 * the path flow.run takes); a run is the unit: tolerance ±4·SD_run/√runs.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedLog } from '../../src/adversary/view.js';
import { buildWindowSeries } from '../../src/attacks/windowed/series.js';
import { PEARSON } from '../../src/attacks/windowed/statistics.js';
import { IpSweep } from '../../src/attacks/windowed/sweep.js';
import { type Rng, randExp, Streams } from '../../src/core/rng.js';
import { SEC } from '../../src/core/time.js';

/** Egress rows of user 0 at `send`, ingress rows of user 1 at `arrive` (host 2 relays). */
function twoSeriesLog(send: number[], arrive: number[]): ObservedLog {
  const n = send.length + arrive.length;
  const o: ObservedLog = {
    length: n,
    tTx: new Float64Array(n),
    tRx: new Float64Array(n),
    from: new Int32Array(n),
    to: new Int32Array(n),
    bytes: new Int32Array(n),
    prev: new Int32Array(n).fill(-1),
    sAcct: new Int32Array(n).fill(-1),
    rAcct: new Int32Array(n).fill(-1),
    obj: new Int32Array(n).fill(-1),
    heldFrom: new Uint8Array(n).fill(1),
    heldTo: new Uint8Array(n).fill(1),
  };
  let i = 0;
  for (const t of send) {
    o.tTx[i] = t;
    o.tRx[i] = t + 1;
    o.from[i] = 0;
    o.to[i] = 2;
    i++;
  }
  for (const t of arrive) {
    o.tTx[i] = t - 1;
    o.tRx[i] = t;
    o.from[i] = 2;
    o.to[i] = 1;
    i++;
  }
  return o;
}

function poisson(rng: Rng, rate: number, end: number): number[] {
  const out: number[] = [];
  for (let t = randExp(rng, 1 / rate); t < end; t += randExp(rng, 1 / rate)) out.push(t);
  return out;
}

/** Pearson r between user 0's egress and user 1's ingress, through the attack's code. */
function flowR(send: number[], arrive: number[], W: number, K: number, shift: number): number {
  const series = buildWindowSeries(
    {
      users: 2,
      obs: twoSeriesLog(send, arrive),
      hostIp: Int32Array.from([0, 1, 2]),
      ipStart: Int32Array.from([0, 1, 2, 2]),
      ipUsers: Int32Array.from([0, 1]),
      duration: K * W,
    },
    W,
    shift,
  );
  expect(series.windows).toBe(K);
  const sw = new IpSweep(series, PEARSON);
  sw.beginIp(1);
  sw.atEnd();
  return sw.scoreIp(0);
}

function meanSd(xs: number[]): { mean: number; sd: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(v) };
}

const rhoUniform = (j: number, W: number): number => (j <= W ? 1 - j / (2 * W) : W / (2 * j));

describe('V14: windowed Pearson correlation of a relayed Poisson flow', () => {
  const rate = 5 / SEC;
  const W = 1 * SEC;
  const K = 600;
  const d = 0.3 * SEC;
  const runs = 300;

  for (const [j, expected] of [
    [0.1, 0.95],
    [0.5, 0.75],
    [2, 0.25],
  ] as const) {
    it(`jitter U(0, ${j} s): mean ρ = ${expected}`, () => {
      expect(rhoUniform(j * SEC, W)).toBeCloseTo(expected, 12);
      const rng = new Streams(14).stream(`v14/${j}`);
      const rs: number[] = [];
      for (let run = 0; run < runs; run++) {
        const send = poisson(rng, rate, K * W);
        const arrive = send.map((t) => t + d + rng() * j * SEC);
        rs.push(flowR(send, arrive, W, K, d));
      }
      const { mean, sd } = meanSd(rs);
      const tol = (4 * sd) / Math.sqrt(runs);
      console.log(
        `V14 j=${j}s: mean r = ${mean.toFixed(4)} (closed form ${expected}), SD_run ${sd.toFixed(4)}, ±${tol.toFixed(4)}`,
      );
      expect(Math.abs(mean - expected)).toBeLessThanOrEqual(tol);
    });
  }

  it('independent flows: mean 0, SD 1/√(K − 1)', () => {
    const rng = new Streams(14).stream('v14/null');
    const rs: number[] = [];
    for (let run = 0; run < 400; run++) rs.push(flowR(poisson(rng, rate, K * W), poisson(rng, rate, K * W), W, K, d));
    const { mean, sd } = meanSd(rs);
    const sd0 = 1 / Math.sqrt(K - 1);
    console.log(`V14 null: mean r = ${mean.toFixed(4)} (0), SD ${sd.toFixed(4)} (closed form ${sd0.toFixed(4)})`);
    expect(Math.abs(mean)).toBeLessThanOrEqual((4 * sd) / Math.sqrt(rs.length));
    // SE of a sample SD ≈ σ/√(2(n − 1)).
    expect(Math.abs(sd - sd0)).toBeLessThanOrEqual((4 * sd0) / Math.sqrt(2 * (rs.length - 1)));
  });

  it('sparse messaging version: 1/60 s⁻¹, W = 60 s, K = 1440, j = 5 s → 0.9583', () => {
    const Ws = 60 * SEC;
    const Ks = 1440;
    const rng = new Streams(14).stream('v14/sparse');
    const rs: number[] = [];
    for (let run = 0; run < 200; run++) {
      const send = poisson(rng, 1 / (60 * SEC), Ks * Ws);
      rs.push(
        flowR(
          send,
          send.map((t) => t + d + rng() * 5 * SEC),
          Ws,
          Ks,
          d,
        ),
      );
    }
    const { mean, sd } = meanSd(rs);
    const tol = (4 * sd) / Math.sqrt(rs.length);
    console.log(
      `V14 sparse: mean r = ${mean.toFixed(4)} (closed form ${rhoUniform(5, 60).toFixed(4)}), ±${tol.toFixed(4)}`,
    );
    expect(Math.abs(mean - rhoUniform(5 * SEC, Ws))).toBeLessThanOrEqual(tol);
  });
});
