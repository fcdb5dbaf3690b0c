/**
 * Background traffic as one view sees it: the periodic flows of a run (keepalives, empty polls,
 * PINGs, /sync long-polls, mixnet fetches; src/net/log.ts `PeriodicFlow`) kept as descriptors, one
 * per (flow, directed link the view sees), never as rows. An attack expands them only in the time
 * windows it reads (`latest`), so a view costs O(flows × links) memory whatever the run's length,
 * where the expanded exchanges would be O(flows × duration / period) rows (Session polls every 5 s).
 *
 * What a party sees of one exchange at t0 = phase + k·period, start ≤ t0 < end, on a path of n links
 * (device first): the request crosses link i at t0 + i·lat and the answer crosses it back at
 * t0 + (2n − 1 − i)·lat, each crossing taking lat, the run's mean one-way latency (no processing,
 * no jitter: background timing is the flow's schedule, which is what an observer can fit). Request
 * and answer carry `requestBytes(f)` and the rest of `bytesPerLink`. Visibility is the log's
 * (view.ts): a held party sees the links it is an end of, a global observer every link; a party
 * holding only the receiving end knows arrival times only (its tTx = tRx), and conversely. No
 * identifiers: the flows carry none in the log (what a held swarm node reads of a poll is not
 * modelled here).
 */
import type { PeriodicFlows } from '../net/log.js';
import { requestBytes } from '../net/log.js';
import type { View } from './view.js';

/** Width of the time buckets of the indexes (ns); any width is correct, this one keeps buckets small. */
const BUCKET = 60e9;
/**
 * Flows with a period at least this long (keepalives every 55 s, /sync every 30 s, PINGs every
 * 20 min) are indexed by their crossings, each one entry: a query then binary-searches its window
 * instead of weighing every flow of a minute (a Signal service has one keepalive flow per online
 * device). Shorter periods (Session's 5 s polls) are indexed by minute. Either way a descriptor
 * costs at most one index entry per SPARSE of its life.
 */
const SPARSE = 15e9;
/** Crossings looked at per one kept, at most (BackgroundReader). */
const LOOK = 16;

/**
 * Descriptors by (key, time bucket): entries e in start[key] .. start[key+1), buckets ascending,
 * descriptor ids[e] with at least one crossing (as observed) in bucket[e]. A descriptor is listed
 * once per bucket it crosses in, so the index holds min(crossings, buckets spanned) entries per
 * descriptor: never more than the rows it stands for, and a 5 s poll flow costs one entry a minute.
 */
export interface BucketIndex {
  start: Int32Array;
  bucket: Int32Array;
  ids: Int32Array;
}

/** Crossings of the long-period descriptors by key, by observed time: entries start[key] .. start[key+1). */
export interface CrossingIndex {
  start: Int32Array;
  t: Float64Array;
  ids: Int32Array;
}

/**
 * The descriptors one view holds. Descriptor d crosses from[d] → to[d] with tTx at
 * first[d] + k·period[d] for every k ≥ 0 with first[d] + k·period[d] < stop[d]; the view reads
 * tTx + txOff[d] as its departure time and tTx + rxOff[d] as its arrival time.
 */
export interface Background {
  count: number;
  from: Int32Array;
  to: Int32Array;
  /** The device whose exchange it is (the flow's first host): where a traced background row leads. */
  origin: Int32Array;
  bytes: Int32Array;
  period: Float64Array;
  first: Float64Array;
  stop: Float64Array;
  txOff: Float64Array;
  rxOff: Float64Array;
  /** Arrivals at host h: short-period descriptors by time bucket, long-period ones by crossing. */
  arrivals: BucketIndex;
  arrivalCrossings: CrossingIndex;
  /** Departures from user devices (one key, 0), likewise. */
  departures: BucketIndex;
  departureCrossings: CrossingIndex;
}

const EMPTY_INDEX: BucketIndex = { start: new Int32Array(1), bucket: new Int32Array(0), ids: new Int32Array(0) };
const EMPTY_CROSSINGS: CrossingIndex = { start: new Int32Array(1), t: new Float64Array(0), ids: new Int32Array(0) };

