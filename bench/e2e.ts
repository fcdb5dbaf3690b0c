// End to end: `anonsim run scenarios/default.yaml` (four designs × three adversaries × every
// attack) swept over users, log-spaced from 10^3 to 10^5 (`--set workload.users`). Per point: wall
// time, CPU time (user + sys of the whole process, worker threads included) and peak RSS, from
// /usr/bin/time; then the exponents of wall and CPU time in users fitted on log–log axes, and the
// issue-14 targets (10^4 users ≤ 60 s and ≤ 3 GB; 10^5 users ≤ 300 s and ≤ 8 GB on 2 cores).
// Peer in the same run: PHOLD on the typed-array Sim (CONTRACT §6, N = 1000), so that runs on
// different machines compare: `work` = CPU seconds × PHOLD M events per CPU-second is the run's
// cost in millions of PHOLD events, which barely moves with the machine or its load.
// Usage: npm run bench:e2e [-- --sizes 1000,10000] [-- --workers 2] [-- --scenario FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from './phold-model.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
/** Half-decade steps from 10^3 to 10^5 users. */
const SIZES = '1000,3162,10000,31623,100000';
const sizes = opt('--sizes', SIZES).split(',').map(Number);
const workers = opt('--workers', '2');
const scenario = opt('--scenario', 'scenarios/default.yaml');
const TIME = '/usr/bin/time';
/** Issue 14's targets on a 2-core machine: wall seconds and peak RSS in GB, by users. */
const TARGETS: Record<number, { wall: number; gb: number }> = {
  10000: { wall: 60, gb: 3 },
  100000: { wall: 300, gb: 8 },
};

interface Point {
  users: number;
  wall: number;
  cpu: number;
  rssMb: number;
}

/** Least-squares slope of log y on log x. */
function exponent(points: Point[], y: (p: Point) => number): number {
  const xs = points.map((p) => Math.log(p.users));
  const ys = points.map((p) => Math.log(y(p)));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
}

function phold(when: string): number {
  const r = measure(1000, 2_000_000);
  console.log(
    `PHOLD N=1000 (${when}): ${(r.best / 1e6).toFixed(2)} M ev/s, ${(r.bestCpu / 1e6).toFixed(2)} M ev/CPU-s`,
  );
  return r.bestCpu / 1e6;
}

function main(): void {
  if (!existsSync(TIME)) {
    console.error(`${TIME} not found (Debian: apt-get install time); it measures CPU time and peak RSS`);
    process.exit(2);
  }
  console.log(`anonsim run ${scenario}, --workers ${workers}, node ${process.version}`);
  console.log(
    `load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs (wall time suffers under load; CPU and RSS do not)`,
  );
  const before = phold('before');
  console.log('| users | wall s | CPU s | peak RSS MB | CPU s per 1000 users | target |');
  console.log('|---|---|---|---|---|---|');
  const points: Point[] = [];
  for (const users of sizes) {
    const out = mkdtempSync(join(tmpdir(), 'anonsim-e2e-'));
    const args = ['dist/cli.js', 'run', scenario, '-o', out, '--quiet', '--workers', workers];
    args.push('--set', `workload.users=${users}`);
    const t0 = performance.now();
    const r = spawnSync(TIME, ['-f', '%U %S %M', process.execPath, ...args], { encoding: 'utf8' });
    const wall = (performance.now() - t0) / 1000;
    rmSync(out, { recursive: true, force: true });
    if (r.status !== 0) {
      console.log(`| ${users} | failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')} |||||`);
      continue;
    }
    const [user, sys, rssKb] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    const p = { users, wall, cpu: user + sys, rssMb: rssKb / 1024 };
    points.push(p);
    const t = TARGETS[users];
    const target = t
      ? `≤ ${t.wall} s, ≤ ${t.gb} GB: ${wall <= t.wall ? 'wall met' : 'wall MISSED'}, ${p.rssMb <= t.gb * 1024 ? 'memory met' : 'memory MISSED'}`
      : '';
    console.log(
      `| ${users} | ${wall.toFixed(1)} | ${p.cpu.toFixed(1)} | ${p.rssMb.toFixed(0)} | ${((1000 * p.cpu) / users).toFixed(2)} | ${target} |`,
    );
  }
  const after = phold('after');
  const rate = (before + after) / 2;
  if (points.length >= 2) {
    const span = points.map((p) => p.users).join(', ');
    console.log(`\nwall time grows as users^${exponent(points, (p) => p.wall).toFixed(2)} over ${span} users`);
    console.log(`CPU time grows as users^${exponent(points, (p) => p.cpu).toFixed(2)}`);
    console.log(`peak RSS grows as users^${exponent(points, (p) => p.rssMb).toFixed(2)}`);
  }
  console.log(`\nWork in PHOLD units (CPU s × ${rate.toFixed(2)} M PHOLD ev/CPU-s, the mean of the two PHOLD runs):`);
  for (const p of points) console.log(`${p.users} users: ${(p.cpu * rate).toFixed(0)} M PHOLD events`);
}

main();
