/**
 * report.html without a browser: safe inlining of the data block, writeReport's output, and the
 * viewer's pure data functions (viz/src/data.ts) on the hand-written fixture.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/package.js';
import {
  DATA_PLACEHOLDER,
  extractReportData,
  inlineReport,
  readResults,
  reportData,
  safeJson,
  viewerTemplatePath,
  writeReport,
} from '../../src/export/report.js';
import { articleDesign, buildModel, ecdf, heatSample, sweepKeysOf } from '../../viz/src/data.js';
import { DESIGNS, type Fixture, makeFixture, SWEEP_KEY, SWEEP_VALUES, TITLE, XSS } from './fixture.js';

const TEMPLATE = `<!doctype html><html><head><title>t</title></head><body>${DATA_PLACEHOLDER}<script>app()</script></body></html>`;

describe('inlineReport', () => {
  it('escapes everything that could end the data block or open a comment', () => {
    const evil = '</script><script>alert(1)</script><!-- --> & \u2028\u2029 </SCRIPT >';
    const html = inlineReport(TEMPLATE, { title: evil, summary: evil, timelines: [{ design: evil }] });
    const start = html.indexOf('id="anonsim-data">') + 'id="anonsim-data">'.length;
    const end = html.indexOf('</script>', start);
    const block = html.slice(start, end);
    expect(block).not.toMatch(/[<>&\u2028\u2029]/);
    // Exactly the template's two script elements remain.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script>/gi)).toHaveLength(2);
    expect(html.endsWith('<script>app()</script></body></html>')).toBe(true);
    expect(JSON.parse(block)).toEqual({ title: evil, summary: evil, timelines: [{ design: evil }] });
    expect(extractReportData(html)).toEqual({ title: evil, summary: evil, timelines: [{ design: evil }] });
  });

  it('keeps $ patterns literal and refuses a template without placeholder', () => {
    const html = inlineReport(TEMPLATE, { title: "$& $' $` $$" });
    expect(extractReportData(html)?.title).toBe("$& $' $` $$");
    expect(() => inlineReport('<html></html>', {})).toThrow(/placeholder/);
    expect(safeJson('<!--')).toBe('"\\u003c!--"');
  });

  it('normalises file keys', () => {
    const d = reportData({ 'summary.csv': 'a', aggregate: 'b', 'other.txt': 'c' }, { timelines: [], title: 'x' });
    expect(d).toEqual({ title: 'x', timelines: [], summary: 'a', aggregate: 'b' });
  });
});

describe('writeReport and readResults', () => {
  let tmp: string;
  let fx: Fixture;
  beforeAll(async () => {
    if (!readdirSync(resolve(packageRoot(), 'dist')).includes('viewer')) {
      const { buildViewer } = await import('../../viz/build.mjs');
      await buildViewer({ quiet: true });
    }
    tmp = mkdtempSync(join(tmpdir(), 'anonsim-report-'));
    fx = makeFixture(join(tmp, 'results'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('finds the package and its viewer template', () => {
    expect(packageRoot()).toBe(resolve(import.meta.dirname, '../..'));
    expect(viewerTemplatePath()).toBe(resolve(import.meta.dirname, '../../dist/viewer/index.html'));
    const template = readFileSync(viewerTemplatePath(), 'utf8');
    expect(template).toContain(DATA_PLACEHOLDER);
    expect(template).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    // Nothing that would load from the network: no external scripts, links, imports or CSS urls,
    // and the only absolute URLs are XML namespace names.
    const loads = template.match(/<script[^>]+src=|<link[^>]+href="(?!data:)|@import|(?<![A-Za-z])url\((?!#)/gi);
    expect(loads).toBeNull();
    const urls = new Set(template.match(/https?:\/\/[^"'\s)`]*/g));
    expect([...urls].filter((u) => !u.startsWith('http://www.w3.org/'))).toEqual([]);
  });

  it('writes report.html atomically with the data inlined', async () => {
    const path = await writeReport(fx.dir, { ...fx.files }, { timelines: fx.timelines, title: TITLE });
    expect(path).toBe(join(fx.dir, 'report.html'));
    expect(readdirSync(fx.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const data = extractReportData(readFileSync(path, 'utf8'));
    expect(data?.title).toBe(TITLE);
    expect(data?.summary).toBe(fx.files.summary);
    expect(data?.timelines).toEqual(fx.timelines);
  });

  it('reads a results folder back, timelines from report.html', async () => {
    await writeReport(fx.dir, fx.files, { timelines: fx.timelines, title: 'ignored' });
    const d = await readResults(fx.dir);
    expect(d.title).toBe(TITLE); // manifest.json's scenario name wins
    expect(d.pairs).toBe(fx.files.pairs);
    expect(d.messages).toBe(fx.files.messages);
    expect(d.timelines).toEqual(fx.timelines);
  });

  it('builds the viewer model from the fixture', () => {
    const m = buildModel({ ...fx.files, title: TITLE, timelines: fx.timelines });
    expect(m.designs).toEqual(DESIGNS);
    expect(m.sweepKeys).toEqual([SWEEP_KEY]);
    expect(m.sweepNumeric).toEqual([true]);
    expect(m.cells.map((c) => Number(c.values[0]))).toEqual(SWEEP_VALUES);
    expect(m.aggregate).toHaveLength(fx.aggregateRows);
    expect(m.metrics[0]).toBe('top1');
    expect(m.aggregate[0].users).toBe(50);
    expect(m.exposure.find((e) => e.design === XSS)?.design).toBe(XSS);
    expect(m.exposure.filter((e) => e.source === 'input').map((e) => e.vector)).toEqual(
      DESIGNS.map(() => 'real_world_identifier'),
    );
    // Results written before the source column read as measured.
    expect(buildModel({ exposure: 'design,vector,value,grade\na,ip_visible,1,X\n' }).exposure[0].source).toBe(
      'measured',
    );
    expect(m.timelines).toHaveLength(3);
    expect(m.messages?.length).toBeGreaterThan(0);
    // Missing files are fine.
    const empty = buildModel({});
    expect(empty.designs).toEqual([]);
    expect(empty.sweepKeys).toEqual([]);
  });
});