/** Every crossing (observed time tTx + off) of the descriptors with keyOf(d) ≥ 0, by key, by time. */
function crossingIndex(bg: Background, keys: number, off: Float64Array, keyOf: (d: number) => number): CrossingIndex {
  const start = new Int32Array(keys + 1);
  for (let d = 0; d < bg.count; d++) {
    const k = keyOf(d);
    if (k >= 0) start[k + 1] += crossings(bg, d);
  }
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  const n = start[keys];
  const t = new Float64Array(n);
  const ids = new Int32Array(n);
  const fill = start.slice(0, keys);
  for (let d = 0; d < bg.count; d++) {
    const k = keyOf(d);
    if (k < 0) continue;
    const c = crossings(bg, d);
    for (let j = 0; j < c; j++) {
      const e = fill[k]++;
      t[e] = bg.first[d] + j * bg.period[d] + off[d];
      ids[e] = d;
    }
  }
  for (let k = 0; k < keys; k++) sortByTime(t, ids, start[k], start[k + 1]);
  return { start, t, ids };
}

/** Runs of at most this many entries are sorted by insertion. */
const INSERTION = 32;

/**
 * Sorts entries a..b of (t, id) by t, then id (deterministic; the order is unique up to equal
 * entries). A Signal service's arrivals are 10^5–10^6 crossings, which a comparator sort took a
 * second over: they are scattered into about n/2 buckets by value first (a monotone map of t, so
 * equal times share a bucket and buckets come in time order), and each bucket sorted on its own.
 */
export function sortByTime(t: Float64Array, ids: Int32Array, a: number, b: number): void {
  const n = b - a;
  if (n <= INSERTION) {
    insertionByTime(t, ids, a, b);
    return;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = a; i < b; i++) {
    if (t[i] < lo) lo = t[i];
    if (t[i] > hi) hi = t[i];
  }
  const nb = n >> 1;
  const scale = hi > lo ? nb / (hi - lo) : 0;
  const start = new Int32Array(nb + 1);
  const bucket = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.min(nb - 1, Math.floor((t[a + i] - lo) * scale));
    bucket[i] = k;
    start[k + 1]++;
  }
  for (let k = 0; k < nb; k++) start[k + 1] += start[k];
  const fill = start.slice(0, nb);
  const tt = new Float64Array(n);
  const dd = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const e = fill[bucket[i]]++;
    tt[e] = t[a + i];
    dd[e] = ids[a + i];
  }
  for (let k = 0; k < nb; k++) {
    if (start[k + 1] - start[k] <= INSERTION) insertionByTime(tt, dd, start[k], start[k + 1]);
    else comparatorSort(tt, dd, start[k], start[k + 1]);
  }
  t.set(tt, a);
  ids.set(dd, a);
}

function insertionByTime(t: Float64Array, ids: Int32Array, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    const x = t[i];
    const d = ids[i];
    let j = i - 1;
    while (j >= a && (t[j] > x || (t[j] === x && ids[j] > d))) {
      t[j + 1] = t[j];
      ids[j + 1] = ids[j];
      j--;
    }
    t[j + 1] = x;
    ids[j + 1] = d;
  }
}

function comparatorSort(t: Float64Array, ids: Int32Array, a: number, b: number): void {
  const n = b - a;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = a + i;
  idx.sort((p, q) => t[p] - t[q] || ids[p] - ids[q]);
  const tt = new Float64Array(n);
  const dd = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    tt[i] = t[idx[i]];
    dd[i] = ids[idx[i]];
  }
  t.set(tt, a);
  ids.set(dd, a);
}

function bucketOf(t: number, nb: number): number {
  return Math.min(nb - 1, Math.max(0, Math.floor(t / BUCKET)));
}

