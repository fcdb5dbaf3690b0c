import { it } from 'vitest';
import { uniform } from '../../src/core/dist.js';
import { identifier } from '../../src/attacks/identifier.js';
import { timing } from '../../src/attacks/timing.js';
import { buildTargets, dwellModel, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe } from '../../src/adversary/view.js';
import { evaluate } from '../../src/metrics/index.js';
import { star } from '../metrics/synthetic-star.js';

const SEC = 1e9;
for (const [users, rate, w] of [[10000, 1 / 600, 5], [10000, 1 / 600, 50], [10000, 1 / 60, 50]] as const) {
  it(`perf ${users} users rate ${rate}/s w ${w}ms`, () => {
    let t0 = performance.now();
    const s = star({ users, rate: rate / SEC, duration: 3600 * SEC, d: 20e6, dwell: uniform(0, w * 1e6).sample, seed: 1 });
    const tGen = performance.now() - t0;
    const view = { name: 'gpa', kind: 'global-passive' as const, held: new Uint8Array(users + 1), global: true };
    const { obs, rowOf, obsOf } = observe(s.log, view);
    const scored = scoredDeliveries(s.truth, 0);
    const targets = buildTargets(s.log, s.truth, scored, obs, obsOf);
    const input = { users, obs, hostIp: s.hostIp, ipStart: s.ipStart, ipUsers: s.ipUsers, targets,
      endToEnd: endToEndModel(s.log, obs, rowOf, targets), dwell: dwellModel(s.log, users), duration: 3600 * SEC, params: {} };
    for (const trace of [true, false]) {
      t0 = performance.now();
      const r = timing.run({ ...input, params: { trace } });
      const tRun = performance.now() - t0;
      t0 = performance.now();
      const ev = evaluate(r, targets, Int32Array.from(scored, (d) => s.truth.sender[d]), users);
      const tEval = performance.now() - t0;
      console.log(`users ${users} rate ${rate} w ${w}ms rows ${s.log.length} targets ${targets.count} trace=${trace}: gen ${tGen.toFixed(0)} ms, timing ${tRun.toFixed(0)} ms (${(targets.count / tRun * 1000).toFixed(0)}/s), evaluate ${tEval.toFixed(0)} ms, pairs ${r.pairs.score.length}, top1 ${ev.metrics.top1.toFixed(4)} auc ${ev.metrics.pair_auc.toFixed(4)}`);
    }
    t0 = performance.now();
    identifier.run(input);
    console.log(`identifier ${(performance.now() - t0).toFixed(0)} ms`);
  });
}
