// Tables and fitted laws of a population study (scenarios/population.yaml, docs/results.md
// "Population and load"): for each design × adversary and each (users, rate) cell, the best
// attack's top1, the best pair AUC, and the median messages-to-identify of the best attack's pairs;
// then least-squares fits on log–log axes: global-observer timing top1 against the aggregate send
// rate Λ (messages sent per second, from summary.csv), and colluding top1 (best attack) against users.
// Usage: node scripts/population-laws.mjs results/population [MORE_DIRS…]
// Several folders are read as one study; where a later folder has rows for the same (design,
// adversary, attack, cell) they replace the earlier ones (e.g. a timing-only re-run after the attack
// changed, or cells run separately). Each folder's Λ uses its own scenario duration.
// A run stopped part-way (no CSVs yet) is read from its finished job files (DIR/.jobs/*.json) instead;
// give the scenario's duration in seconds after it then: node scripts/population-laws.mjs DIR 1800
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error(
    'usage: node scripts/population-laws.mjs <results folder of scenarios/population.yaml> [more folders…]',
  );
  process.exit(2);
}

const USERS = 'workload.users';
const RATE = 'workload.rate';
/** Seconds of a manifest duration: ns as a number (older manifests) or text such as "30min". */
function seconds(d) {
  if (typeof d === 'number') return d / 1e9;
  const m = /^([\d.]+)\s*(ns|us|ms|s|min|h|d)$/.exec(String(d).trim());
  if (!m) throw new Error(`manifest.json: cannot read the duration ${JSON.stringify(d)}`);
  const unit = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, d: 86400 }[m[2]];
  return Number(m[1]) * unit;
}

/** One results folder: its summary and ttfd rows (each with `duration`), and its timing caps records. */
function readDir(dir, partialDuration) {
  /** Rows of a CSV without quoted commas (true of this study's files) as objects. */
  const read = (file) => {
    const [head, ...lines] = readFileSync(join(dir, file), 'utf8').trim().split('\n');
    const cols = head.split(',');
    return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  };
  const partial = !existsSync(join(dir, 'summary.csv'));
  /** Rows of every finished job file, with the two sweep values under their key paths (population.yaml's order). */
  const fromJobs = (pick) =>
    readdirSync(join(dir, '.jobs'))
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => pick(JSON.parse(readFileSync(join(dir, '.jobs', f), 'utf8')).result))
      .map((r) => ({ ...r, [USERS]: String(r.sweep[0]), [RATE]: String(r.sweep[1]) }));
  const manifest = partial ? null : JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const duration = manifest ? seconds(manifest.scenario.duration) : partialDuration;
  if (partial) console.log(`no summary.csv: reading the finished jobs in ${join(dir, '.jobs')}`);
  // Sweep cells of the manifest's caps records, by cell index, as `users|rate`: the grid's first
  // key is the slowest (src/scenario/sweep.ts), and population.yaml sweeps users, then rate.
  const grid = manifest?.scenario?.sweep ?? {};
  const us = grid[USERS] ?? [manifest?.scenario?.workload?.users];
  const rs = grid[RATE] ?? [manifest?.scenario?.workload?.rate];
  const cellOf = (i) => `${us[Math.floor(i / rs.length)]}|${rs[i % rs.length]}`;
  const caps = (manifest?.caps ?? []).map((c) => ({ ...c, cellKey: cellOf(c.cell) }));
  const withDuration = (rows) => rows.map((r) => ({ ...r, duration }));
  return {
    summary: withDuration(partial ? fromJobs((r) => r.summary) : read('summary.csv')),
    ttfd: withDuration(partial ? fromJobs((r) => r.ttfd) : read('ttfd.csv')),
    caps,
    dir,
    duration,
  };
}

const dirs = [];
for (const a of args) {
  if (/^\d+(\.\d+)?$/.test(a)) continue;
  const next = args[args.indexOf(a) + 1];
  dirs.push(readDir(a, /^\d+(\.\d+)?$/.test(next ?? '') ? Number(next) : 1800));
}
const cellKey = (r) => `${r[USERS]}|${r[RATE]}`;
const groupKey = (r) => [r.design, r.adversary, r.attack, cellKey(r)].join('#');
/** Rows of every folder; a later folder's (design, adversary, attack, cell) replaces an earlier one's. */
function layered(pick) {
  let rows = [];
  for (const d of dirs) {
    const mine = pick(d);
    const keys = new Set(mine.map(groupKey));
    rows = rows.filter((r) => !keys.has(groupKey(r))).concat(mine);
  }
  return rows;
}
const summary = layered((d) => d.summary);
const ttfd = layered((d) => d.ttfd);
/**
 * Share of the timing attack's targets (replicate 0) whose posterior a work cap cut by more than
 * CAP_MASS (manifest.json `caps`: per cap; the largest is a lower bound of the union), per
 * (design, adversary, cell); a later folder that ran timing replaces it (0 when nothing bound).
 */
const capped = new Map();
for (const d of dirs)
  for (const r of d.summary) {
    if (r.attack !== 'timing' || r.replicate !== '0') continue;
    const rec = d.caps.find(
      (c) =>
        c.design === r.design &&
        c.adversary === r.adversary &&
        c.attack === 'timing' &&
        c.replicate === 0 &&
        c.cellKey === cellKey(r),
    );
    const worst = rec ? Math.max(0, ...Object.values(rec.capped)) / rec.targets : 0;
    capped.set([r.design, r.adversary, cellKey(r)].join('#'), worst);
  }
