// The saved observation log (src/log): simulates one design item, then writes its world as
// Parquet and reads it back, timing each step (wall and this process's CPU), with the hop
// table's bytes per row. Peer in the same run: the simulation itself (ratios are to it).
// Usage: npm run bench:log [-- --users 100000] [-- --duration 1h] [-- --design session]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { replicateSeed, Streams } from '../src/core/rng.js';
import { DESIGNS } from '../src/designs/registry.js';
import { loadWorld } from '../src/log/read.js';
import { commitWorld, WorldLogWriter } from '../src/log/write.js';
import { simulate } from '../src/pipeline/job.js';
import { loadScenario } from '../src/scenario/index.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const users = opt('--users', '10000');
const duration = opt('--duration', '1h');
const design = opt('--design', 'session');

const { scenario } = loadScenario('scenarios/default.yaml', {
  overrides: [
    { path: 'workload.users', value: users },
    { path: 'duration', value: duration },
  ],
});
const item = scenario.designs.find((d) => d.design === design);
if (!item) throw new Error(`no ${design} in scenarios/default.yaml`);

/** Wall and CPU seconds of f. */
function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

console.log(`${design}, ${users} users, ${duration}; load average ${loadavg()[0].toFixed(2)}`);
const sim = timed(() => simulate(scenario, item, DESIGNS.get(design)!, new Streams(replicateSeed(scenario.seed, 0))));
const world = sim.value;
const rows = world.log.length;
const dir = mkdtempSync(join(tmpdir(), 'anonsim-bench-log-'));
const target = join(dir, 'world');
const write = timed(() => {
  const w = new WorldLogWriter(target, world.hosts, world.log);
  w.finish(world.truth, world.periodic, world.workload, {
    world: 'world',
    kind: 'run',
    job: 0,
    replicate: 0,
    designIndex: 0,
    design: item.name,
    designId: item.design,
    seed: scenario.seed,
    cells: [0],
    users: world.workload.users,
    duration: scenario.duration,
    warmup: scenario.warmup,
    events: world.events,
    hops: rows,
    deliveries: world.truth.length,
    messages: world.workload.count,
    built: world.built,
  });
  commitWorld(target);
});
const hopBytes = statSync(join(target, 'hops.parquet')).size;
let total = 0;
for (const f of ['hops', 'truth', 'hosts', 'messages', 'periodic'])
  total += statSync(join(target, `${f}.parquet`)).size;
const c0 = process.cpuUsage();
const t0 = performance.now();
await loadWorld(target);
const read = { wall: (performance.now() - t0) / 1000, cpu: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(c0)) };
rmSync(dir, { recursive: true, force: true });

const line = (what: string, t: { wall: number; cpu: number }) =>
  console.log(
    `${what.padEnd(10)} wall ${t.wall.toFixed(1).padStart(7)} s   cpu ${t.cpu.toFixed(1).padStart(7)} s   ` +
      `${(rows / t.cpu / 1e6).toFixed(2)} M rows per cpu-s   cpu ratio to simulate ${(t.cpu / sim.cpu).toFixed(2)}`,
  );
console.log(
  `hops ${rows}; hops.parquet ${(hopBytes / rows).toFixed(2)} bytes/row; all tables ${(total / 1e6).toFixed(1)} MB`,
);
line('simulate', sim);
line('write', write);
line('read', read);
