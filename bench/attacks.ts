// Attack throughput on 10 000 users × 1 h of traffic (1 message per 10 min per user):
// - identifier, timing, flow and disclosure on Signal under the global passive view, each run as
//   the pipeline runs it (`ATTACKS.get(id).run`): deliveries scored per second;
// - disclosure under the Signal server's view (sealed sender, delivery receipts: the receipt
//   estimator has evidence there, none under the global view);
// - flow (all ordered pairs) split by recipient ranges over 1 and 2 workers: pairs per second.
// Peer in the same run: the identifier attack on the same view (a linear pass), for scale.
// Usage: npm run bench:attacks [-- --users 10000]
import { loadavg } from 'node:os';
import { dwellModel, hopSizeModel } from '../src/adversary/targets.js';
import type { AttackInput } from '../src/attacks/attack.js';
import { assembleResult, type FlowJob, flowChunk, type PairChunk, prepareFlow } from '../src/attacks/flow.js';
import { ATTACKS } from '../src/attacks/registry.js';
import { Streams } from '../src/core/rng.js';
import { DESIGNS } from '../src/designs/registry.js';
import { ipIndex, see, simulate } from '../src/pipeline/job.js';
import { resolveScenario } from '../src/scenario/index.js';
import { workerPool } from '../src/worker-pool.js';

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
    dwell: dwellModel(world.net.log, n),
    // The size law the pipeline gives every timing run (read unless `sizes: false`).
    hopSizes: hopSizeModel(world.net.log, n),
    duration: s.duration,
    params: {},
  };
}

console.log(`attack throughput at ${users} users × 1 h, global passive view, load average ${loadavg()[0].toFixed(2)}`);
const input = viewInput('signal', users, 'global-passive');
function timeAttack(id: string, view: string, inp: AttackInput): void {
  const t0 = performance.now();
  ATTACKS.get(id)!.run(inp);
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `${id.padEnd(11)} signal ${view.padEnd(14)} ${inp.targets.count} deliveries in ${secs.toFixed(2)} s = ${(inp.targets.count / secs).toFixed(0)} deliveries/s`,
  );
}
for (const id of ['identifier', 'timing', 'flow', 'disclosure']) timeAttack(id, 'global-passive', input);
timeAttack('disclosure', 'server', viewInput('signal', users, 'server'));

// Flow, all ordered pairs, split by recipient ranges over piscina workers (the same
// flowChunk the attack runs in-process); the assembled result is identical for any split.

async function flowWith(job: FlowJob, workers: number, chunks: number): Promise<number> {
  const step = Math.ceil(job.users / chunks);
  const ranges: [number, number][] = [];
  for (let r0 = 0; r0 < job.users; r0 += step) ranges.push([r0, Math.min(job.users, r0 + step)]);
  const t0 = performance.now();
  let parts: PairChunk[];
  if (workers === 0) parts = ranges.map(([a, b]) => flowChunk(job, a, b));
  else {
    const pool = workerPool<{ job: FlowJob; r0: number; r1: number }, PairChunk>('flow.worker', workers);
    parts = await Promise.all(ranges.map(([r0, r1]) => pool.run({ job, r0, r1 })));
    await pool.close();
  }
  const secs = (performance.now() - t0) / 1000;
  assembleResult(job.users, input.targets, parts, job.listTop);
  return secs;
}

const job = prepareFlow(input);
const pairs = users * (users - 1);
const inProcess = await flowWith(job, 0, 16);
const one = await flowWith(job, 1, 16);
const two = await flowWith(job, 2, 16);
console.log(`flow        signal  all ${pairs} ordered pairs + causal tops:`);
console.log(`  in-process ${inProcess.toFixed(2)} s (${(pairs / inProcess / 1e6).toFixed(1)} M pairs/s)`);
console.log(
  `  1 worker   ${one.toFixed(2)} s; 2 workers ${two.toFixed(2)} s; speed-up 1→2 = ${(one / two).toFixed(2)}×`,
);