describe('viewer data functions', () => {
  it('finds sweep columns: every summary column that is not a fixed one', () => {
    expect(sweepKeysOf(['design', 'bytes_per_message', 'a.b', 'excluded', 'held', 'c'], [])).toEqual(['a.b', 'c']);
    expect(sweepKeysOf([], ['design', 'adversary', 'attack', 'replicates', 'top1_mean', 'top1_lo', 'x.y'])).toEqual([
      'x.y',
    ]);
  });

  it('computes an ECDF with ties as one step', () => {
    expect(ecdf([3, 1, 1, 2])).toEqual([
      [1, 0.5],
      [2, 0.75],
      [3, 1],
    ]);
    const big = ecdf(
      Array.from({ length: 5000 }, (_, i) => i),
      100,
    );
    expect(big.length).toBeLessThanOrEqual(101);
    expect(big.at(-1)).toEqual([4999, 1]);
  });

  it('samples and orders the heat map', () => {
    const pairs = [
      { sender: 'a', recipient: 'x', score: 0.9, isTrue: true },
      { sender: 'b', recipient: 'y', score: 0.8, isTrue: true },
      { sender: 'a', recipient: 'y', score: 0.1, isTrue: false },
      { sender: 'c', recipient: 'z', score: 0.05, isTrue: false },
    ].map((p) => ({ design: 'd', adversary: 'v', attack: 't', cell: 0, ...p }));
    const s = heatSample(pairs, 2);
    expect(s.senders).toEqual(['a', 'b']);
    expect(s.recipients).toEqual(['x', 'y']);
    expect(s.cells).toHaveLength(3);
  });

  it('maps scenario design names to the article', () => {
    expect(articleDesign('signal')).toBe('signal');
    expect(articleDesign('matrix-zipf')).toBe('matrix');
    expect(articleDesign('SimpleX')).toBe('simplex');
    expect(articleDesign(XSS)).toBeUndefined();
  });
});
