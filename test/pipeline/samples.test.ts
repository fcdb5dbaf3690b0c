// The correlation figures' series (correlation.csv, candidates.csv) against independent
// computations on the same simulated view: windowed counts and Pearson r by brute force, r against
// the flow attack's own pair scores, posteriors against the attack's scores, and the true sender's
// real departure among its listed sends.
import { describe, expect, it } from 'vitest';
import { dwellModel, scoredDeliveries } from '../../src/adversary/targets.js';
import type { AttackInput, AttackResult } from '../../src/attacks/attack.js';
import { ATTACKS } from '../../src/attacks/registry.js';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { evaluateAttack } from '../../src/pipeline/evaluate.js';
import { ipIndex, see, simulate } from '../../src/pipeline/job.js';
import { CANDIDATES_SHOWN, CORRELATION_PAIRS, computeSamples } from '../../src/pipeline/samples.js';
import { resolveScenario } from '../../src/scenario/resolve.js';

const { scenario } = resolveScenario(
  {
    name: 'samples',
    seed: 5,
    duration: '8min',
    warmup: '30s',
    workload: { users: 80, contacts: 3, rate: '1/min' },
    designs: [{ design: 'simplex' }],
    adversaries: [{ kind: 'global-passive' }],
  },
  'samples.yaml',
);

function attacked(attackId: string) {
  const item = scenario.designs[0];
  const streams = new Streams(replicateSeed(scenario.seed, 0));
  const world = simulate(scenario, item, DESIGNS.get(item.design)!, streams);
  const seen = see(world, scenario.adversaries[0], scenario.warmup, streams.sub(`adversary/${item.name}`));
  const users = world.workload.users;
  const input: AttackInput = {
    users,
    ...seen,
    ...ipIndex(world.hosts),
    dwell: dwellModel(world.log, users),
    duration: scenario.duration,
    params: {},
  };
  const result: AttackResult = ATTACKS.get(attackId)!.run(input);
  const scored = scoredDeliveries(world.truth, scenario.warmup);
  const sender = Int32Array.from(scored, (d) => world.truth.sender[d]);
  const message = Int32Array.from(scored, (d) => world.truth.msg[d]);
  return { world, input, result, scored, sender, samples: computeSamples(input, result, sender, message) };
}