const durations = [...new Set(dirs.map((d) => d.duration))].join(', ');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Means over replicates per (design, adversary, attack, cell).
const groups = new Map();
for (const r of summary) {
  const k = [r.design, r.adversary, r.attack, cellKey(r)].join('#');
  const g = groups.get(k) ?? { ...r, top1s: [], aucs: [], lambdas: [] };
  g.top1s.push(Number(r.top1));
  g.aucs.push(Number(r.pair_auc));
  g.lambdas.push(Number(r.messages) / r.duration);
  groups.set(k, g);
}
// Messages to identify: per (design, adversary, attack, cell), the median over identified pairs
// of every replicate, and the share of pairs identified.
const idents = new Map();
for (const r of ttfd) {
  const k = [r.design, r.adversary, r.attack, cellKey(r)].join('#');
  const g = idents.get(k) ?? { n: 0, msgs: [] };
  g.n++;
  // Empty in ttfd.csv (null in a job file) when the pair was never identified.
  const m = r.messages_until_identified;
  if (m !== '' && m !== null && m !== undefined) g.msgs.push(Number(m));
  idents.set(k, g);
}

const perMin = (rate) => {
  const [n, unit] = rate.split('/');
  const per = { s: 60, min: 1, '10min': 0.1, '30min': 1 / 30, '2min': 0.5, h: 1 / 60 }[unit];
  return Number(n) * (per ?? Number.NaN);
};
const cells = [...new Set(summary.map(cellKey))].sort((x, y) => {
  const [ux, rx] = x.split('|');
  const [uy, ry] = y.split('|');
  return Number(ux) - Number(uy) || perMin(rx) - perMin(ry) || (rx < ry ? -1 : 1);
});
const designs = [...new Set(summary.map((r) => r.design))];
const adversaries = [...new Set(summary.map((r) => r.adversary))];
const attacks = [...new Set(summary.map((r) => r.attack))];
const reps = Math.max(...[...groups.values()].map((g) => g.top1s.length));
console.log(
  `${dirs.map((d) => d.dir).join(' + ')}: ${cells.length} cells, up to ${reps} replicates, duration ${durations} s\n`,
);
console.log(
  '| design | adversary | users | rate | reps | Λ msg/s | best top1 (attack) | 1/users | pair AUC | msgs to identify (median) | pairs identified | timing targets capped |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
const points = [];
for (const d of designs) {
  for (const a of adversaries) {
    for (const c of cells) {
      let best = null;
      let auc = 0;
      for (const at of attacks) {
        const g = groups.get([d, a, at, c].join('#'));
        if (!g) continue;
        const t = mean(g.top1s);
        if (!best || t > best.top1) best = { top1: t, attack: at, g };
        auc = Math.max(auc, mean(g.aucs));
      }
      if (!best) continue;
      const [users, rate] = c.split('|');
      const lambda = mean(best.g.lambdas);
      const id = idents.get([d, a, best.attack, c].join('#')) ?? { n: 0, msgs: [] };
      const timing = groups.get([d, a, 'timing', c].join('#'));
      points.push({
        d,
        a,
        users: Number(users),
        rate,
        lambda,
        top1: best.top1,
        timing: timing ? mean(timing.top1s) : Number.NaN,
      });
      console.log(
        `| ${d} | ${a} | ${users} | ${rate} | ${best.g.top1s.length} | ${lambda.toFixed(2)} | ${best.top1.toFixed(3)} (${best.attack}) | ${(1 / Number(users)).toFixed(4)} | ${auc.toFixed(3)} | ${Number.isNaN(median(id.msgs)) ? '–' : median(id.msgs)} | ${id.n ? ((100 * id.msgs.length) / id.n).toFixed(0) : '–'} % | ${capped.has([d, a, c].join('#')) ? `${(100 * capped.get([d, a, c].join('#'))).toFixed(0)} %` : '–'} |`,
      );
    }
  }
}

/** Least squares y = a + b·x; returns a, b and R². */
function lsq(xs, ys) {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b, r2: syy > 0 ? (sxy * sxy) / (sxx * syy) : 1 };
}

console.log('\nGlobal observer, timing attack: log top1 = a + b·log Λ (Λ = messages sent per second)');
for (const d of designs) {
  const ps = points.filter((p) => p.d === d && /global/.test(p.a) && p.timing > 0);
  if (ps.length < 3) continue;
  const f = lsq(
    ps.map((p) => Math.log(p.lambda)),
    ps.map((p) => Math.log(p.timing)),
  );
  // Same Λ from different users: does Λ alone explain top1? Residual spread by users.
  const byUsers = lsq(
    ps.map((p) => Math.log(p.users)),
    ps.map((p) => Math.log(p.timing)),
  );
  console.log(
    `${d}: top1 ≈ ${Math.exp(f.a).toFixed(3)} · Λ^${f.b.toFixed(3)} (R² ${f.r2.toFixed(3)}; against users alone R² ${byUsers.r2.toFixed(3)}); ` +
      `at Λ = 10^4/s (10^7 users at 1/10 min) ≈ ${Math.min(1, Math.exp(f.a) * 1e4 ** f.b).toFixed(3)}`,
  );
}
console.log('\nColluding 10 %, best attack: log top1 = a + b·log users (per rate)');
for (const d of designs) {
  for (const rate of [...new Set(points.map((p) => p.rate))]) {
    const ps = points.filter((p) => p.d === d && /colluding/.test(p.a) && p.rate === rate && p.top1 > 0);
    if (ps.length < 3) continue;
    const f = lsq(
      ps.map((p) => Math.log(p.users)),
      ps.map((p) => Math.log(p.top1)),
    );
    console.log(
      `${d} at ${rate}: top1 ≈ ${Math.exp(f.a).toExponential(2)} · users^${f.b.toFixed(3)} (R² ${f.r2.toFixed(3)})`,
    );
  }
}
