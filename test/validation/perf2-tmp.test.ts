import { it } from 'vitest';
import { uniform } from '../../src/core/dist.js';
import { timing } from '../../src/attacks/timing.js';
import { buildTargets, dwellModel, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe } from '../../src/adversary/view.js';
import { checkPairs, checkScores, pairMetrics, positivePairs, entropyBits, rankCounts, candidateCount } from '../../src/metrics/index.js';
import { star } from '../metrics/synthetic-star.js';

const SEC = 1e9;
it('prof', () => {
  const users = 10000;
  const s = star({ users, rate: 1 / 60 / SEC, duration: 3600 * SEC, d: 20e6, dwell: uniform(0, 50e6).sample, seed: 1 });
  const view = { name: 'gpa', kind: 'global-passive' as const, held: new Uint8Array(users + 1), global: true };
  const { obs, rowOf, obsOf } = observe(s.log, view);
  const scored = scoredDeliveries(s.truth, 0);
  const targets = buildTargets(s.log, s.truth, scored, obs, obsOf);
  const input = { users, obs, hostIp: s.hostIp, ipStart: s.ipStart, ipUsers: s.ipUsers, targets,
    endToEnd: endToEndModel(s.log, obs, rowOf, targets), dwell: dwellModel(s.log, users), duration: 3600 * SEC, params: {} };
  let t0 = performance.now();
  const r = timing.run(input);
  console.log('timing', performance.now() - t0);
  const sender = Int32Array.from(scored, (d) => s.truth.sender[d]);
  t0 = performance.now(); checkScores(r.perTarget, targets.count, users); console.log('checkScores', performance.now() - t0);
  t0 = performance.now(); checkPairs(r.pairs, users); console.log('checkPairs', performance.now() - t0);
  t0 = performance.now(); for (let i = 0; i < targets.count; i++) { rankCounts(r.perTarget, i, sender[i], users); candidateCount(r.perTarget, i, users); entropyBits(r.perTarget, i, users);} console.log('per target', performance.now() - t0);
  t0 = performance.now(); const pos = positivePairs(sender, targets.recipient, users); console.log('positives', performance.now() - t0);
  t0 = performance.now(); pairMetrics(r.pairs, pos, users); console.log('pairMetrics', performance.now() - t0);
});
