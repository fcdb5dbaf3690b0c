// Attack throughput on 10 000 users × 1 h of traffic (1 message per 10 min per user):
// - identifier, timing, flow and disclosure on Signal under the global passive view, each run as
//   the pipeline runs it (`ATTACKS.get(id).run`): deliveries scored per second;
// - disclosure under the Signal server's view (sealed sender, delivery receipts: the receipt
//   estimator has evidence there, none under the global view).
// Peer in the same run: the identifier attack on the same view (a linear pass), for scale.
// Usage: npm run bench:attacks [-- --users 10000]
import { loadavg } from 'node:os';
import { causeClassLaw, dwellKindModels, dwellModel, hopSizeModel, payloadSizeLaws } from '../src/adversary/targets.js';
import type { AttackInput } from '../src/attacks/attack.js';
import { ATTACKS } from '../src/attacks/registry.js';
import { Streams } from '../src/core/rng.js';
import { DESIGNS } from '../src/designs/registry.js';
import { ipIndex, see, simulate } from '../src/pipeline/job.js';
import { resolveScenario } from '../src/scenario/index.js';

const argv = process.argv.slice(2);
const users = Number(argv[argv.indexOf('--users') + 1] || 10_000);

export function viewInput(design: string, n: number, adversary: 'global-passive' | 'server'): AttackInput {
  const r = resolveScenario(
    {
      name: 'bench',
      duration: '1h',
      workload: { users: n, contacts: 8, rate: '1/10min' },
      designs: [{ design }],
      adversaries: [adversary === 'server' ? { kind: 'single', target: 'server' } : { kind: 'global-passive' }],
    },
    'bench',
  );
  const s = r.scenario!;
  const streams = new Streams(s.seed);
  const world = simulate(s, s.designs[0], DESIGNS.get(design)!, streams);
  return {
    users: n,
    ...see(world, s.adversaries[0], s.warmup, streams),
    ...ipIndex(world.hosts),
    dwell: dwellModel(world.log, n),
    // The size law the pipeline gives every timing run (read unless `sizes: false`).
    hopSizes: hopSizeModel(world.log, n),
    // Where each kind of forward's causes come from (the pipeline gives it to every timing run).
    causeClasses: { role: Uint8Array.from(world.hosts.role), p: causeClassLaw(world.log, n, world.hosts.role) },
    // Per-kind dwell laws (timing's default `dwell: per-kind`) and the payload sizes (flow's and
    // disclosure's default `sizes: true`), as the pipeline gives them.
    dwellByKind: { role: Uint8Array.from(world.hosts.role), models: dwellKindModels(world.log, n, world.hosts.role) },
    payloadSizes: payloadSizeLaws(world.log, world.truth),
    duration: s.duration,
    params: {},
  };
}

console.log(`attack throughput at ${users} users × 1 h, global passive view, load average ${loadavg()[0].toFixed(2)}`);
const input = viewInput('signal', users, 'global-passive');
// CPU seconds beside wall clock: on the shared machine the wall clock of one run can double with
// the load, while the CPU time of a single-threaded attack barely moves.
function timeAttack(id: string, view: string, inp: AttackInput): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  ATTACKS.get(id)!.run(inp);
  const secs = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  console.log(
    `${id.padEnd(11)} signal ${view.padEnd(14)} ${inp.targets.count} deliveries in ${secs.toFixed(2)} s ` +
      `(${cpu.toFixed(2)} CPU s) = ${(inp.targets.count / secs).toFixed(0)} deliveries/s`,
  );
}
for (const id of ['identifier', 'timing', 'flow', 'disclosure']) timeAttack(id, 'global-passive', input);
timeAttack('disclosure', 'server', viewInput('signal', users, 'server'));
