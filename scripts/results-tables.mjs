#!/usr/bin/env node
/**
 * Markdown tables for docs/results.md straight from a run's aggregate.csv, so every number in
 * the write-up can be regenerated with one command.
 *
 *   node scripts/results-tables.mjs <results-dir> attacks [--adversary A]…
 *       one row per design × adversary, one column per attack (top1), plus latency and bytes
 *   node scripts/results-tables.mjs <results-dir> grid --rows KEY --cols KEY --adversary A
 *       per design: a KEY × KEY grid of the best attack's top1 (attack) · latency p50 · bytes/message
 *
 * KEY is a swept column of aggregate.csv (e.g. `designs.*.mixDelay`). "Best" = highest top1_mean.
 * `--where KEY=VALUE` (repeatable) keeps only rows with that value, e.g. to fix a third swept key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvParse } from 'd3';

const [dir, mode, ...rest] = process.argv.slice(2);
const opt = (name) => {
  const out = [];
  for (let i = 0; i < rest.length; i++) if (rest[i] === `--${name}`) out.push(rest[i + 1]);
  return out;
};
if (!dir || !['attacks', 'grid'].includes(mode)) {
  console.error(
    'usage: node scripts/results-tables.mjs <results-dir> attacks|grid [--rows KEY --cols KEY] [--adversary A]…',
  );
  process.exit(2);
}
const all = csvParse(readFileSync(join(dir, 'aggregate.csv'), 'utf8'));
const rows = all.filter((r) =>
  opt('where').every((w) => {
    const eq = w.indexOf('=');
    const key = w.slice(0, eq);
    if (eq < 0 || !(key in r)) {
      console.error(`--where ${w}: expected KEY=VALUE with KEY a column of aggregate.csv`);
      process.exit(2);
    }
    return r[key] === w.slice(eq + 1);
  }),
);
if (rows.length === 0) {
  console.error('no rows match the --where filters');
  process.exit(2);
}
const num = (r, k) => Number(r[`${k}_mean`]);
const ms = (v) => (v < 1000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(2)} s`);
const kb = (v) => `${(v / 1000).toLocaleString('en-US', { maximumFractionDigits: v < 10_000 ? 1 : 0 })} KB`;
const unique = (xs) => [...new Set(xs)];
const designs = unique(rows.map((r) => r.design));
const adversaries = opt('adversary').length > 0 ? opt('adversary') : unique(rows.map((r) => r.adversary));
const best = (list) => list.reduce((a, b) => (num(b, 'top1') > num(a, 'top1') ? b : a));

if (mode === 'attacks') {
  const attacks = unique(rows.map((r) => r.attack));
  console.log(`| design | adversary | ${attacks.join(' | ')} | latency p50 | bytes/message |`);
  console.log(`|---|---|${attacks.map(() => '---|').join('')}---|---|`);
  for (const d of designs) {
    for (const a of adversaries) {
      const here = rows.filter((r) => r.design === d && r.adversary === a);
      if (here.length === 0) continue;
      const top = best(here);
      const cells = attacks.map((k) => {
        const r = here.find((x) => x.attack === k);
        if (!r) return '—';
        const v = num(r, 'top1').toFixed(3);
        return r === top ? `**${v}**` : v;
      });
      console.log(
        `| ${d} | ${a} | ${cells.join(' | ')} | ${ms(num(here[0], 'latency_p50_ms'))} | ${kb(num(here[0], 'bytes_per_message'))} |`,
      );
    }
  }
} else {
  const [rk] = opt('rows');
  const [ck] = opt('cols');
  if (!rk || !ck || !(rk in rows[0]) || !(ck in rows[0])) {
    console.error(
      `grid needs --rows and --cols naming swept columns (have: ${Object.keys(rows[0])
        .filter((k) => !k.includes('_') && !['design', 'adversary', 'attack', 'replicates'].includes(k))
        .join(', ')})`,
    );
    process.exit(2);
  }
  const rv = unique(rows.map((r) => r[rk]));
  const cv = unique(rows.map((r) => r[ck]));
  for (const a of adversaries) {
    for (const d of designs) {
      console.log(`\n**${d}** · ${a} — best top1 (attack) · latency p50 · bytes/message\n`);
      console.log(`| ${rk} \\ ${ck} | ${cv.join(' | ')} |`);
      console.log(`|---|${cv.map(() => '---|').join('')}`);
      for (const x of rv) {
        const cells = cv.map((y) => {
          const here = rows.filter((r) => r.design === d && r.adversary === a && r[rk] === x && r[ck] === y);
          if (here.length === 0) return '—';
          const b = best(here);
          return `${num(b, 'top1').toFixed(3)} (${b.attack}) · ${ms(num(b, 'latency_p50_ms'))} · ${kb(num(b, 'bytes_per_message'))}`;
        });
        console.log(`| ${x} | ${cells.join(' | ')} |`);
      }
    }
  }
}