/** Calls f(bucket) for every bucket in which descriptor d crosses (times first + k·period + off), ascending, once each. */
function eachBucket(bg: Background, d: number, off: number, nb: number, f: (b: number) => void): void {
  const p = bg.period[d];
  const n = crossings(bg, d);
  if (n === 0) return;
  const first = bg.first[d] + off;
  if (p >= BUCKET) {
    let last = -1;
    for (let k = 0; k < n; k++) {
      const b = bucketOf(first + k * p, nb);
      if (b !== last) f(b);
      last = b;
    }
    return;
  }
  // Shorter than a bucket: a crossing in every bucket of the span.
  const b1 = bucketOf(first + (n - 1) * p, nb);
  for (let b = bucketOf(first, nb); b <= b1; b++) f(b);
}

/** The index of descriptors with keyOf(d) ≥ 0, by (key, bucket): two stable counting sorts. */
function bucketIndex(
  bg: Background,
  nb: number,
  keys: number,
  off: Float64Array,
  keyOf: (d: number) => number,
): BucketIndex {
  let n = 0;
  for (let d = 0; d < bg.count; d++) if (keyOf(d) >= 0) eachBucket(bg, d, off[d], nb, () => n++);
  const byBucket = new Int32Array(nb + 1);
  for (let d = 0; d < bg.count; d++) if (keyOf(d) >= 0) eachBucket(bg, d, off[d], nb, (b) => byBucket[b + 1]++);
  for (let b = 0; b < nb; b++) byBucket[b + 1] += byBucket[b];
  const tmpD = new Int32Array(n);
  const tmpB = new Int32Array(n);
  for (let d = 0; d < bg.count; d++) {
    if (keyOf(d) < 0) continue;
    eachBucket(bg, d, off[d], nb, (b) => {
      const e = byBucket[b]++;
      tmpD[e] = d;
      tmpB[e] = b;
    });
  }
  const start = new Int32Array(keys + 1);
  for (let e = 0; e < n; e++) start[keyOf(tmpD[e]) + 1]++;
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  const fill = start.slice(0, keys);
  const ids = new Int32Array(n);
  const bucket = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const i = fill[keyOf(tmpD[e])]++;
    ids[i] = tmpD[e];
    bucket[i] = tmpB[e];
  }
  return { start, bucket, ids };
}

/** Number of crossings of descriptor d (what expanding it would cost in rows). */
export function crossings(bg: Background, d: number): number {
  const span = bg.stop[d] - bg.first[d];
  return span > 0 ? Math.ceil(span / bg.period[d]) : 0;
}

/** The mean one-way latency of a log's hops (what an observer measures on any link), from at most 4096 rows spread over it. */
export function meanLatency(log: { length: number; tTx: Float64Array; tRx: Float64Array }): number {
  const n = log.length;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / 4096));
  let s = 0;
  let m = 0;
  for (let i = 0; i < n; i += step, m++) s += log.tRx[i] - log.tTx[i];
  return s / m;
}

