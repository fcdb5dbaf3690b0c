import { it } from 'vitest';
import { makeView } from '../../src/adversary/adversaries.js';
import { buildTargets, dwellModel, endToEndModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe } from '../../src/adversary/view.js';
import type { AttackInput } from '../../src/attacks/attack.js';
import { identifier } from '../../src/attacks/identifier.js';
import { timing } from '../../src/attacks/timing.js';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { Sim } from '../../src/core/sim.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { Hosts } from '../../src/net/hosts.js';
import { Net } from '../../src/net/net.js';
import { ipIndex, DRAIN_NS } from '../../src/pipeline/job.js';
import { loadScenario } from '../../src/scenario/load.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { evaluate } from '../../src/metrics/index.js';

const USERS = Number(process.env.USERS ?? 1000);
const DUR = process.env.DUR ?? '30min';
const ONLY = process.env.ONLY;
it('designs', () => {
  const { scenario: base } = loadScenario('scenarios/default.yaml', { overrides: [
    { path: 'workload.users', value: String(USERS) } as never, { path: 'duration', value: DUR } as never] });
  for (const item of base.designs) {
    if (ONLY && item.design !== ONLY) continue;
    const module = DESIGNS.get(item.design)!;
    const seed = replicateSeed(base.seed, 0);
    const streams = new Streams(seed);
    const workload = generateWorkload({ ...base.workload, duration: base.duration }, streams);
    const sim = new Sim();
    const hosts = new Hosts(workload.users);
    const net = new Net(sim, hosts, base.network.latency, streams.stream(`design/${item.name}/net`));
    let t0 = performance.now();
    const built = module.build({ sim, net, hosts, workload, streams: streams.sub(`design/${item.name}`), processing: item.processing, duration: base.duration }, item.params);
    sim.run({ until: base.duration + DRAIN_NS });
    const tSim = performance.now() - t0;
    const { log, truth } = net;
    const ip = ipIndex(hosts);
    const dwell = dwellModel(log, workload.users);
    console.log(`== ${item.name}: rows ${log.length}, deliveries ${truth.length}, sim ${tSim.toFixed(0)} ms, dwell [${(dwell.lo/1e6).toFixed(1)}, ${(dwell.hi/1e6).toFixed(1)}] ms`);
    for (const adv of base.adversaries) {
      const view = makeView(adv, built, hosts.count, streams.sub(`adversary/${item.name}`));
      const { obs, rowOf, obsOf } = observe(log, view);
      const scored = scoredDeliveries(truth, base.warmup);
      const targets = buildTargets(log, truth, scored, obs, obsOf);
      let anchored = 0; for (let i = 0; i < targets.count; i++) if (targets.anchor[i] >= 0) anchored++;
      const input: AttackInput = { users: workload.users, obs, ...ip, targets, endToEnd: endToEndModel(log, obs, rowOf, targets), dwell, duration: base.duration, params: {} };
      const sender = Int32Array.from(scored, (d) => truth.sender[d]);
      for (const [name, attack, params] of [['identifier', identifier, {}], ['timing', timing, {}], ['timing-e2e', timing, { trace: false }]] as const) {
        t0 = performance.now();
        const r = attack.run({ ...input, params });
        const tA = performance.now() - t0;
        const m = evaluate(r, targets, sender, workload.users).metrics;
        console.log(`${item.name} ${adv.name} ${name}: anchored ${anchored}/${targets.count} top1 ${m.top1.toFixed(4)} top5 ${m.top5.toFixed(4)} H ${m.entropy_bits.toFixed(2)} auc ${m.pair_auc.toFixed(4)} prec ${m.pair_precision.toFixed(4)} | ${tA.toFixed(0)} ms (${(targets.count / tA * 1000).toFixed(0)}/s) obs ${obs.length}`);
      }
    }
  }
});
