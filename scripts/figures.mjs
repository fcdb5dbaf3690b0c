#!/usr/bin/env node
/**
 * Exports charts from a results folder's report.html exactly as the viewer's SVG button does
 * (headless Chromium via playwright-core), so figures in docs/ come from the viewer itself.
 *
 *   node scripts/figures.mjs <results-dir> <out-dir> <name>=<chart>[,<control>=<value>…] …
 *
 * <chart> is a chart id (overview, sweep, exposure, heatmap, roc, anoncdf, ttfd, tradeoff,
 * timeline); controls are the viewer's selectors by key: design, adversary, attack, metric,
 * sweepKey, cell (option value or visible text). Writes <out-dir>/<name>.svg.
 * Example: node scripts/figures.mjs results/default docs/figures default-overview=overview,adversary=global-passive
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CONTROL_IDS = {
  design: 'sel-design',
  adversary: 'sel-adversary',
  attack: 'sel-attack',
  metric: 'sel-metric',
  sweepKey: 'sel-sweep-key',
  cell: 'sel-cell',
  message: 'sel-message',
};

const [dir, out, ...specs] = process.argv.slice(2);
if (!dir || !out || specs.length === 0) {
  console.error('usage: node scripts/figures.mjs <results-dir> <out-dir> <name>=<chart>[,<control>=<value>…] …');
  process.exit(2);
}
const report = resolve(dir, 'report.html');
if (!existsSync(report)) {
  console.error(`no report.html in ${dir}; run the scenario first`);
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
mkdirSync(out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'anonsim-figures-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1400, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector('svg.chart-svg');
  for (const spec of specs) {
    const [name, rest] =
      spec.split('=', 2).length === 2
        ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)]
        : [spec, spec];
    const [chart, ...controls] = rest.split(',');
    for (const c of controls) {
      const [key, value] = c.split('=');
      const id = CONTROL_IDS[key];
      if (!id) throw new Error(`${spec}: unknown control ${key} (one of ${Object.keys(CONTROL_IDS).join(', ')})`);
      const sel = page.locator(`#${id}`);
      const values = await sel.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
      const hit = values.find(([v, t]) => v === value || t === value);
      if (!hit) throw new Error(`${spec}: ${key} has no option ${value} (have: ${values.map(([v]) => v).join(', ')})`);
      await sel.selectOption(hit[0]);
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`#sec-${chart} .export-svg`).click(),
    ]);
    const file = join(out, `${name}.svg`);
    await download.saveAs(file);
    console.log(file);
  }
  if (errors.length > 0) throw new Error(`viewer console errors: ${errors.join('; ')}`);
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