/** The descriptors of `flows` that `view` sees; `lat` = mean one-way latency (ns). */
export function seeBackground(
  flows: PeriodicFlows,
  view: View,
  users: number,
  hostCount: number,
  lat: number,
): Background {
  const all = view.kind !== 'none' && view.global;
  const sees = (a: number, b: number): boolean =>
    view.kind !== 'none' && (all || view.held[a] === 1 || view.held[b] === 1);
  let n = 0;
  for (const f of flows.flows) {
    if (f.end <= f.start) continue;
    for (let i = 0; i + 1 < f.path.length; i++) if (sees(f.path[i], f.path[i + 1])) n += 2;
  }
  const bg: Background = {
    count: 0,
    from: new Int32Array(n),
    to: new Int32Array(n),
    origin: new Int32Array(n),
    bytes: new Int32Array(n),
    period: new Float64Array(n),
    first: new Float64Array(n),
    stop: new Float64Array(n),
    txOff: new Float64Array(n),
    rxOff: new Float64Array(n),
    arrivals: EMPTY_INDEX,
    arrivalCrossings: EMPTY_CROSSINGS,
    departures: EMPTY_INDEX,
    departureCrossings: EMPTY_CROSSINGS,
  };
  let d = 0;
  const put = (a: number, b: number, origin: number, bytes: number, f: PeriodicFlows['flows'][number], at: number) => {
    // First exchange at or after the flow's start.
    const t0 = f.start + ((((f.phase - f.start) % f.period) + f.period) % f.period);
    bg.from[d] = a;
    bg.to[d] = b;
    bg.origin[d] = origin;
    bg.bytes[d] = Math.round(bytes);
    bg.period[d] = f.period;
    bg.first[d] = t0 + at;
    bg.stop[d] = f.end + at;
    bg.txOff[d] = all || view.held[a] === 1 ? 0 : lat;
    bg.rxOff[d] = all || view.held[b] === 1 ? lat : 0;
    d++;
  };
  for (const f of flows.flows) {
    if (f.end <= f.start) continue;
    const links = f.path.length - 1;
    const up = requestBytes(f);
    for (let i = 0; i < links; i++) {
      const a = f.path[i];
      const b = f.path[i + 1];
      if (!sees(a, b)) continue;
      put(a, b, f.path[0], up, f, i * lat);
      put(b, a, f.path[0], f.bytesPerLink - up, f, (2 * links - 1 - i) * lat);
    }
  }
  bg.count = d;
  let duration = 0;
  for (let k = 0; k < d; k++) duration = Math.max(duration, bg.stop[k] + Math.max(bg.txOff[k], bg.rxOff[k]));

  const nb = Math.max(1, Math.floor(duration / BUCKET) + 1);
  const dense = (k: number) => bg.period[k] < SPARSE;
  const arrive = (k: number) => bg.to[k];
  const depart = (k: number) => (bg.from[k] < users ? 0 : -1);
  bg.arrivals = bucketIndex(bg, nb, hostCount, bg.rxOff, (k) => (dense(k) ? arrive(k) : -1));
  bg.arrivalCrossings = crossingIndex(bg, hostCount, bg.rxOff, (k) => (dense(k) ? -1 : arrive(k)));
  bg.departures = bucketIndex(bg, nb, 1, bg.txOff, (k) => (dense(k) ? depart(k) : -1));
  bg.departureCrossings = crossingIndex(bg, 1, bg.txOff, (k) => (dense(k) ? -1 : depart(k)));
  return bg;
}

/**
 * Reads the most recent background crossings in a window, newest first: up to `max` of them with
 * observed time in [lo, hi] (departure times for `departures`, arrival times at `host` otherwise),
 * among descriptors `keep` accepts. Written into `out` (times, descriptors); returns how many.
 * Cost O(candidate descriptors + max · log) — the window is never expanded beyond what is returned.
 */
/** First index in a[lo, hi) whose value is > v (a ascending, doubles). */
function upperF(a: Float64Array, lo: number, hi: number, v: number): number {
  let l = lo;
  let h = hi;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m] <= v) l = m + 1;
    else h = m;
  }
  return l;
}

/** First index in a[lo, hi) whose value is > v (a ascending). */
function upper(a: Int32Array, lo: number, hi: number, v: number): number {
  let l = lo;
  let h = hi;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m] <= v) l = m + 1;
    else h = m;
  }
  return l;
}

/** Copies of (times, descriptors) with room for at least n entries (doubling), contents kept. */
function grownPair(t: Float64Array, d: Int32Array, n: number): [Float64Array<ArrayBuffer>, Int32Array<ArrayBuffer>] {
  const t2 = new Float64Array(Math.max(n, t.length * 2));
  t2.set(t);
  const d2 = new Int32Array(t2.length);
  d2.set(d);
  return [t2, d2];
}

export class BackgroundReader {
  private heapT = new Float64Array(64);
  private heapD = new Int32Array(64);
  private size = 0;
  /** Offsets of the current query's times (txOff for departures, rxOff for arrivals). */
  private off: Float64Array;
  outT = new Float64Array(64);
  outD = new Int32Array(64);

