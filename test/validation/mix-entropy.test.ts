// V22 (attacks-and-validation Part B): the sender anonymity of one output of a continuous-time
// exponential mix with Poisson input tends to log2(e·λ/μ) bits (Danezis, PET 2004), built from
// the real pipeline: workload → mixnet design (1 layer × 1 mix, constant link latency, no
// processing, no cover) → global passive view (observe) → delay models (dwellModel,
// endToEndModel over buildTargets). Also: with the global passive adversary and the timing
// attack, a shorter mix delay deanonymises more (monotonicity on a small scenario).
import { describe, expect, it } from 'vitest';
import { histogramModel } from '../../src/adversary/delay-model.js';
import { buildTargets, dwellModel, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput } from '../../src/attacks/attack.js';
import { timing } from '../../src/attacks/timing.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { MIN, parseRate, SEC } from '../../src/core/time.js';
import { mixnet } from '../../src/designs/mixnet/index.js';
import { evaluate } from '../../src/metrics/index.js';
import { Role } from '../../src/net/hosts.js';
import { ipIndex } from '../../src/pipeline/job.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { runDesign, spec } from '../designs/harness.js';

interface RunOpts {
  users: number;
  rate: string;
  duration: number;
  seed: number;
  latency: string;
  processing: string;
  design: Record<string, string | number>;
}

/** The harness's workload spec with 1:1 traffic only, fixed 100 B messages, desktop devices. */
function simulate(o: RunOpts) {
  const w = generateWorkload(
    spec(o.users, o.duration, {
      // Users without contacts send nothing; with 20 mean contacts P(none) ≈ e^−20, so the
      // aggregate input rate is users × rate (with 4 it would be ≈1.8 % short: 8.061 bits, not 8.087).
      contacts: 20,
      rate: parseRate(o.rate),
      replyProbability: 0,
      messageSize: parseDist('100', 'number'),
      groups: { count: 0, size: 2, rate: 0 },
      platforms: { android: 0, ios: 0 },
    }),
    new Streams(o.seed),
  );
  return runDesign(mixnet, w, o.design, o.seed, o.duration, {
    latency: o.latency,
    processing: o.processing,
    netStream: 'design/mixnet/net',
  });
}

function gpa(hostCount: number): View {
  return { name: 'gpa', kind: 'global-passive', held: new Uint8Array(hostCount), global: true };
}

/** Entropy (bits) of the normalised weights. */
function entropy(weights: number[]): number {
  let s = 0;
  for (const x of weights) s += x;
  let h = 0;
  for (const x of weights) if (x > 0) h -= (x / s) * Math.log2(x / s);
  return h;
}