/** Textbook Pearson r (centred sums); 0 when a series is constant. */
function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < x.length; k++) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) ** 2;
    syy += (y[k] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

describe('correlation samples (flow, global passive observer)', () => {
  const run = attacked('flow');

  it('samples true pairs, each with windowed counts and r that a brute force reproduces', () => {
    const { input, samples, sender } = run;
    const { obs, hostIp, users } = input;
    expect(samples.correlation).toHaveLength(CORRELATION_PAIRS);
    const truePairs = new Set(Array.from(sender, (s, i) => `${s},${input.targets.recipient[i]}`));
    for (const c of samples.correlation) {
      expect(truePairs.has(`${c.sender},${c.recipient}`)).toBe(true);
      expect(c.windowNs).toBe(5e9);
      expect(c.shiftNs).toBe(Math.max(0, input.endToEnd.lo));
      // Brute force: each window's rows by its bounds.
      const dense = (pick: (j: number) => number | null) =>
        Array.from({ length: c.windows }, (_, k) => {
          let n = 0;
          for (let j = 0; j < obs.length; j++) {
            const t = pick(j);
            if (t !== null && t >= k * c.windowNs && t < (k + 1) * c.windowNs) n++;
          }
          return n;
        });
      // The background crossings (PINGs, padded to the block: no size rules them out), expanded
      // from the descriptors by their definition (background.ts), added per window.
      const bg = input.background!;
      const crossings = (end: 'from' | 'to', ip: number, shift: number) => {
        const n = new Array<number>(c.windows).fill(0);
        for (let d = 0; d < bg.count; d++) {
          const h = bg[end][d];
          if (h >= users || hostIp[h] !== ip) continue;
          for (let t0 = bg.first[d]; t0 < bg.stop[d]; t0 += bg.period[d]) {
            const k = Math.floor((t0 + (end === 'from' ? bg.txOff[d] : bg.rxOff[d]) - shift) / c.windowNs);
            if (k >= 0 && k < c.windows) n[k]++;
          }
        }
        return n;
      };
      const plus = (a: number[], b: number[]) => a.map((v, k) => v + b[k]);
      const y = plus(
        dense((j) => (obs.to[j] < users && hostIp[obs.to[j]] === hostIp[c.recipient] ? obs.tRx[j] - c.shiftNs : null)),
        crossings('to', hostIp[c.recipient], c.shiftNs),
      );
      const xs = plus(
        dense((j) => (obs.from[j] < users && hostIp[obs.from[j]] === hostIp[c.sender] ? obs.tTx[j] : null)),
        crossings('from', hostIp[c.sender], 0),
      );
      expect(bg.count).toBeGreaterThan(0);
      const active = y
        .map((_, k) => k)
        .filter((k) => y[k] > 0 || xs[k] > 0 || (c.wrong >= 0 && c.wrongCount[c.window.indexOf(k)] > 0));
      expect(c.window).toEqual(active);
      expect(c.recipientCount).toEqual(active.map((k) => y[k]));
      expect(c.senderCount).toEqual(active.map((k) => xs[k]));
      expect(c.rSender).toBeCloseTo(pearson(xs, y), 12);
      expect(y.some((v) => v > 0)).toBe(true);
    }
  });

  it("r of the true sender is the flow attack's pair score wherever that is positive; the wrong candidate is its best non-partner", () => {
    const { result, samples, sender, input } = run;
    const score = new Map<string, number>();
    const p = result.pairs;
    for (let k = 0; k < p.sender.length; k++) score.set(`${p.sender[k]},${p.recipient[k]}`, p.score[k]);
    const partners = new Set(Array.from(sender, (s, i) => `${s},${input.targets.recipient[i]}`));
    let compared = 0;
    for (const c of samples.correlation) {
      const s = score.get(`${c.sender},${c.recipient}`);
      if (s !== undefined && s > 0) {
        expect(c.rSender).toBeCloseTo(s, 9);
        compared++;
      }
      if (c.wrong >= 0) {
        expect(partners.has(`${c.wrong},${c.recipient}`)).toBe(false);
        expect(c.rWrong).toBeCloseTo(score.get(`${c.wrong},${c.recipient}`)!, 9);
        for (const [key, v] of score) {
          const [u, r] = key.split(',').map(Number);
          if (r === c.recipient && u !== r && !partners.has(key))
            expect(v).toBeLessThanOrEqual(score.get(`${c.wrong},${r}`)!);
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe('candidate samples (timing, global passive observer)', () => {
  const run = attacked('timing');

  it("lists the top posteriors of the attack's scores and the true sender's real departure", () => {
    const { samples, result, input, world, scored } = run;
    expect(samples.candidates).toHaveLength(CORRELATION_PAIRS);
    let seenDeparture = 0;
    for (const c of samples.candidates) {
      const i = c.target;
      // Posterior from the attack's scores, normalised over all users.
      const s = result.perTarget;
      let total = s.base[i] * (input.users - (s.offsets[i + 1] - s.offsets[i]));
      for (let k = s.offsets[i]; k < s.offsets[i + 1]; k++) total += s.score[k];
      for (const cand of c.candidates) {
        let v = s.base[i];
        for (let k = s.offsets[i]; k < s.offsets[i + 1]; k++) if (s.cand[k] === cand.user) v = s.score[k];
        expect(cand.posterior).toBeCloseTo(total > 0 ? v / total : 1 / input.users, 12);
        for (const b of cand.before) {
          expect(b).toBeGreaterThanOrEqual(0);
          expect(b).toBeLessThanOrEqual(c.spanNs);
        }
      }
      expect(c.candidates.length).toBeLessThanOrEqual(CANDIDATES_SHOWN + 1);
      expect(c.candidates.filter((x) => x.isTrue)).toHaveLength(1);
      const posteriors = c.candidates.map((x) => x.posterior);
      expect(posteriors).toEqual([...posteriors].sort((a, b) => b - a));
      expect(c.otherMass + posteriors.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      // Ground truth: the sender's device sent this message at tSend; a global observer saw it leave.
      const d = scored[i];
      const truth = world.truth;
      const trueSend = c.anchorNs - truth.tSend[d];
      const own = c.candidates.find((x) => x.isTrue)!;
      if (own.before.some((b) => Math.abs(b - trueSend) < 1)) seenDeparture++;
    }
    expect(seenDeparture).toBe(samples.candidates.length);
  });
});

describe('samples shared across evaluations (evaluate.ts caches them per scored array)', () => {
  it("evaluateAttack's samples equal computeSamples' own, on a second attack of the same run too", () => {
    const flow = attacked('flow');
    const timing = attacked('timing');
    // One scored array for both evaluations, as the job passes it: the second reads the cache.
    const scored = flow.scored;
    const keep = (input: AttackInput) => ({ messages: false, pairs: 0, sampleView: input });
    const a = evaluateAttack(
      flow.result,
      flow.input.targets,
      flow.world.truth,
      scored,
      flow.input.users,
      keep(flow.input),
    );
    const b = evaluateAttack(
      timing.result,
      timing.input.targets,
      flow.world.truth,
      scored,
      timing.input.users,
      keep(timing.input),
    );
    expect(a.samples?.correlation.length).toBeGreaterThan(0);
    expect(a.samples).toEqual(flow.samples);
    expect(b.samples).toEqual(timing.samples);
    // Another world's truth with the same scored array is not served from the cache.
    const shifted = flow.world.truth.sender.map((s) => (s + 1) % flow.input.users);
    const other = Object.assign(Object.create(Object.getPrototypeOf(flow.world.truth)), flow.world.truth, {
      sender: shifted,
    }) as typeof flow.world.truth;
    const c = evaluateAttack(flow.result, flow.input.targets, other, scored, flow.input.users, keep(flow.input));
    expect(c.samples).not.toEqual(a.samples);
  });
});