  constructor(readonly bg: Background) {
    this.off = bg.txOff;
  }

  /** Departures from user devices with observed tTx in [lo, hi]. */
  departures(lo: number, hi: number, max: number, keep: (d: number) => boolean): number {
    this.off = this.bg.txOff;
    const n = this.read(this.bg.departures, 0, lo, hi, max, keep);
    return this.merge(this.bg.departureCrossings, 0, lo, hi, max, keep, n);
  }

  /** Arrivals at host h with observed tRx in [lo, hi]. */
  arrivals(h: number, lo: number, hi: number, max: number, keep: (d: number) => boolean): number {
    if (h + 1 >= this.bg.arrivals.start.length) return 0;
    this.off = this.bg.rxOff;
    const n = this.read(this.bg.arrivals, h, lo, hi, max, keep);
    return this.merge(this.bg.arrivalCrossings, h, lo, hi, max, keep, n);
  }

  /**
   * Merges the crossings of `cx` for `key` in [lo, hi] (newest first) with the n found in out[0 ..
   * n), keeping the `max` newest; ties between the two lists go to the smaller descriptor.
   */
  private merge(
    cx: CrossingIndex,
    key: number,
    lo: number,
    hi: number,
    max: number,
    keep: (d: number) => boolean,
    n: number,
  ): number {
    const s0 = cx.start[key];
    let e = upperF(cx.t, s0, cx.start[key + 1], hi) - 1;
    if (e < s0 || cx.t[e] < lo) return n;
    // out[0 .. n) is newest first; write the merge into the heap arrays, then copy back.
    let m = 0;
    let i = 0;
    // Passing over costs too: at most LOOK·max crossings are looked at, newest first (a Signal
    // service sees a keepalive every few ms, and a size-aware observer keeps none of them).
    const last = Math.max(s0, e - LOOK * max);
    this.ensureHeap(max);
    while (m < max) {
      while (e >= last && cx.t[e] >= lo && !keep(cx.ids[e])) e--;
      if (e < last) e = s0 - 1;
      const hasC = e >= s0 && cx.t[e] >= lo;
      if (!hasC && i === n) break;
      const takeC =
        hasC && (i === n || cx.t[e] > this.outT[i] || (cx.t[e] === this.outT[i] && cx.ids[e] < this.outD[i]));
      if (takeC) {
        this.heapT[m] = cx.t[e];
        this.heapD[m++] = cx.ids[e--];
      } else {
        this.heapT[m] = this.outT[i];
        this.heapD[m++] = this.outD[i++];
      }
    }
    // The merge is the output; the old output becomes the (empty) heap's storage.
    const t = this.outT;
    const d = this.outD;
    this.outT = this.heapT;
    this.outD = this.heapD;
    this.heapT = t;
    this.heapD = d;
    this.size = 0;
    return m;
  }

  /** Room for n entries in the heap arrays (contents kept). */
  private ensureHeap(n: number): void {
    if (n <= this.heapT.length) return;
    [this.heapT, this.heapD] = grownPair(this.heapT, this.heapD, n);
  }

