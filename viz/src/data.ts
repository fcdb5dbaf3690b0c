/**
 * The viewer's data model: parses the raw CSV texts inlined in the page (docs/cli.md) into typed
 * rows and derives what the charts draw (sweep cells, ECDFs, heat-map samples; the detail files in
 * detail-data.ts).
 * Pure functions only (no DOM), so tests can run them in Node.
 */
import { csvParseRows } from 'd3';
import { METRICS, SUMMARY_COLUMNS } from '../../src/metrics/schema.js';
import { candData, corrData, type DetailModel, distData, rocData } from './detail-data.js';
import { parseRates, type RatesIndex } from './tradeoff-data.js';

/** The JSON block the page reads from `<script type="application/json" id="anonsim-data">`. */
export interface RawData {
  title?: string;
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
  timelines?: unknown[];
  /** Messages per user per second by sweep cell and design (src/export/rates.ts); absent in older results. */
  rates?: unknown;
  /** compare.csv: paired differences (charts/compare.ts). */
  compare?: string;
  /** The anonsim version and commit that made the results (manifest.json), for captions. */
  provenance?: { anonsim?: unknown; commit?: unknown };
}

export type Grade = 'A' | 'P' | 'X';

/** Per-replicate metrics of summary.csv, in contract order (one list: src/metrics/schema.ts). */
export { METRICS };

export const METRIC_LABELS: Record<string, string> = {
  top1: 'top-1 linkage probability',
  top5: 'top-5 linkage probability',
  entropy_bits: 'sender entropy (bits)',
  anonymity_set: 'anonymity set 2^H (users)',
  pair_auc: 'pair ROC AUC',
  pair_precision: 'pair precision at K',
  latency_p50_ms: 'latency p50 (ms)',
  latency_p95_ms: 'latency p95 (ms)',
  bytes_per_message: 'bytes per message (B)',
  excluded: 'true sender ruled out (fraction)',
  users: 'users',
  messages: 'messages',
  deliveries: 'scored deliveries',
  held: 'hosts held',
};

/** Aggregate columns that count the run rather than measure an attack: never offered as chart metrics. */
const COUNTS: readonly string[] = ['users', 'messages', 'deliveries', 'held'];

/** The fixed first columns of summary.csv (src/metrics/schema.ts); every later column is a swept key path. */
export const SUMMARY_FIXED: readonly string[] = SUMMARY_COLUMNS;

/** The six rows of the article's metadata exposure matrix, in its order. */
export const VECTORS = [
  'real_world_identifier',
  'social_graph',
  'ip_visible',
  'group_membership',
  'global_passive',
  'push_infrastructure',
] as const;

export const VECTOR_LABELS: Record<string, string> = {
  real_world_identifier: 'Account tied to real-world identifier',
  social_graph: 'Server can build social graph',
  ip_visible: 'IP address visible to relay/server',
  group_membership: 'Room/group membership exposed',
  global_passive: 'Vulnerable to global passive adversary',
  push_infrastructure: 'Push notifications use platform infra',
};

/** The article's grades (seed article, "Metadata Exposure Matrix"). */
export const ARTICLE: Record<string, Record<string, Grade>> = {
  real_world_identifier: { signal: 'X', session: 'A', simplex: 'A', matrix: 'P' },
  social_graph: { signal: 'A', session: 'A', simplex: 'A', matrix: 'X' },
  ip_visible: { signal: 'X', session: 'A', simplex: 'A', matrix: 'X' },
  group_membership: { signal: 'A', session: 'A', simplex: 'A', matrix: 'X' },
  global_passive: { signal: 'X', session: 'P', simplex: 'P', matrix: 'X' },
  push_infrastructure: { signal: 'X', session: 'X', simplex: 'P', matrix: 'X' },
};

const ARTICLE_DESIGNS = ['simplex', 'signal', 'session', 'matrix'];

