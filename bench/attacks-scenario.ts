// Attack CPU time on a scenario file's workload (online sessions, groups: long store-and-forward
// delays, which bench/attacks.ts's always-online workload lacks): one design item, each adversary,
// each attack as the pipeline runs it. Usage:
//   node scripts/run-bench.mjs bench/attacks-scenario.ts [-- --users 3162 --design signal --attacks flow,disclosure]

import { createHash } from 'node:crypto';
import { causeClassLaw, dwellKindModels, dwellModel, hopSizeModel, payloadSizeLaws } from '../src/adversary/targets.js';
import type { AttackInput, AttackResult } from '../src/attacks/attack.js';
import { ATTACKS } from '../src/attacks/registry.js';
import { replicateSeed, Streams } from '../src/core/rng.js';
import { DESIGNS } from '../src/designs/registry.js';
import { ipIndex, see, simulate, streamScope } from '../src/pipeline/job.js';

import { loadScenario } from '../src/scenario/load.js';

const argv = process.argv.slice(2);
const arg = (k: string, d: string): string => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
const file = arg('--scenario', 'scenarios/default.yaml');
const users = arg('--users', '1000');
const design = arg('--design', 'signal');
const attacks = arg('--attacks', 'identifier,timing,flow,disclosure').split(',');
const advOnly = arg('--adversary', '');
// --hash: a digest of each AttackResult, to check that a change leaves the results byte-identical.
const hash = argv.includes('--hash');

function digest(res: AttackResult): string {
  const h = createHash('sha256');
  const add = (a: ArrayBufferView | undefined): void => {
    if (a) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  };
  const { perTarget: p, pairs, causalTie } = res;
  for (const a of [p.offsets, p.cand, p.score, p.base, res.causalTop, pairs?.sender, pairs?.recipient, pairs?.score])
    add(a);
  add(causalTie?.offsets);
  add(causalTie?.cand);
  return h.digest('hex').slice(0, 16);
}

const loaded = loadScenario(file, { overrides: [{ path: 'workload.users', value: users }] });
const s = loaded.scenario!;
const item = s.designs.find((d) => d.design === design)!;
const seed = replicateSeed(s.seed, 0);
const streams = new Streams(seed);
const c0 = process.cpuUsage();
const world = simulate(s, item, DESIGNS.get(design)!, streams);
const c1 = process.cpuUsage(c0);
console.log(`${file} ${users} users, ${design}: simulated in ${((c1.user + c1.system) / 1e6).toFixed(2)} CPU s`);
const n = world.workload.users;
const lazy = {
  dwell: dwellModel(world.log, n),
  hopSizes: hopSizeModel(world.log, n),
  causeClasses: { role: Uint8Array.from(world.hosts.role), p: causeClassLaw(world.log, n, world.hosts.role) },
  dwellByKind: { role: Uint8Array.from(world.hosts.role), models: dwellKindModels(world.log, n, world.hosts.role) },
  payloadSizes: payloadSizeLaws(world.log, world.truth),
};
for (const adv of s.adversaries) {
  if (advOnly && adv.name !== advOnly) continue;
  const { held, heldHosts, ...seen } = see(world, adv, s.warmup, streams.sub(`adversary/${streamScope(item)}`));
  for (const id of attacks) {
    const input: AttackInput = {
      users: n,
      ...seen,
      ...ipIndex(world.hosts),
      ...lazy,
      duration: s.duration,
      params: s.attackParams[id] ?? {},
    };
    const t0 = process.cpuUsage();
    const res = ATTACKS.get(id)!.run(input);
    const c = process.cpuUsage(t0);
    console.log(
      `${adv.name.padEnd(16)} ${id.padEnd(11)} ${input.targets.count} deliveries ${((c.user + c.system) / 1e6).toFixed(2)} CPU s` +
        (hash ? ` result ${digest(res)}` : ''),
    );
  }
}