  /**
   * Buckets are disjoint in time, so they are read newest first, and reading stops once `max`
   * crossings are found: a query costs the descriptors of the buckets it reaches.
   */
  private read(
    ix: BucketIndex,
    key: number,
    lo: number,
    hi: number,
    max: number,
    keep: (d: number) => boolean,
  ): number {
    const { bg } = this;
    const s0 = ix.start[key];
    const s1 = ix.start[key + 1];
    if (s0 === s1 || hi < lo) return 0;
    const lastB = ix.bucket[s1 - 1];
    const firstB = ix.bucket[s0];
    const b1 = Math.min(lastB, Math.floor(hi / BUCKET));
    const b0 = Math.max(firstB, Math.floor(lo / BUCKET));
    // Entries of buckets ≤ b1: [s0, e1); walked down bucket by bucket.
    let e1 = upper(ix.bucket, s0, s1, b1);
    let n = 0;
    while (e1 > s0 && n < max) {
      const b = ix.bucket[e1 - 1];
      if (b < b0) break;
      let e0 = e1 - 1;
      while (e0 > s0 && ix.bucket[e0 - 1] === b) e0--;
      // Bucket b holds crossings in [b·BUCKET, (b + 1)·BUCKET); the index clamps the ends into the
      // first and last buckets, so those stay open-ended.
      const qLo = b === 0 ? lo : Math.max(lo, b * BUCKET);
      const endB = (b + 1) * BUCKET;
      const open = hi >= endB;
      const qHi = Math.min(hi, endB);
      this.size = 0;
      for (let e = e0; e < e1; e++) {
        const d = ix.ids[e];
        if (!keep(d)) continue;
        let t = this.latest(d, qHi);
        if (open && t >= endB) t -= bg.period[d];
        if (t >= qLo && t >= bg.first[d] + this.off[d]) this.push(t, d);
      }
      n = this.drain(n, qLo, max);
      e1 = e0;
    }
    return n;
  }

  private latest(d: number, x: number): number {
    const { bg } = this;
    const first = bg.first[d] + this.off[d];
    if (x < first) return Number.NEGATIVE_INFINITY;
    const p = bg.period[d];
    const lastK = Math.ceil((bg.stop[d] - bg.first[d]) / p) - 1;
    const k = Math.min(lastK, Math.floor((x - first) / p));
    return k < 0 ? Number.NEGATIVE_INFINITY : first + k * p;
  }

  /** Moves the heap's crossings (and each one's earlier ones down to lo) into out[n ..], newest first, up to max in all. */
  private drain(n0: number, lo: number, max: number): number {
    let n = n0;
    while (this.size > 0 && n < max) {
      const t = this.heapT[0];
      const d = this.heapD[0];
      if (n === this.outT.length) {
        const t2 = new Float64Array(n * 2);
        t2.set(this.outT);
        const d2 = new Int32Array(n * 2);
        d2.set(this.outD);
        this.outT = t2;
        this.outD = d2;
      }
      this.outT[n] = t;
      this.outD[n++] = d;
      this.pop();
      // The crossing before it, unless this was the descriptor's first.
      const p = this.bg.period[d];
      if (t - p >= lo && t - p >= this.bg.first[d] + this.off[d] - p / 2) this.push(t - p, d);
    }
    return n;
  }

  // Max-heap on time; ties by descriptor (deterministic order).
  private above(i: number, j: number): boolean {
    return this.heapT[i] > this.heapT[j] || (this.heapT[i] === this.heapT[j] && this.heapD[i] < this.heapD[j]);
  }

  private push(t: number, d: number): void {
    this.ensureHeap(this.size + 1);
    let i = this.size++;
    this.heapT[i] = t;
    this.heapD[i] = d;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private pop(): void {
    const last = --this.size;
    this.heapT[0] = this.heapT[last];
    this.heapD[0] = this.heapD[last];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.above(l, m)) m = l;
      if (r < this.size && this.above(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const t = this.heapT[i];
    this.heapT[i] = this.heapT[j];
    this.heapT[j] = t;
    const d = this.heapD[i];
    this.heapD[i] = this.heapD[j];
    this.heapD[j] = d;
  }
}

/**
 * Every crossing of the view's background, for attacks that read the whole run (flow and
 * disclosure bin each row into a window): calls `f(d, tTx, tRx)` with observed times, descriptor
 * by descriptor. Streaming: nothing is stored here; the caller bins as it goes.
 */
export function forEachCrossing(
  bg: Background,
  keep: (d: number) => boolean,
  f: (d: number, tTx: number, tRx: number) => void,
): void {
  for (let d = 0; d < bg.count; d++) {
    if (!keep(d)) continue;
    const p = bg.period[d];
    const n = crossings(bg, d);
    for (let k = 0; k < n; k++) {
      const t = bg.first[d] + k * p;
      f(d, t + bg.txOff[d], t + bg.rxOff[d]);
    }
  }
}