/** The article design a scenario design name refers to (`signal`, `matrix-zipf` → matrix), if any. */
export function articleDesign(name: string): string | undefined {
  const n = name.toLowerCase();
  return ARTICLE_DESIGNS.find((d) => n === d) ?? ARTICLE_DESIGNS.find((d) => n.startsWith(d) || n.includes(d));
}

export function articleGrade(vector: string, design: string): Grade | undefined {
  const d = articleDesign(design);
  return d ? ARTICLE[vector]?.[d] : undefined;
}

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
}

/** One aggregate.csv row (one sweep cell × design × adversary × attack). */
export interface AggRow {
  design: string;
  adversary: string;
  attack: string;
  cell: number;
  replicates: number;
  users: number;
  m: Record<string, Interval>;
}

/** One summary.csv row (one replicate). */
export interface SumRow {
  design: string;
  adversary: string;
  attack: string;
  cell: number;
  replicate: number;
  users: number;
  v: Record<string, number>;
}

export interface PairData {
  design: string;
  adversary: string;
  attack: string;
  cell: number;
  sender: string;
  recipient: string;
  score: number;
  isTrue: boolean;
}

export interface ExposureData {
  design: string;
  vector: string;
  value: number;
  /** '' when not measured (no data). */
  grade: string;
  /** The scenario's adversary and the best attack an attack-based value came from ('' otherwise or in older results). */
  adversary: string;
  attack: string;
  /** 'input': a parameter of the model passed through, not measured on the run; 'measured' (also in older results). */
  source: string;
}

export interface TtfdData {
  replicate: number;
  design: string;
  adversary: string;
  attack: string;
  cell: number;
  sender: string;
  recipient: string;
  messagesUntil: number | null;
  timeUntil: number | null;
  /** Tie-aware variant: first message with the sender among the causal top, and among how many (null in older results or never). */
  messagesUntilTop: number | null;
  tiedTop: number | null;
}

export interface MessageData {
  design: string;
  adversary: string;
  attack: string;
  cell: number;
  entropyBits: number;
}

export interface Hop {
  from: string;
  to: string;
  fromRole: string;
  toRole: string;
  tTxMs: number;
  tRxMs: number;
  bytes: number;
  kind: string;
  sees: string;
  heldBy: string[];
  /** Optional exact per-end holders (when the exporter provides them). */
  fromHeldBy?: string[];
  toHeldBy?: string[];
}

export interface TimelineData {
  design: string;
  message: string;
  sender: string;
  recipient: string;
  hops: Hop[];
}

/** A sweep cell: the values of every swept key (as written in the CSV). */
export interface Cell {
  values: string[];
  label: string;
}

export interface Model {
  title: string;
  designs: string[];
  adversaries: string[];
  attacks: string[];
  metrics: string[];
  sweepKeys: string[];
  /** Whether every value of each swept key parses as a number. */
  sweepNumeric: boolean[];
  cells: Cell[];
  summary: SumRow[];
  aggregate: AggRow[];
  exposure: ExposureData[];
  pairs: PairData[];
  ttfd: TtfdData[];
  messages: MessageData[] | null;
  /** roc.csv, distributions.csv, correlation.csv, candidates.csv (empty in older results). */
  detail: DetailModel;
  timelines: TimelineData[];
  /** Real and cover message rates by cell index and design, or null when the run recorded none. */
  rates: RatesIndex | null;
}

function num(s: string | undefined): number {
  if (s === undefined || s.trim() === '') return Number.NaN;
  return Number(s);
}

export type Row = Record<string, string | undefined>;
export type Rows = Row[] & { columns: string[] };

/**
 * CSV text → row objects keyed by the header. (d3's csvParse builds its row converter with
 * `new Function`, which the page's Content-Security-Policy forbids; csvParseRows does not.)
 */
export function parse(text: string | undefined): Rows {
  if (typeof text !== 'string' || text.trim() === '') return Object.assign([], { columns: [] });
  const [head = [], ...body] = csvParseRows(text);
  const rows = body
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])) as Row);
  return Object.assign(rows, { columns: head });
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : [];
}

