/**
 * report.html: the d3 viewer (dist/viewer/index.html, built by viz/build.mjs) with a run's results
 * inlined as JSON, so the page opens from file:// with no server and no network. The JSON sits in
 * a `<script type="application/json" id="anonsim-data">` block and is escaped so no data string can
 * close that element or open an HTML comment (`<`, `>`, `&`, U+2028/9 become \u escapes).
 */
import { existsSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { packageRoot } from '../core/package.js';
import type { SweepRates } from './rates.js';

/** The placeholder the viewer template carries (kept in sync with viz/build.mjs). */
export const DATA_PLACEHOLDER = '<script type="application/json" id="anonsim-data">null</script>';
const DATA_OPEN = '<script type="application/json" id="anonsim-data">';

/** Results files the viewer reads, by key (`summary` ↔ summary.csv). */
export const REPORT_FILES = [
  'summary',
  'aggregate',
  'exposure',
  'pairs',
  'ttfd',
  'messages',
  'roc',
  'distributions',
  'correlation',
  'candidates',
  'compare',
] as const;

export interface ReportData {
  title: string;
  summary?: string;
  aggregate?: string;
  exposure?: string;
  pairs?: string;
  ttfd?: string;
  messages?: string;
  roc?: string;
  distributions?: string;
  correlation?: string;
  candidates?: string;
  /** compare.csv (paired differences; a run with `compare:` pairs, or `anonsim compare -o`). */
  compare?: string;
  timelines: unknown[];
  /** Message rates per sweep cell and design (rates.ts) for the trilemma panel; absent in older results. */
  rates?: SweepRates;
  /** What made the results (manifest.json): printed in every chart's caption and exported figure. */
  provenance?: Provenance;
}

/** The anonsim version and git commit that made a results folder. */
export interface Provenance {
  anonsim: string;
  commit: string | null;
}

/** What report.html carries besides the CSV texts. */
export interface ReportExtra {
  timelines: unknown[];
  title: string;
  rates?: SweepRates;
  provenance?: Provenance;
}

/** JSON that is safe inside a `<script type="application/json">` element. */
export function safeJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Puts `data` into the viewer template (pure; throws if the template has no placeholder). */
export function inlineReport(template: string, data: unknown): string {
  const i = template.indexOf(DATA_PLACEHOLDER);
  if (i < 0) throw new Error('viewer template has no anonsim-data placeholder; rebuild it with `npm run build`');
  return `${template.slice(0, i)}${DATA_OPEN}${safeJson(data)}</script>${template.slice(i + DATA_PLACEHOLDER.length)}`;
}

/** The data inlined in a report.html (or null when there is none or it does not parse). */
export function extractReportData(html: string): Record<string, unknown> | null {
  const i = html.indexOf(DATA_OPEN);
  if (i < 0) return null;
  const start = i + DATA_OPEN.length;
  const end = html.indexOf('</script>', start);
  if (end < 0) return null;
  try {
    const v = JSON.parse(html.slice(start, end)) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function viewerTemplatePath(): string {
  return join(packageRoot(), 'dist', 'viewer', 'index.html');
}

export async function loadViewerTemplate(): Promise<string> {
  const p = viewerTemplatePath();
  if (!existsSync(p)) throw new Error(`viewer template ${p} is missing - run \`npm run build\` first`);
  return readFile(p, 'utf8');
}

/** Normalises `{ 'summary.csv': …, aggregate: … }` to the viewer's data object. */
export function reportData(files: Record<string, string>, extra: ReportExtra): ReportData {
  const data: ReportData = { title: extra.title, timelines: extra.timelines ?? [] };
  if (extra.rates !== undefined) data.rates = extra.rates;
  if (extra.provenance !== undefined) data.provenance = extra.provenance;
  for (const [name, text] of Object.entries(files)) {
    const key = basename(name).replace(/\.csv$/i, '') as (typeof REPORT_FILES)[number];
    if ((REPORT_FILES as readonly string[]).includes(key) && typeof text === 'string') data[key] = text;
  }
  return data;
}

/** Writes `<dir>/report.html` (temp name, then rename) and returns its path. */
export async function writeReport(dir: string, files: Record<string, string>, extra: ReportExtra): Promise<string> {
  const html = inlineReport(await loadViewerTemplate(), reportData(files, extra));
  const out = resolve(dir, 'report.html');
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, html);
    await rename(tmp, out);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  return out;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The viewer data of a results folder as it is on disk now: its CSVs; timelines from
 * timelines.json, else from the data inlined in its report.html; the title from manifest.json's
 * scenario name, else report.html, else the folder name; the message rates from manifest.json's
 * `rates`, else report.html (none for results written before they existed).
 */
export async function readResults(dir: string): Promise<ReportData> {
  const files: Record<string, string> = {};
  for (const key of REPORT_FILES) {
    const text = await readIfExists(join(dir, `${key}.csv`));
    if (text !== undefined) files[key] = text;
  }
  const report = await readIfExists(join(dir, 'report.html'));
  const inlined = report ? extractReportData(report) : null;
  let timelines: unknown[] = [];
  const tl = await readIfExists(join(dir, 'timelines.json'));
  if (tl !== undefined) {
    try {
      const v = JSON.parse(tl) as unknown;
      if (Array.isArray(v)) timelines = v;
    } catch {
      // ignore a broken timelines.json
    }
  } else if (inlined && Array.isArray(inlined.timelines)) timelines = inlined.timelines;
  let title = '';
  let rates: unknown;
  let provenance: Provenance | undefined;
  const manifest = await readIfExists(join(dir, 'manifest.json'));
  if (manifest) {
    try {
      const m = JSON.parse(manifest) as {
        scenario?: { name?: unknown };
        name?: unknown;
        rates?: unknown;
        anonsim?: unknown;
        commit?: unknown;
      };
      const name = m.scenario?.name ?? m.name;
      if (typeof name === 'string') title = name;
      rates = m.rates;
      if (typeof m.anonsim === 'string')
        provenance = { anonsim: m.anonsim, commit: typeof m.commit === 'string' ? m.commit : null };
    } catch {
      // ignore a broken manifest
    }
  }
  if (!title && inlined && typeof inlined.title === 'string') title = inlined.title;
  if (!title) title = basename(resolve(dir));
  if ((rates === undefined || rates === null) && inlined) rates = inlined.rates;
  // The viewer checks every field of it (viz/src/tradeoff-data.ts), so only its shape is checked here.
  const extra: ReportExtra = { timelines, title };
  if (provenance) extra.provenance = provenance;
  if (rates && typeof rates === 'object' && !Array.isArray(rates)) extra.rates = rates as SweepRates;
  return reportData(files, extra);
}
