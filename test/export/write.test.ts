/**
 * writeResults: every CONTRACT §3 file with exact columns and number text, byte-identical for
 * identical input, SHA-256s in manifest.json, and never a partial CSV on failure or abort.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/export/report.js';
import { SUMMARY_COLUMNS, writeResults } from '../../src/export/write.js';
import { QUANTILE_LEVELS } from '../../src/metrics/distribution.js';
import type { RunResult, SummaryRow } from '../../src/pipeline/types.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { tempDir } from '../cli/helpers.js';

const RAW = {
  name: 'w',
  workload: { users: 100 },
  designs: [{ design: 'signal' }],
  adversaries: [{ kind: 'colluding' }],
  sweep: { 'adversaries.0.fraction': [0.1, 0.2] },
};
const { scenario } = resolveScenario(RAW, 'w.yaml');

function summaryRow(cell: number, replicate: number, top1: number): SummaryRow {
  return {
    cell,
    sweep: [cell === 0 ? 0.1 : 0.2],
    design: 'signal',
    adversary: 'colluding',
    attack: 'timing',
    replicate,
    seed: 1 + replicate,
    users: 100,
    messages: 1234,
    deliveries: 1200,
    top1,
    top5: 1 / 3,
    entropy_bits: 3.3219280948873626,
    anonymity_set: 10,
    pair_auc: 0.75,
    pair_precision: 0.5,
    latency_p50_ms: 40.000001,
    latency_p95_ms: 58.2,
    bytes_per_message: 1.5e-7,
    excluded: 0.125,
    held: 3,
  };
}

const tag = { cell: 0, sweep: [0.1], replicate: 0, design: 'signal', adversary: 'colluding', attack: 'timing' };

function result(): RunResult {
  return {
    scenarioName: 'w',
    sweepKeys: ['adversaries.0.fraction'],
    held: [],
    summary: [summaryRow(0, 0, 0.1), summaryRow(0, 1, 0.3), summaryRow(1, 0, 0.5), summaryRow(1, 1, 0.7)],
    pairs: [
      {
        cell: 1,
        sweep: [0.2],
        design: 'signal',
        adversary: 'colluding',
        attack: 'timing',
        sender: 1,
        recipient: 2,
        score: 0.9,
        is_true: true,
      },
    ],
    ttfd: [
      {
        cell: 0,
        sweep: [0.1],
        replicate: 0,
        design: 'signal',
        adversary: 'colluding',
        attack: 'timing',
        sender: 1,
        recipient: 2,
        messages_sent: 4,
        messages_until_identified: null,
        time_until_identified_s: null,
        messages_until_tied_top: 3,
        tied_top: 4,
      },
      {
        cell: 1,
        sweep: [0.2],
        replicate: 0,
        design: 'signal',
        adversary: 'colluding',
        attack: 'timing',
        sender: 3,
        recipient: 4,
        messages_sent: 4,
        messages_until_identified: 2,
        time_until_identified_s: 61.5,
        messages_until_tied_top: 2,
        tied_top: 1,
      },
    ],
    messages: [
      {
        cell: 0,
        sweep: [0.1],
        replicate: 0,
        design: 'signal',
        adversary: 'colluding',
        attack: 'timing',
        message: 7,
        sender: 1,
        recipient: 2,
        sent_ms: 1000,
        delivered_ms: 1040.5,
        true_rank: 1,
        candidates: 100,
        entropy_bits: 0.5,
      },
    ],
    roc: [
      {
        ...tag,
        fpr: [0, 0.25, 0.5, 1],
        tpr: [0, 0.5, 0.6, 1],
        threshold: [Number.POSITIVE_INFINITY, 0.9, Number.NaN, 0],
      },
    ],
    distributions: [{ ...tag, metric: 'anonymity_set', deliveries: 3, q: QUANTILE_LEVELS.map((q) => 1 + q / 10) }],
    correlation: [
      {
        ...tag,
        sample: 1,
        sender: 1,
        recipient: 2,
        wrong: -1,
        windowNs: 5e9,
        shiftNs: 41.25e6,
        windows: 720,
        rSender: 0.5,
        rWrong: Number.NaN,
        window: [3, 9],
        recipientCount: [1, 0],
        senderCount: [1, 2],
        wrongCount: [0, 0],
      },
    ],
    candidates: [
      {
        ...tag,
        sample: 1,
        message: 7,
        sender: 1,
        recipient: 2,
        target: 0,
        anchorNs: 1040.5e6,
        spanNs: 2e9,
        candidates: [
          { user: 1, posterior: 0.75, isTrue: true, before: [40e6, 900e6], density: [2e-8, 1e-10] },
          { user: 5, posterior: 0.25, isTrue: false, before: [], density: [] },
        ],
        otherMass: 0,
        otherUsers: 98,
      },
    ],
    exposure: [
      { design: 'signal', vector: 'ip_visible', value: 1, grade: 'X', adversary: '', attack: '', source: 'measured' },
      {
        design: 'signal',
        vector: 'global_passive',
        value: Number.NaN,
        grade: '',
        adversary: '',
        attack: '',
        source: 'measured',
      },
      {
        design: 'signal',
        vector: 'social_graph',
        value: 0.5,
        grade: 'X',
        adversary: 'single-server',
        attack: 'flow',
        source: 'measured',
      },
      {
        design: 'signal',
        vector: 'real_world_identifier',
        value: 1,
        grade: 'X',
        adversary: '',
        attack: '',
        source: 'input',
      },
    ],
    timelines: [{ design: 'signal', message: 7, sender: 1, recipient: 2, hops: [] }],
    seeds: [1, 2],
    counts: { events: 10, messagesSent: 5, hops: 20, deliveries: 5 },
  };
}

const opts = { scenario, workers: 1, wallTimeS: 1.25, messages: false, report: null };

describe('writeResults(dir, result)', () => {
  it('writes every CSV with the contract columns and fixed number text', async () => {
    const dir = join(tempDir(), 'out');
    const w = await writeResults(dir, result(), opts);
    expect(readdirSync(dir).sort()).toEqual([
      'aggregate.csv',
      'candidates.csv',
      'correlation.csv',
      'distributions.csv',
      'exposure.csv',
      'manifest.json',
      'pairs.csv',
      'roc.csv',
      'summary.csv',
      'timelines.json',
      'ttfd.csv',
    ]);
    const summary = readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n');
    expect(summary[0]).toBe(`${SUMMARY_COLUMNS.join(',')},adversaries.0.fraction`);
    expect(summary[0]).toBe(
      'design,adversary,attack,replicate,seed,users,messages,deliveries,top1,top5,entropy_bits,anonymity_set,pair_auc,pair_precision,latency_p50_ms,latency_p95_ms,bytes_per_message,excluded,held,adversaries.0.fraction',
    );
    expect(summary[1]).toBe(
      'signal,colluding,timing,0,1,100,1234,1200,0.1,0.333333,3.32193,10,0.75,0.5,40,58.2,0.00000015,0.125,3,0.1',
    );
    expect(summary).toHaveLength(6);
    expect(summary[5]).toBe('');
    const agg = readFileSync(join(dir, 'aggregate.csv'), 'utf8').split('\n');
    expect(agg[0].startsWith('design,adversary,attack,replicates,users_mean,users_lo,users_hi,messages_mean')).toBe(
      true,
    );
    expect(agg[0]).toContain(',top1_mean,top1_lo,top1_hi,top5_mean,');
    expect(
      agg[0].endsWith(
        ',bytes_per_message_mean,bytes_per_message_lo,bytes_per_message_hi,excluded_mean,excluded_lo,excluded_hi,held_mean,held_lo,held_hi,adversaries.0.fraction',
      ),
    ).toBe(true);
    const head = agg[0].split(',');
    const r1 = agg[1].split(',');
    expect(r1[head.indexOf('replicates')]).toBe('2');
    expect(r1[head.indexOf('top1_mean')]).toBe('0.2');
    // Two replicates 0.1 and 0.3: the t-interval would be [−1.07062, 1.47062]; Wilson stays in [0, 1].
    expect(Number(r1[head.indexOf('top1_lo')])).toBeGreaterThanOrEqual(0);
    expect(Number(r1[head.indexOf('top1_hi')])).toBeLessThanOrEqual(1);
    expect(Number(r1[head.indexOf('top1_hi')])).toBeGreaterThan(0.3);
    expect(r1[head.indexOf('adversaries.0.fraction')]).toBe('0.1');
    expect(readFileSync(join(dir, 'exposure.csv'), 'utf8')).toBe(
      'design,vector,value,grade,adversary,attack,source\nsignal,ip_visible,1,X,,,measured\nsignal,global_passive,,,,,measured\nsignal,social_graph,0.5,X,single-server,flow,measured\nsignal,real_world_identifier,1,X,,,input\n',
    );
    // The detail files keep their columns and gain the sweep columns at the end.
    expect(readFileSync(join(dir, 'pairs.csv'), 'utf8')).toBe(
      'design,adversary,attack,sender,recipient,score,is_true,adversaries.0.fraction\nsignal,colluding,timing,1,2,0.9,true,0.2\n',
    );
    expect(readFileSync(join(dir, 'ttfd.csv'), 'utf8')).toBe(
      'replicate,design,adversary,attack,sender,recipient,messages_sent,messages_until_identified,time_until_identified_s,messages_until_tied_top,tied_top,adversaries.0.fraction\n' +
        '0,signal,colluding,timing,1,2,4,,,3,4,0.1\n0,signal,colluding,timing,3,4,4,2,61.5,2,1,0.2\n',
    );
    // CONTRACT §7 files: labels, replicate, sweep columns, then their own.
    expect(readFileSync(join(dir, 'roc.csv'), 'utf8')).toBe(
      'design,adversary,attack,replicate,adversaries.0.fraction,fpr,tpr,threshold\n' +
        'signal,colluding,timing,0,0.1,0,0,inf\nsignal,colluding,timing,0,0.1,0.25,0.5,0.9\n' +
        'signal,colluding,timing,0,0.1,0.5,0.6,\nsignal,colluding,timing,0,0.1,1,1,0\n',
    );
    const dist = readFileSync(join(dir, 'distributions.csv'), 'utf8').split('\n');
    expect(dist[0]).toBe(
      `design,adversary,attack,replicate,adversaries.0.fraction,metric,deliveries,${QUANTILE_LEVELS.map((q) => `p${q}`).join(',')}`,
    );
    expect(dist[1]).toBe(
      'signal,colluding,timing,0,0.1,anonymity_set,3,1,1.5,2,2.5,3,3.5,4,4.5,5,5.5,6,6.5,7,7.5,8,8.5,9,9.5,10,10.5,11',
    );
    expect(readFileSync(join(dir, 'correlation.csv'), 'utf8')).toBe(
      'design,adversary,attack,replicate,adversaries.0.fraction,sample,recipient,sender,wrong,window_s,shift_s,windows,r_sender,r_wrong,window,t_s,recipient_count,sender_count,wrong_count\n' +
        'signal,colluding,timing,0,0.1,1,2,1,,5,0.04125,720,0.5,,3,15,1,1,\n' +
        'signal,colluding,timing,0,0.1,1,2,1,,5,0.04125,720,0.5,,9,45,0,2,\n',
    );
    expect(readFileSync(join(dir, 'candidates.csv'), 'utf8')).toBe(
      'design,adversary,attack,replicate,adversaries.0.fraction,sample,message,recipient,sender,anchor_ms,span_s,other_mass,other_users,candidate,posterior,is_true,before_ms,density_per_s\n' +
        'signal,colluding,timing,0,0.1,1,7,2,1,1040.5,2,0,98,1,0.75,true,40,20\n' +
        'signal,colluding,timing,0,0.1,1,7,2,1,1040.5,2,0,98,1,0.75,true,900,0.1\n' +
        'signal,colluding,timing,0,0.1,1,7,2,1,1040.5,2,0,98,5,0.25,false,,\n',
    );
    expect(w.report).toBeNull();
  });

  it('records version, scenario, seeds, counts and the SHA-256 of every CSV in manifest.json', async () => {
    const dir = join(tempDir(), 'out');
    await writeResults(dir, result(), { ...opts, workers: 3 });
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.anonsim).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.commit === null || /^[0-9a-f]{40}$/.test(m.commit)).toBe(true);
    expect(m.node).toBe(process.version);
    expect(m.workers).toBe(3);
    expect(m.wallTimeS).toBe(1.25);
    expect(m.seeds).toEqual([1, 2]);
    expect(m.counts).toEqual({ events: 10, messagesSent: 5, hops: 20, deliveries: 5 });
    expect(m.scenario.name).toBe('w');
    expect(m.scenario.sweep).toEqual({ 'adversaries.0.fraction': [0.1, 0.2] });
    expect(Object.keys(m.files).sort()).toEqual([
      'aggregate.csv',
      'candidates.csv',
      'correlation.csv',
      'distributions.csv',
      'exposure.csv',
      'pairs.csv',
      'roc.csv',
      'summary.csv',
      'ttfd.csv',
    ]);
    for (const [name, f] of Object.entries(m.files as Record<string, { sha256: string; bytes: number }>)) {
      const buf = readFileSync(join(dir, name));
      expect(f.sha256).toBe(createHash('sha256').update(buf).digest('hex'));
      expect(f.bytes).toBe(buf.length);
    }
  });

  it('is byte-identical for identical results', async () => {
    const a = join(tempDir(), 'a');
    const b = join(tempDir(), 'b');
    await writeResults(a, result(), { ...opts, messages: true });
    await writeResults(b, result(), { ...opts, messages: true, workers: 8, wallTimeS: 99 });
    for (const f of ['summary.csv', 'aggregate.csv', 'exposure.csv', 'pairs.csv', 'ttfd.csv', 'messages.csv'])
      expect(readFileSync(join(b, f)), f).toEqual(readFileSync(join(a, f)));
  });

  it('writes messages.csv only with messages: true, and removes a stale one otherwise', async () => {
    const dir = join(tempDir(), 'out');
    await writeResults(dir, result(), { ...opts, messages: true });
    expect(readFileSync(join(dir, 'messages.csv'), 'utf8')).toBe(
      'replicate,design,adversary,attack,message,sender,recipient,sent_ms,delivered_ms,true_rank,candidates,entropy_bits,adversaries.0.fraction\n' +
        '0,signal,colluding,timing,7,1,2,1000,1040.5,1,100,0.5,0.1\n',
    );
    await writeResults(dir, result(), opts);
    expect(existsSync(join(dir, 'messages.csv'))).toBe(false);
  });

  it('leaves nothing behind when a row source fails midway', async () => {
    const dir = join(tempDir(), 'out');
    const r = result();
    r.ttfd = new Proxy(r.ttfd, {
      get(t, p) {
        if (p === Symbol.iterator) throw new Error('boom');
        return Reflect.get(t, p);
      },
    });
    await expect(writeResults(dir, r, opts)).rejects.toThrow('boom');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the previous results intact when a rewrite fails', async () => {
    const dir = join(tempDir(), 'out');
    await writeResults(dir, result(), opts);
    const before = readFileSync(join(dir, 'summary.csv'));
    const r = result();
    r.summary = r.summary.map((s) => ({ ...s, top1: 0.999 }));
    r.pairs = new Proxy(r.pairs, {
      get(t, p) {
        if (p === Symbol.iterator) throw new Error('boom');
        return Reflect.get(t, p);
      },
    });
    await expect(writeResults(dir, r, opts)).rejects.toThrow('boom');
    expect(readFileSync(join(dir, 'summary.csv'))).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('writes nothing when aborted', async () => {
    const dir = join(tempDir(), 'out');
    mkdirSync(dir);
    const ac = new AbortController();
    ac.abort();
    await expect(writeResults(dir, result(), { ...opts, signal: ac.signal })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an output path that is a file', async () => {
    const f = join(tempDir(), 'file');
    writeFileSync(f, 'x');
    await expect(writeResults(f, result(), opts)).rejects.toThrow(/is a file/);
  });

  it('still writes the CSVs when the report cannot be written', async () => {
    const dir = join(tempDir(), 'out');
    const w = await writeResults(dir, result(), {
      ...opts,
      report: async () => {
        throw new Error('no viewer');
      },
    });
    expect(w.report).toBeNull();
    expect(w.reportError).toBe('no viewer');
    expect(existsSync(join(dir, 'summary.csv'))).toBe(true);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('writes report.html with the data inlined when the viewer is built', async (ctx) => {
    if (!existsSync(join(process.cwd(), 'dist/viewer/index.html'))) ctx.skip();
    const dir = join(tempDir(), 'out');
    const w = await writeResults(dir, result(), { ...opts, report: writeReport });
    expect(w.report).toBe(join(dir, 'report.html'));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('anonsim-data');
    expect(html).toContain('adversaries.0.fraction');
  });
});
