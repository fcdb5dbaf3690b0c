/**
 * `anonsim figures <DIR> [NAME=CHART[,CONTROL=VALUE…]]… [-o OUT]`: exports charts of a results
 * folder's report.html as SVG exactly as the viewer's SVG button does (headless Chromium through
 * playwright-core), so figures in papers and docs come from the viewer itself, caption and
 * provenance (anonsim version and commit) included. Without specs, every chart is exported with
 * the viewer's default selection, named by its chart id.
 *
 * CONTROL is one of the viewer's selectors (design, adversary, attack, metric, sweepKey, cell,
 * message, and the comparison view's pair); VALUE is an option's value or visible text.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Problem, ScenarioError } from '../scenario/errors.js';
import { nearMiss } from '../scenario/fields.js';
import type { Argv } from './argv.js';
import type { Io } from './io.js';

/** Viewer selectors by the key a spec names them with (ids in viz/src/main.ts and viz/src/charts/compare.ts). */
export const FIGURE_CONTROLS: Record<string, string> = {
  design: 'sel-design',
  adversary: 'sel-adversary',
  attack: 'sel-attack',
  metric: 'sel-metric',
  sweepKey: 'sel-sweep-key',
  cell: 'sel-cell',
  message: 'sel-message',
  pair: 'sel-compare-pair',
};

export interface FigureSpec {
  name: string;
  chart: string;
  controls: { key: string; value: string }[];
  /** Position of the spec among the command's arguments (for problem lines). */
  arg: string;
}

/** Parses `NAME=CHART[,K=V…]` or `CHART[,K=V…]`; problems for malformed specs and unknown controls. */
export function parseFigureSpecs(specs: string[], argv: Argv): { specs: FigureSpec[]; problems: Problem[] } {
  const out: FigureSpec[] = [];
  const problems: Problem[] = [];
  for (const arg of specs) {
    const [head, ...rest] = arg.split(',');
    const eq = head.indexOf('=');
    const name = eq >= 0 ? head.slice(0, eq) : head;
    const chart = eq >= 0 ? head.slice(eq + 1) : head;
    const expected = 'NAME=CHART[,CONTROL=VALUE…], e.g. overview or fig1=tradeoff,adversary=global-passive';
    if (name === '' || chart === '' || !/^[\w.-]+$/.test(name)) {
      problems.push(argv.problem(arg, `"${arg}" is not a figure spec`, expected));
      continue;
    }
    const controls: FigureSpec['controls'] = [];
    for (const c of rest) {
      const ce = c.indexOf('=');
      const key = ce > 0 ? c.slice(0, ce) : c;
      if (ce <= 0) problems.push(argv.problem(arg, `"${c}" is not CONTROL=VALUE`, expected));
      else if (!(key in FIGURE_CONTROLS))
        problems.push(
          argv.problem(
            arg,
            `unknown control "${key}"`,
            `one of ${Object.keys(FIGURE_CONTROLS).join(', ')}`,
            nearMiss(key, Object.keys(FIGURE_CONTROLS)),
          ),
        );
      else controls.push({ key, value: c.slice(ce + 1) });
    }
    out.push({ name, chart, controls, arg });
  }
  return { specs: out, problems };
}

export function chromiumPath(env: Record<string, string | undefined>): string {
  return env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function figuresCommand(
  dir: string,
  args: string[],
  flags: { out?: string },
  argv: Argv,
  io: Io,
): Promise<number> {
  const env = io.env ?? process.env;
  const report = resolve(dir, 'report.html');
  const parsed = parseFigureSpecs(args, argv);
  const problems = [...parsed.problems];
  if (!existsSync(report))
    problems.push(argv.problem(dir, `has no report.html`, 'a results folder written by anonsim run, merge or compare'));
  const executablePath = chromiumPath(env);
  if (!existsSync(executablePath))
    problems.push(
      argv.problem(
        'figures',
        `no Chromium at ${executablePath}`,
        'Chromium installed (Debian: apt-get install chromium) or CHROMIUM_PATH naming its executable',
      ),
    );
  // playwright-core drives Chromium; it is installed by `npm ci` (a development dependency).
  let chromium: typeof import('playwright-core').chromium | undefined;
  try {
    chromium = (await import('playwright-core')).chromium;
  } catch {
    problems.push(
      argv.problem('figures', 'playwright-core is not installed', 'npm ci in the anonsim folder (it installs it)'),
    );
  }
  if (problems.length > 0 || !chromium) throw new ScenarioError(problems);

  const out = flags.out ?? join(dir, 'figures');
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
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(report).href);
    await page.waitForSelector('body[data-ready="true"]');
    const charts = await page
      .locator('section.chart')
      .evaluateAll((els) => els.map((e) => e.id.replace(/^sec-/, '')).filter((id) => id !== ''));
    const specs: FigureSpec[] =
      parsed.specs.length > 0 ? parsed.specs : charts.map((c) => ({ name: c, chart: c, controls: [], arg: dir }));
    const bad: Problem[] = [];
    for (const s of specs)
      if (!charts.includes(s.chart))
        bad.push(
          argv.problem(
            s.arg,
            `this report has no chart "${s.chart}"`,
            `one of ${charts.join(', ')}`,
            nearMiss(s.chart, charts),
          ),
        );
    if (bad.length > 0) throw new ScenarioError(bad);
    for (const s of specs) {
      for (const c of s.controls) {
        const sel = page.locator(`#${FIGURE_CONTROLS[c.key]}`);
        const options =
          (await sel.count()) > 0
            ? await sel
                .locator('option')
                .evaluateAll((os) => os.map((o) => [(o as unknown as { value: string }).value, o.textContent ?? '']))
            : [];
        const hit = options.find(([v, t]) => v === c.value || t === c.value);
        if (!hit)
          throw new ScenarioError([
            argv.problem(
              s.arg,
              `${c.key} has no option "${c.value}" in this report`,
              options.length > 0 ? `one of ${options.map(([v]) => v).join(', ')}` : `a report with a ${c.key} selector`,
              nearMiss(
                c.value,
                options.map(([v]) => v),
              ),
            ),
          ]);
        await sel.selectOption(hit[0]);
      }
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`#sec-${s.chart} .export-svg`).click(),
      ]);
      const file = join(out, `${s.name}.svg`);
      await download.saveAs(file);
      io.out(`${file}\n`);
    }
    if (errors.length > 0) throw new Error(`viewer console errors: ${errors.join('; ')}`);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return 0;
}
