// Design throughput: simulated messages/s, hops/s (observation rows appended per second) and
// peak memory per design, at 10 000 and 100 000 users × 1 h, 1 message per 10 min per user,
// default design parameters. Peer in the same run: a bare hop chain through the same Sim and
// Net (one event per hop, no design logic), the ceiling any design can reach here.
// Usage: npm run bench:designs [-- --quick]   (--quick: 10 000 users only)
import { loadavg } from 'node:os';
import { parseDist } from '../src/core/dist.js';
import { Streams } from '../src/core/rng.js';
import { Sim } from '../src/core/sim.js';
import { buildDesign } from '../src/designs/countermeasures.js';
import { DESIGNS } from '../src/designs/registry.js';
import { Hosts, Role } from '../src/net/hosts.js';
import { Kind } from '../src/net/log.js';
import { Net } from '../src/net/net.js';
import { streamScope } from '../src/pipeline/job.js';
import { resolveScenario } from '../src/scenario/index.js';
import { generateWorkload } from '../src/workload/generate.js';

const QUICK = process.argv.includes('--quick');
const SIZES = QUICK ? [10_000] : [10_000, 100_000];

function scenarioFor(users: number, design: string) {
  const raw = {
    name: 'bench',
    duration: '1h',
    workload: { users, contacts: 8, rate: '1/10min' },
    designs: [{ design }],
    adversaries: [{ kind: 'none' }],
    attacks: ['identifier'],
  };
  const r = resolveScenario(raw, 'bench');
  if (!r.scenario) throw new Error(`bench scenario invalid for ${design}`);
  return r.scenario;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Bare hop chain: `hops` hops through Sim + Net with the scenario's latency, 8 in flight per user-equivalent. */
function bareHops(hops: number): number {
  const sim = new Sim();
  const hosts = new Hosts(2);
  const relay = hosts.add(Role.relay, 'relay');
  const net = new Net(sim, hosts, parseDist('uniform(20ms, 60ms)'), new Streams(1).stream('net'));
  let left = hops;
  const onArrive = (row: number): void => {
    if (--left <= 0) return;
    const from = net.log.to[row];
    net.hop(from, from === relay ? 0 : relay, 500, Kind.message, row, 0, undefined, onArrive);
  };
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) net.hop(0, relay, 500, Kind.message, -1, 0, undefined, onArrive);
  sim.run();
  return net.log.length / ((performance.now() - t0) / 1000);
}

console.log(
  `design throughput, load average ${loadavg()[0].toFixed(2)} (2-core machine; figures under load are lower)`,
);
console.log(`bare hop chain (peer): ${(bareHops(3_000_000) / 1e6).toFixed(2)} M hops/s`);
console.log(
  'users    design   messages  hops        build+run s  msg/s      M hops/s  ratio to bare  peak MB (heap + typed arrays)',
);
for (const users of SIZES) {
  for (const id of DESIGNS.keys()) {
    const s = scenarioFor(users, id);
    const item = s.designs[0];
    gc();
    const mem = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const heap0 = mem();
    const streams = new Streams(s.seed);
    const workload = generateWorkload({ ...s.workload, duration: s.duration }, streams);
    const bare = bareHops(1_000_000);
    const t0 = performance.now();
    const sim = new Sim();
    const hosts = new Hosts(users);
    const net = new Net(sim, hosts, s.network.latency, streams.stream(`design/${streamScope(item)}/net`));
    buildDesign(
      DESIGNS.get(id)!,
      {
        sim,
        net,
        hosts,
        workload,
        streams: streams.sub(`design/${streamScope(item)}`),
        shared: streams.sub('shared'),
        processing: item.processing,
        duration: s.duration,
      },
      item.params,
    );
    let peak = 0;
    const step = s.duration / 20;
    for (let t = step; t <= s.duration + 60e9; t += step) {
      sim.run({ until: t });
      peak = Math.max(peak, mem() - heap0);
    }
    const secs = (performance.now() - t0) / 1000;
    const hps = net.log.length / secs;
    console.log(
      [
        String(users).padEnd(8),
        id.padEnd(8),
        String(workload.count).padEnd(9),
        String(net.log.length).padEnd(11),
        secs.toFixed(2).padEnd(12),
        (workload.count / secs).toFixed(0).padEnd(10),
        (hps / 1e6).toFixed(2).padEnd(9),
        (hps / bare).toFixed(2).padEnd(14),
        (peak / 2 ** 20).toFixed(0),
      ].join(' '),
    );
  }
}
