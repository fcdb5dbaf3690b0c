// V10, V11, V13 (attacks-and-validation Part B): a global passive adversary matching each
// delivery to a send by timing, on synthetic star traffic (test/metrics/synthetic-star.ts),
// through the real pipeline: observe → buildTargets → delay models → timing.run → evaluate.
import { describe, expect, it } from 'vitest';
import { buildTargets, dwellModel, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput } from '../../src/attacks/attack.js';
import { timing } from '../../src/attacks/timing.js';
import { exponential, uniform } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { evaluate } from '../../src/metrics/index.js';
import { type Star, star } from '../metrics/synthetic-star.js';

const MS = 1e6;
const SEC = 1e9;
const U = 1000;
const RATE = 1 / (60 * SEC); // per user
const LAMBDA = U / 60; // aggregate, per s
const D = 20 * MS;
const WARMUP = 10 * SEC;
const DURATION = 1300 * SEC; // ≈ 21 000 scored deliveries

function gpa(hosts: number): View {
  return { name: 'gpa', kind: 'global-passive', held: new Uint8Array(hosts), global: true };
}

/** The delay models as the pipeline measures them on `s` seen through `view`. */
function models(s: Star, view: View) {
  const users = s.hostIp.length - 1;
  const { obs, rowOf, obsOf } = observe(s.log, view);
  const targets = buildTargets(s.log, s.truth, scoredDeliveries(s.truth, WARMUP), obs, obsOf);
  return { endToEnd: endToEndModel(s.log, obs, rowOf, targets), dwell: dwellModel(s.log, users) };
}

/**
 * Runs the pipeline on `s`. The delay models come from `calibration` (an independent run with
 * the same parameters: the adversary's own test traffic) so that no target's own delay is
 * inside the model it is scored with; pass `s` itself to measure in-sample.
 */
function runPipeline(s: Star, view: View, calibration: Star, params: AttackInput['params'] = {}) {
  const users = s.hostIp.length - 1;
  const { obs, obsOf } = observe(s.log, view);
  const scored = scoredDeliveries(s.truth, WARMUP);
  const targets = buildTargets(s.log, s.truth, scored, obs, obsOf);
  const input: AttackInput = {
    users,
    obs,
    hostIp: s.hostIp,
    ipStart: s.ipStart,
    ipUsers: s.ipUsers,
    targets,
    ...models(calibration, view),
    duration: DURATION,
    params,
  };
  const result = timing.run(input);
  const sender = Int32Array.from(scored, (d) => s.truth.sender[d]);
  return { result, targets, input, evaluation: evaluate(result, targets, sender, users) };
}

/** 4σ binomial tolerance over M independent deliveries (Poisson ⇒ deliveries independent). */
function within4sigma(measured: number, p: number, m: number): number {
  return Math.abs(measured - p) / Math.sqrt((p * (1 - p)) / m);
}

const senderLevel = (acc: number) => acc + (1 - acc) / U;

/** Width (ns) of the constant piece of a piecewise-constant density around x. */
function binWidth(m: { pdf(x: number): number; lo: number; hi: number }, x: number): number {
  const v = m.pdf(x);
  const edge = (dir: number) => {
    let step = 1;
    let near = x; // last point known to be in the bin
    while (step < m.hi - m.lo) {
      const y = x + dir * step;
      if (y < m.lo || y > m.hi || m.pdf(y) !== v) break;
      near = y;
      step *= 2;
    }
    let far = x + dir * step;
    for (let k = 0; k < 64 && Math.abs(far - near) > 1; k++) {
      const mid = (near + far) / 2;
      if (mid >= m.lo && mid <= m.hi && m.pdf(mid) === v) near = mid;
      else far = mid;
    }
    return near;
  };
  return edge(1) - edge(-1);
}

/** E[f(K)] for K ~ Poisson(mean), summed until the terms vanish. */
function poissonMean(mean: number, f: (k: number) => number): number {
  let p = Math.exp(-mean);
  let s = 0;
  for (let k = 0; k < 200; k++) {
    s += p * f(k);
    p *= mean / (k + 1);
  }
  return s;
}


import { it as it2 } from 'vitest';
it2('report', () => {
  const rows: string[] = [];
  const cases: [string, number, (r: () => number) => number, number][] = [];
  for (const w of [10, 50, 200]) { const lw = LAMBDA * w / 1000; cases.push([`V10 U(0,${w}ms)`, w, uniform(0, w * MS).sample, (1 - Math.exp(-lw)) / lw]); }
  for (const mean of [10, 50, 200]) { const mu = 1000 / mean; cases.push([`V11 Exp(${mean}ms)`, mean, exponential(mean * MS).sample, mu / (mu + LAMBDA)]); }
  cases.push(['V13 zero', 0, () => 0, 1]);
  for (const [name, k, dwell, acc] of cases) {
    const opts = { users: U, rate: RATE, duration: DURATION, d: D, dwell };
    const s = star({ ...opts, seed: k < 100 && name.startsWith('V10') ? 10 + k : name.startsWith('V11') ? 20 + k : 13 });
    const cal = star({ ...opts, seed: name.startsWith('V10') ? 1010 + k : name.startsWith('V11') ? 1020 + k : 1013 });
    const exp = senderLevel(acc);
    const out: string[] = [];
    for (const [label, c, trace] of [['trace', cal, true], ['e2e', cal, false], ['trace-in-sample', s, true]] as const) {
      const m = runPipeline(s, gpa(U + 1), c, { trace }).evaluation.metrics;
      const sd = Math.sqrt(exp * (1 - exp) / m.messages);
      out.push(`${label} ${m.top1.toFixed(5)} (z ${sd > 0 ? ((m.top1 - exp) / sd).toFixed(2) : '-'}, H ${m.entropy_bits.toFixed(3)}, M ${m.messages})`);
    }
    rows.push(`${name}: expected ${exp.toFixed(5)} | ${out.join(' | ')}`);
  }
  process.stdout.write(rows.join('\n') + '\n');
});