describe('V22 continuous-time exponential mix: entropy → log2(eλ/μ)', () => {
  // λ = 8000 users × 1/80 s = 100/s into the one mix; 1/μ = 1 s ⇒ λ/μ = 100 ⇒ 8.087 bits.
  const U = 8000;
  const MEAN = SEC;
  const DURATION = 70 * SEC;
  const opts: RunOpts = {
    users: U,
    rate: '1/80s',
    duration: DURATION,
    seed: 22,
    latency: '20ms',
    processing: '0ms',
    design: { layers: 1, mixesPerLayer: 1, providers: 1, mixDelay: '1s', loopRate: '0/s', dropRate: '0/s' },
  };

  it('λ/μ = 100 → 8.087 bits (±0.05)', () => {
    const expected = Math.log2((Math.E * 100) / 1);
    expect(expected).toBeCloseTo(8.087, 3);
    const { log, truth, hosts, built } = simulate(opts);
    const mix = built.infra.find((h) => hosts.role[h] === Role.mix) as number;
    const { obs, rowOf, obsOf } = observe(log, gpa(hosts.count));
    // The questions the pipeline asks: deliveries after a warm-up of many mean delays (the mix
    // must be in its stationary regime), and before the input stops (end effects).
    const scored = scoredDeliveries(truth, 20 * SEC);
    const targets = buildTargets(log, truth, scored, obs, obsOf);
    // Inputs to the mix, as the global observer sees them (arrival times at the mix).
    const inputs: number[] = [];
    for (let j = 0; j < obs.length; j++) if (obs.to[j] === mix) inputs.push(obs.tRx[j]);
    inputs.sort((a, b) => a - b);
    // The delay model the pipeline measures at infrastructure parties, restricted to the mix
    // (dwellModel pools every party; the provider's near-zero dwells would swamp the histogram).
    const mixDwell: number[] = [];
    for (let i = 0; i < log.length; i++) {
      if (log.from[i] === mix && log.prev[i] >= 0) mixDwell.push(log.tTx[i] - log.tRx[log.prev[i]]);
    }
    const hist = histogramModel(mixDwell);
    // The pooled model is what the timing attack gets; it must contain the mix's dwells.
    expect(dwellModel(log, U).samples).toBeGreaterThan(mixDwell.length);
    expect(endToEndModel(log, obs, rowOf, targets).samples).toBeGreaterThan(0);
    const mu = 1 / MEAN;
    let exactSum = 0;
    let histSum = 0;
    let n = 0;
    for (let k = 0; k < targets.count; k++) {
      const a = targets.anchor[k];
      expect(a).toBeGreaterThanOrEqual(0);
      // The mix's output on this delivery's chain: the question "which input is this output?".
      let row = rowOf[a];
      while (log.from[row] !== mix) row = log.prev[row];
      const t = obs.tTx[obsOf[row]];
      if (t > DURATION - 10 * MEAN) continue;
      // Candidates: every input that arrived at or before the output left, back ~40 mean delays.
      const exact: number[] = [];
      const approx: number[] = [];
      for (let i = inputs.length - 1; i >= 0; i--) {
        const age = t - inputs[i];
        if (age < 0) continue;
        if (age > 40 * MEAN) break;
        exact.push(mu * Math.exp(-mu * age));
        approx.push(hist.pdf(age));
      }
      exactSum += entropy(exact);
      histSum += entropy(approx);
      n++;
    }
    expect(n).toBeGreaterThan(2000);
    const hExact = exactSum / n;
    const hHist = histSum / n;
    // Exact exponential posterior over the observed candidate inputs: the V22 number.
    expect(Math.abs(hExact - expected)).toBeLessThan(0.05);
    // The histogram (the adversary's measured model) is coarser: tolerance 0.15 bits.
    expect(Math.abs(hHist - expected)).toBeLessThan(0.15);
  });
});

describe('mixnet timing attack: a longer mix delay hides more', () => {
  it('top1 for mixDelay 50ms ≥ top1 for 500ms, beyond the 4σ interval', () => {
    const top1 = (mixDelay: string) => {
      const s = simulate({
        users: 150,
        rate: '1/min',
        duration: 10 * MIN,
        seed: 5,
        latency: 'uniform(20ms, 60ms)',
        processing: mixnet.processing.default,
        // Only answered fetches are rows: with Loopix's fixed replies every fetch looks alike and
        // the attack is at the blind guess for both delays (tested in test/designs/mixnet.test.ts).
        design: { mixDelay, fetchInterval: '200ms', loopRate: '1/min', dropRate: '1/min', fetchReply: 'stored' },
      });
      const { obs, rowOf, obsOf } = observe(s.log, gpa(s.hosts.count));
      const scored = scoredDeliveries(s.truth, MIN);
      const targets = buildTargets(s.log, s.truth, scored, obs, obsOf);
      const input: AttackInput = {
        users: s.w.users,
        obs,
        ...ipIndex(s.hosts),
        targets,
        endToEnd: endToEndModel(s.log, obs, rowOf, targets),
        dwell: dwellModel(s.log, s.w.users),
        duration: 10 * MIN,
        params: {},
      };
      const result = timing.run(input);
      const sender = Int32Array.from(scored, (d) => s.truth.sender[d]);
      const m = evaluate(result, targets, sender, s.w.users).metrics;
      return { p: m.top1, n: m.deliveries };
    };
    const fast = top1('50ms');
    const slow = top1('500ms');
    const sd = Math.sqrt((fast.p * (1 - fast.p)) / fast.n + (slow.p * (1 - slow.p)) / slow.n);
    expect(fast.n).toBeGreaterThan(500);
    expect(fast.p - slow.p).toBeGreaterThan(4 * sd);
  });
});
