/**
 * V15 (intersection attack, m = 1) and V17 (statistical disclosure attack) from
 * attacks-and-validation.md Part B, on synthetic rounds, with the estimators the attacks use
 * (RoundIntersection; sdaEstimate). A run is the unit of independence.
 */
import { describe, expect, it } from 'vitest';
import { sdaEstimate } from '../../src/attacks/windowed/estimators.js';
import { RoundIntersection } from '../../src/attacks/windowed/intersection.js';
import { randInt, Streams, sampleWithoutReplacement } from '../../src/core/rng.js';
import { topM } from './windowed-world.js';

describe('V15: intersection attack, single contact (N = 1000, b = 10, m = 1)', () => {
  const N = 1000;
  const b = 10;
  const runs = 20000;
  const q = (b - 1) / (N - 1);

  it('E[false candidates] = 999·q^t and P(unique) ≈ (1 − q^t)^999', () => {
    const rng = new Streams(15).stream('v15');
    const falseSum = [0, 0, 0];
    const falseSq = [0, 0, 0];
    const unique = [0, 0, 0];
    for (let run = 0; run < runs; run++) {
      const bob = randInt(rng, N);
      const it = new RoundIntersection(N);
      for (let t = 0; t < 3; t++) {
        // Bob plus b − 1 distinct non-Bob recipients, uniform without replacement.
        const others = sampleWithoutReplacement(rng, N - 1, b - 1);
        const round = [bob, ...Array.from(others, (x) => (x >= bob ? x + 1 : x))];
        it.add(round);
        const cand = it.candidates();
        expect(cand.includes(bob)).toBe(true);
        const f = cand.length - 1;
        falseSum[t] += f;
        falseSq[t] += f * f;
        if (f === 0) unique[t]++;
      }
    }
    for (let t = 1; t <= 3; t++) {
      const eF = (N - 1) * q ** t;
      const mean = falseSum[t - 1] / runs;
      const sd = Math.sqrt(Math.max(0, falseSq[t - 1] / runs - mean * mean));
      // Model SD from the closed form where the sample shows no spread (t = 1 is exact).
      const tolE = (4 * Math.max(sd, Math.sqrt(eF * (1 - q)))) / Math.sqrt(runs) + (t === 1 ? 1e-12 : 0);
      const pU = (1 - q ** t) ** (N - 1);
      const pHat = unique[t - 1] / runs;
      const tolP = 4 * Math.sqrt((pU * (1 - pU)) / runs) + 0.01;
      console.log(
        `V15 t=${t}: E[false] ${mean.toFixed(5)} (closed form ${eF.toFixed(5)} ± ${tolE.toFixed(5)}), ` +
          `P(unique) ${pHat.toFixed(4)} (≈ ${pU.toFixed(4)} ± ${tolP.toFixed(4)})`,
      );
      if (t === 1) expect(mean).toBe(9);
      else expect(Math.abs(mean - eF)).toBeLessThanOrEqual(tolE);
      expect(Math.abs(pHat - pU)).toBeLessThanOrEqual(tolP);
    }
  });
});

describe('V17: statistical disclosure attack (N = 1000, m = 10, b = 10)', () => {
  const N = 1000;
  const m = 10;
  const b = 10;
  const runs = 200;

  /** One run: Alice sends one message per round to a uniform friend; b − 1 others uniform with replacement. */
  function run(rng: () => number, t: number): { v: Float64Array; friend: Uint8Array } {
    const friends = sampleWithoutReplacement(rng, N, m);
    const friend = new Uint8Array(N);
    for (const f of friends) friend[f] = 1;
    const counts = new Float64Array(N);
    for (let i = 0; i < t; i++) {
      counts[friends[randInt(rng, m)]]++;
      for (let k = 0; k < b - 1; k++) counts[randInt(rng, N)]++;
    }
    // Danezis: v̂_j = mean count_j − (b − 1)/N, i.e. O_T = count, M_T = t, B_T = t·b, û = 1/N.
    const v = counts.map((c) => sdaEstimate(c, t, t * b, 1 / N));
    return { v, friend };
  }

  it('the estimator is unbiased and the non-friend variance is (b − 1)(N − 1)/(N²t)', () => {
    const t = 68;
    const rng = new Streams(17).stream('v17/moments');
    let fSum = 0;
    let fN = 0;
    let nSum = 0;
    let nSq = 0;
    const nonFriend: number[] = [];
    for (let r = 0; r < runs; r++) {
      const { v, friend } = run(rng, t);
      for (let j = 0; j < N; j++) {
        if (friend[j]) {
          fSum += v[j];
          fN++;
        } else {
          nSum += v[j];
          nSq += v[j] * v[j];
          nonFriend.push(v[j]);
        }
      }
    }
    const nN = nonFriend.length;
    const fMean = fSum / fN;
    const nMean = nSum / nN;
    const varExp = ((b - 1) * (N - 1)) / (N * N * t);
    // Friend count per round: Bernoulli(1/m) + Binomial(b − 1, 1/N).
    const fVar = ((1 / m) * (1 - 1 / m) + ((b - 1) / N) * (1 - 1 / N)) / t;
    expect(Math.abs(fMean - 1 / m)).toBeLessThanOrEqual(4 * Math.sqrt(fVar / fN));
    expect(Math.abs(nMean)).toBeLessThanOrEqual(4 * Math.sqrt(varExp / nN));
    // Sample variance about the known mean 0, with its SE from the fourth moment.
    const s2 = nSq / nN;
    let m4 = 0;
    for (const x of nonFriend) m4 += x ** 4;
    m4 /= nN;
    const se = Math.sqrt((m4 - s2 * s2) / nN);
    console.log(
      `V17 t=68: friend mean ${fMean.toFixed(5)} (0.1), non-friend mean ${nMean.toExponential(2)} (0), ` +
        `variance ${s2.toExponential(4)} (closed form ${varExp.toExponential(4)} ± ${(4 * se).toExponential(2)})`,
    );
    expect(Math.abs(s2 - varExp)).toBeLessThanOrEqual(4 * se);
  });

  for (const [t, fracRef, allRef] of [
    [68, 0.893, 0.207],
    [151, 0.996, 0.963],
  ] as const) {
    it(`t = ${t}: mean fraction recovered ${fracRef} ± 0.03, P(all) ${allRef} ± 4σ`, () => {
      const rng = new Streams(17).stream(`v17/${t}`);
      let frac = 0;
      let all = 0;
      for (let r = 0; r < runs; r++) {
        const { v, friend } = run(rng, t);
        const o = topM(v, friend, m);
        frac += o.frac;
        all += o.all;
      }
      frac /= runs;
      all /= runs;
      const tolAll = 4 * Math.sqrt((allRef * (1 - allRef)) / runs);
      console.log(
        `V17 t=${t}: fraction ${frac.toFixed(4)} (MC ref ${fracRef} ± 0.03), P(all) ${all.toFixed(4)} (${allRef} ± ${tolAll.toFixed(3)})`,
      );
      expect(Math.abs(frac - fracRef)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(all - allRef)).toBeLessThanOrEqual(tolAll);
    });
  }
});
