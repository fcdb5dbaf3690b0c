// End to end: wall time and peak memory of `anonsim run scenarios/default.yaml` at the default
// 1 000 users and scaled to 10 000 and 100 000 users (same scenario, `--set workload.users`),
// with the growth exponent of wall time in users fitted on log–log axes.
// Peer in the same run: the default scenario itself (ratios are relative to it).
// Usage: npm run bench:e2e [-- --sizes 1000,10000] [-- --workers 2]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const sizes = opt('--sizes', '1000,10000,100000').split(',').map(Number);
const workers = opt('--workers', '2');
const TIME = '/usr/bin/time';

console.log(`anonsim run scenarios/default.yaml, --workers ${workers}, load average ${loadavg()[0].toFixed(2)}`);
console.log('users    wall s   peak RSS MB   ratio to 1000 users');
const points: [number, number][] = [];
for (const users of sizes) {
  const out = mkdtempSync(join(tmpdir(), 'anonsim-e2e-'));
  const args = ['dist/cli.js', 'run', 'scenarios/default.yaml', '-o', out, '--quiet', '--workers', workers];
  args.push('--set', `workload.users=${users}`);
  const withTime = existsSync(TIME);
  const t0 = performance.now();
  const r = withTime
    ? spawnSync(TIME, ['-f', '%M', process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) {
    console.log(`${String(users).padEnd(8)} failed (exit ${r.status}): ${r.stderr.split('\n').slice(-3).join(' ')}`);
    continue;
  }
  const rssKb = withTime ? Number(r.stderr.trim().split('\n').pop()) : Number.NaN;
  points.push([users, wall]);
  const ratio = points.length > 0 ? wall / points[0][1] : 1;
  console.log(
    `${String(users).padEnd(8)} ${wall.toFixed(1).padEnd(8)} ${(rssKb / 1024).toFixed(0).padEnd(13)} ${ratio.toFixed(2)}`,
  );
}
if (points.length >= 2) {
  const xs = points.map(([u]) => Math.log(u));
  const ys = points.map(([, t]) => Math.log(t));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  console.log(`wall time grows as users^${(sxy / sxx).toFixed(2)} over ${points.map(([u]) => u).join(', ')} users`);
}
