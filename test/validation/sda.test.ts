/**
 * V17 (statistical disclosure, Danezis 2003) with the background estimated from the rounds without
 * the target (Mathewson & Dingledine 2004), through the pipeline: scenario text → the pipeline's
 * simulate and see (global passive view) → disclosure `method: sda` → its estimates v̂(a → R) from the
 * attack's own window series and sweep → the attack's pair ranking.
 *
 * Validation world as V15 (test/validation/intersection.test.ts): constant 30 ms links, no
 * processing, no receipts, replies, groups or linked devices, always online, uniform contact
 * weights, 10 contacts on average. R's target rounds are the epochs (E = 5 s) with a row into R's
 * device: a delivery (its round is its send's epoch, the 60 ms delay being the shift) or the 200
 * response to R's own upload (the epoch of R's send). Per round the estimator counts rows leaving
 * devices. With N_{a→R} messages from a to R, N_{R→a} from R to a and M = N_D + N_S rows into R
 * (all deliveries to R plus R's sends), a's rows in R's rounds are its sends to R, its acks of R's
 * messages (in the same epoch unless the 60 ms to reach a crosses its end: probability δ/E) and a
 * Poisson background of rate r_a (everything else a sends or acks), so
 *
 *   E[v̂(a → R)] = (N_{a→R} + (1 − δ/E)·N_{R→a} − (N_D + (1 − δ/E)·N_S)·r_a/Σ_v r_v) / M
 *
 * (the background term: R's own rows in its rounds inflate B_T − M_T by about M, each carrying a's
 * share r_a/Σr of the background; û's own noise over ~240 epochs is neglected). SD per pair:
 * √(r_a·t·E + N_{R→a}·(δ/E)(1 − δ/E))/M over R's t rounds. Checked over every partner pair and
 * every non-partner pair (4σ, pairs as units). Then V17's finding: the share of R's m partners
 * among the m best estimates grows with the rounds observed (Danezis's t*(l): the separation grows
 * as √t), for the same recipients at half and at the end of the run. (V17's reference fractions,
 * 0.893 and 0.207 at t = 68, belong to a threshold mix with exactly b messages a round and one of
 * Alice's in each; no messenger here batches, so they are not a reference for this world.)
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AttackInput } from '../../src/attacks/attack.js';
import { prepareDisclosure } from '../../src/attacks/disclosure.js';
import type { WindowSeries } from '../../src/attacks/windowed/series.js';
import { SDA } from '../../src/attacks/windowed/statistics.js';
import { IpSweep } from '../../src/attacks/windowed/sweep.js';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { ipIndex, see, simulate } from '../../src/pipeline/job.js';
import { resolveScenario } from '../../src/scenario/index.js';
import { topM, validationWorld } from './windowed-world.js';

const N = 1000;
const E = 5e9;
const DELTA = 60e6;
const TEXT = validationWorld({ name: 'v17-pipeline', seed: 17, users: N, contacts: 10, rate: '1/min', method: 'sda' });

describe('V17 through the pipeline: SDA with the background from the rounds without R', () => {
  const s = resolveScenario(parse(TEXT), 'v17.yaml').scenario!;
  const streams = new Streams(replicateSeed(s.seed, 0));
  const item = s.designs[0];
  const world = simulate(s, item, DESIGNS.get(item.design)!, streams);
  const seen = see(world, s.adversaries[0], s.warmup, streams.sub(`adversary/${item.name}`));
  const input: AttackInput = {
    users: N,
    ...seen,
    ...ipIndex(world.hosts),
    dwell: { pdf: () => 0, lo: 0, hi: 0, samples: 0 },
    duration: s.duration,
    // The closed form counts message rows and their acks and 200s; every device's keepalives would
    // add a periodic rate the view's size laws (not built here) would rule out: stripped.
    params: { ...s.attackParams.disclosure, background: 'stripped' },
  };
  const series = prepareDisclosure(input).series as WindowSeries;
  const w = world.workload;
  const lambda = s.workload.rate;
  const deg = (u: number) => w.adjStart[u + 1] - w.adjStart[u];
  // Messages per ordered pair (everyone is always online: every message sent is delivered).
  const count = new Map<number, number>();
  const sent = new Float64Array(N);
  const received = new Float64Array(N);
  for (let m = 0; m < w.count; m++) {
    if (w.tSend[m] >= s.duration) continue;
    const key = w.sender[m] * N + w.recipient[m];
    count.set(key, (count.get(key) ?? 0) + 1);
    sent[w.sender[m]]++;
    received[w.recipient[m]]++;
  }
  const n = (a: number, b: number) => count.get(a * N + b) ?? 0;
  // Rows leaving v's device per ns: its sends and one ack per message delivered to it.
  const rate = new Float64Array(N);
  for (let c = 0; c < N; c++) {
    if (deg(c) === 0) continue;
    rate[c] += lambda;
    for (let k = w.adjStart[c]; k < w.adjStart[c + 1]; k++) rate[w.adj[k]] += lambda / deg(c);
  }
  const totalRate = rate.reduce((x, y) => x + y, 0);

  it('E[v̂] and its spread for every partner and non-partner pair (4σ over pairs)', () => {
    const sweep = new IpSweep(series, SDA);
    const sums = { partner: { n: 0, d: 0, v: 0 }, other: { n: 0, d: 0, v: 0 } };
    for (let R = 0; R < N; R++) {
      sweep.begin(R);
      if (!sweep.atEnd()) continue;
      const M = sweep.syPref;
      const rounds = series.yStart[R + 1] - series.yStart[R];
      // Every row into R is a delivery or the 200 response to one of R's uploads.
      expect(M).toBe(received[R] + sent[R]);
      const leak = DELTA / E;
      const bgRows = received[R] + (1 - leak) * sent[R];
      for (let a = 0; a < N; a++) {
        if (a === R) continue;
        const toR = n(a, R);
        const fromR = n(R, a);
        // a's background: everything but its sends to R and its acks of R's messages.
        let rA = rate[a];
        for (let k = w.adjStart[a]; k < w.adjStart[a + 1]; k++) if (w.adj[k] === R) rA -= lambda / deg(a);
        for (let k = w.adjStart[R]; k < w.adjStart[R + 1]; k++) if (w.adj[k] === a) rA -= lambda / deg(R);
        const want = (toR + (1 - leak) * fromR - (bgRows * rA) / totalRate) / M;
        const variance = (rA * rounds * E + fromR * leak * (1 - leak)) / (M * M);
        const got = sweep.scoreIp(series.userIp[a]);
        const bin = toR + fromR > 0 ? sums.partner : sums.other;
        bin.n++;
        bin.d += got - want;
        bin.v += variance;
      }
    }
    for (const [name, b] of Object.entries(sums)) {
      console.log(
        `V17 ${name} pairs (${b.n}): mean v̂ − closed form ${(b.d / b.n).toExponential(3)} ` +
          `(4σ = ${((4 * Math.sqrt(b.v)) / b.n).toExponential(3)})`,
      );
      expect(b.n).toBeGreaterThan(name === 'partner' ? 5000 : 500_000);
      expect(Math.abs(b.d)).toBeLessThanOrEqual(4 * Math.sqrt(b.v));
    }
  });

  it("the share of R's partners in its top m grows with the rounds observed (same recipients, half the run vs all of it)", () => {
    const sweep = new IpSweep(series, SDA);
    const score = new Float64Array(N);
    const partner = new Uint8Array(N);
    const diffs: number[] = [];
    let half = 0;
    let all = 0;
    for (let R = 0; R < N; R++) {
      let m = 0;
      for (let a = 0; a < N; a++) {
        partner[a] = a !== R && n(a, R) + n(R, a) > 0 ? 1 : 0;
        m += partner[a];
      }
      if (m === 0) continue;
      const fraction = (ok: boolean): number => {
        for (let a = 0; a < N; a++)
          score[a] = a === R || !ok ? Number.NEGATIVE_INFINITY : sweep.scoreIp(series.userIp[a]);
        return topM(score, partner, m).frac;
      };
      sweep.begin(R);
      const f1 = fraction(sweep.at(s.duration / 2));
      const f2 = fraction(sweep.atEnd());
      half += f1;
      all += f2;
      diffs.push(f2 - f1);
    }
    const k = diffs.length;
    const mu = (all - half) / k;
    const se = Math.sqrt(diffs.reduce((t, d) => t + (d - mu) ** 2, 0) / (k - 1) / k);
    console.log(
      `V17 partners in top m: half the run ${(half / k).toFixed(3)}, all of it ${(all / k).toFixed(3)} (${k} recipients)`,
    );
    expect(mu).toBeGreaterThan(4 * se);
  });
});