function uniq(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Columns of summary.csv that are not fixed columns (the contract's swept key paths). */
export function sweepKeysOf(summaryColumns: string[], aggregateColumns: string[]): string[] {
  if (summaryColumns.length > 0) return summaryColumns.filter((c) => !SUMMARY_FIXED.includes(c));
  // No summary: in aggregate.csv, whatever is neither fixed nor a metric statistic.
  const fixed = new Set(['design', 'adversary', 'attack', 'replicates']);
  return aggregateColumns.filter((c) => !fixed.has(c) && !/_(mean|lo|hi)$/.test(c));
}

function sanitizeTimeline(t: unknown): TimelineData | null {
  if (!t || typeof t !== 'object') return null;
  const o = t as Record<string, unknown>;
  const hops: Hop[] = [];
  for (const h of Array.isArray(o.hops) ? o.hops : []) {
    if (!h || typeof h !== 'object') continue;
    const x = h as Record<string, unknown>;
    const hop: Hop = {
      from: str(x.from),
      to: str(x.to),
      fromRole: str(x.fromRole),
      toRole: str(x.toRole),
      tTxMs: Number(x.tTxMs),
      tRxMs: Number(x.tRxMs),
      bytes: Number(x.bytes),
      kind: str(x.kind),
      sees: str(x.sees),
      heldBy: strList(x.heldBy),
    };
    if (Array.isArray(x.fromHeldBy)) hop.fromHeldBy = strList(x.fromHeldBy);
    if (Array.isArray(x.toHeldBy)) hop.toHeldBy = strList(x.toHeldBy);
    if (Number.isFinite(hop.tTxMs) && Number.isFinite(hop.tRxMs)) hops.push(hop);
  }
  return { design: str(o.design), message: str(o.message), sender: str(o.sender), recipient: str(o.recipient), hops };
}

/** Builds the model from the inlined raw data. Never throws on missing files: charts show notes instead. */
export function buildModel(raw: RawData): Model {
  const sumRows = parse(raw.summary);
  const aggRows = parse(raw.aggregate);
  const sumCols = sumRows.columns ?? [];
  const aggCols = aggRows.columns ?? [];
  const sweepKeys = sweepKeysOf(sumCols, aggCols);

  const cells: Cell[] = [];
  const cellIndex = new Map<string, number>();
  const cellOf = (r: Row): number => {
    const values = sweepKeys.map((k) => r[k] ?? '');
    const key = JSON.stringify(values);
    let i = cellIndex.get(key);
    if (i === undefined) {
      i = cells.length;
      cellIndex.set(key, i);
      cells.push({ values, label: sweepKeys.map((k, j) => `${k} = ${values[j]}`).join(', ') || 'all' });
    }
    return i;
  };
  /** cellOf for a detail file; one written before detail files had sweep columns holds cell 0 only. */
  const cellIn = (rows: Rows) => {
    const has = sweepKeys.every((k) => rows.columns.includes(k));
    return (r: Row): number => (has ? cellOf(r) : 0);
  };

  const metrics = aggCols
    .filter((c) => c.endsWith('_mean'))
    .map((c) => c.slice(0, -5))
    .filter((m) => m !== 'replicate' && m !== 'seed');
  const metricList = metrics.length > 0 ? metrics : [...METRICS].filter((m) => sumCols.includes(m));
  // Contract metrics first, in contract order, then anything else the exporter added.
  const ordered = [
    ...METRICS.filter((m) => metricList.includes(m)),
    ...metricList.filter((m) => !(METRICS as readonly string[]).includes(m) && !COUNTS.includes(m)),
  ];

  const summary: SumRow[] = sumRows.map((r) => {
    const v: Record<string, number> = {};
    for (const m of METRICS) v[m] = num(r[m]);
    return {
      design: r.design ?? '',
      adversary: r.adversary ?? '',
      attack: r.attack ?? '',
      cell: cellOf(r),
      replicate: num(r.replicate),
      users: num(r.users),
      v,
    };
  });
  const usersBy = new Map<string, number>();
  for (const s of summary) usersBy.set(`${s.cell}\u0000${s.design}`, s.users);

  const aggregate: AggRow[] = aggRows.map((r) => {
    const m: Record<string, Interval> = {};
    for (const k of ordered) m[k] = { mean: num(r[`${k}_mean`]), lo: num(r[`${k}_lo`]), hi: num(r[`${k}_hi`]) };
    const cell = cellOf(r);
    const design = r.design ?? '';
    let users = num(r.users_mean);
    if (!Number.isFinite(users)) users = usersBy.get(`${cell}\u0000${design}`) ?? Number.NaN;
    return {
      design,
      adversary: r.adversary ?? '',
      attack: r.attack ?? '',
      cell,
      replicates: num(r.replicates),
      users,
      m,
    };
  });

  const exposure: ExposureData[] = parse(raw.exposure).map((r) => ({
    design: r.design ?? '',
    vector: r.vector ?? '',
    value: num(r.value),
    grade: (r.grade ?? '').trim(),
    adversary: r.adversary ?? '',
    attack: r.attack ?? '',
    source: (r.source ?? '').trim() || 'measured',
  }));
  const pairRows = parse(raw.pairs);
  const pairCell = cellIn(pairRows);
  const pairs: PairData[] = pairRows.map((r) => ({
    design: r.design ?? '',
    adversary: r.adversary ?? '',
    attack: r.attack ?? '',
    cell: pairCell(r),
    sender: r.sender ?? '',
    recipient: r.recipient ?? '',
    score: num(r.score),
    isTrue: /^(true|1|yes)$/i.test((r.is_true ?? '').trim()),
  }));
  const ttfdRows = parse(raw.ttfd);
  const ttfdCell = cellIn(ttfdRows);
  const orNull = (v: number) => (Number.isFinite(v) ? v : null);
  const ttfd: TtfdData[] = ttfdRows.map((r) => ({
    replicate: num(r.replicate),
    design: r.design ?? '',
    adversary: r.adversary ?? '',
    attack: r.attack ?? '',
    cell: ttfdCell(r),
    sender: r.sender ?? '',
    recipient: r.recipient ?? '',
    messagesUntil: orNull(num(r.messages_until_identified)),
    timeUntil: orNull(num(r.time_until_identified_s)),
    messagesUntilTop: orNull(num(r.messages_until_tied_top)),
    tiedTop: orNull(num(r.tied_top)),
  }));
  const msgRows = parse(raw.messages);
  const msgCell = cellIn(msgRows);
  const messages: MessageData[] | null =
    msgRows.length > 0
      ? msgRows.map((r) => ({
          design: r.design ?? '',
          adversary: r.adversary ?? '',
          attack: r.attack ?? '',
          cell: msgCell(r),
          entropyBits: num(r.entropy_bits),
        }))
      : null;
  const rocRows = parse(raw.roc);
  const distRows = parse(raw.distributions);
  const corrRows = parse(raw.correlation);
  const candRows = parse(raw.candidates);
  const detail: DetailModel = {
    roc: rocData(rocRows, cellIn(rocRows)),
    distributions: distData(distRows, distRows.columns, cellIn(distRows)),
    correlation: corrData(corrRows, cellIn(corrRows)),
    candidates: candData(candRows, cellIn(candRows)),
  };
  const timelines = (Array.isArray(raw.timelines) ? raw.timelines : [])
    .map(sanitizeTimeline)
    .filter((t): t is TimelineData => t !== null);

  const sources = [summary, aggregate, pairs, ttfd, messages ?? []] as {
    design: string;
    adversary: string;
    attack: string;
  }[][];
  const designs = uniq([
    ...sources.flatMap((s) => s.map((r) => r.design)),
    ...exposure.map((e) => e.design),
    ...timelines.map((t) => t.design),
  ]);
  const adversaries = uniq(sources.flatMap((s) => s.map((r) => r.adversary)));
  const attacks = uniq(sources.flatMap((s) => s.map((r) => r.attack)));
  const sweepNumeric = sweepKeys.map(
    (_, j) => cells.length > 0 && cells.every((c) => Number.isFinite(num(c.values[j]))),
  );

  return {
    title: str(raw.title) || 'anonsim results',
    designs,
    adversaries,
    attacks,
    metrics: ordered,
    sweepKeys,
    sweepNumeric,
    cells,
    summary,
    aggregate,
    exposure,
    pairs,
    ttfd,
    messages,
    detail,
    timelines,
    rates: parseRates(raw.rates, sweepKeys, cells),
  };
}

/** The "no information" reference value of a metric for `users` candidates, if it has one. */
export function chanceBaseline(metric: string, users: number): number | undefined {
  if (!(users > 0)) return metric === 'pair_auc' ? 0.5 : undefined;
  switch (metric) {
    case 'top1':
      return 1 / users;
    case 'top5':
      return Math.min(1, 5 / users);
    case 'entropy_bits':
      return Math.log2(users);
    case 'anonymity_set':
      return users;
    case 'pair_auc':
      return 0.5;
    default:
      return undefined;
  }
}

/** Empirical CDF as step points (x, F(x)) at each distinct value, thinned to at most `maxPoints` steps. */
export function ecdf(values: number[], maxPoints = 400): [number, number][] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = v.length;
  const all: [number, number][] = [];
  for (let i = 0; i < n; i++) if (i === n - 1 || v[i + 1] !== v[i]) all.push([v[i], (i + 1) / n]);
  if (all.length <= maxPoints) return all;
  const k = Math.ceil(all.length / maxPoints);
  return all.filter((_, i) => i % k === k - 1 || i === all.length - 1);
}

export interface HeatSample {
  senders: string[];
  recipients: string[];
  cells: PairData[];
}

/**
 * Picks up to `max` senders × `max` recipients from the listed pairs, highest scores first, and
 * orders them to show structure: senders by their best score, each recipient next to the sender
 * of its best-scoring pair (so true pairs line up on a diagonal when the attack works).
 */
export function heatSample(pairs: PairData[], max = 30): HeatSample {
  const sorted = pairs.filter((p) => Number.isFinite(p.score)).sort((a, b) => b.score - a.score);
  const senders: string[] = [];
  const recips: string[] = [];
  const sSet = new Set<string>();
  const rSet = new Set<string>();
  for (const p of sorted) {
    if (!sSet.has(p.sender) && sSet.size >= max) continue;
    if (!rSet.has(p.recipient) && rSet.size >= max) continue;
    if (!sSet.has(p.sender)) {
      sSet.add(p.sender);
      senders.push(p.sender);
    }
    if (!rSet.has(p.recipient)) {
      rSet.add(p.recipient);
      recips.push(p.recipient);
    }
  }
  // One cell per (sender, recipient): the highest listed score.
  const seen = new Set<string>();
  const cells = sorted.filter((p) => {
    const key = `${p.sender}\u0000${p.recipient}`;
    if (!sSet.has(p.sender) || !rSet.has(p.recipient) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const sRank = new Map(senders.map((s, i) => [s, i]));
  const best = new Map<string, PairData>();
  for (const c of cells) if (!best.has(c.recipient)) best.set(c.recipient, c);
  const recipients = [...recips].sort((a, b) => {
    const pa = best.get(a)!;
    const pb = best.get(b)!;
    return sRank.get(pa.sender)! - sRank.get(pb.sender)! || pb.score - pa.score || (a < b ? -1 : a > b ? 1 : 0);
  });
  return { senders, recipients, cells };
}
