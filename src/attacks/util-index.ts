/**
 * Time-sorted indexes over an ObservedLog, so attacks find the rows in a time window by binary
 * search instead of scanning: O(n log n) to build, O(log n + hits) per window.
 */
import type { ObservedLog } from '../adversary/view.js';

/** Rows sorted by time: rows[k] has time t[k], t ascending (ties by row index). */
export interface TimeIndex {
  rows: Int32Array;
  t: Float64Array;
}

/** The rows of `time` (a per-row time column) for which `keep(j)` holds, sorted by time. */
export function timeIndex(time: Float64Array, length: number, keep: (j: number) => boolean): TimeIndex {
  let n = 0;
  const sel = new Int32Array(length);
  for (let j = 0; j < length; j++) if (keep(j)) sel[n++] = j;
  const rows = sel.slice(0, n).sort((a, b) => time[a] - time[b] || a - b);
  const t = new Float64Array(n);
  for (let k = 0; k < n; k++) t[k] = time[rows[k]];
  return { rows, t };
}

/** Rows grouped by receiving host (CSR: start[h] .. start[h+1]), each group sorted by tRx. */
export interface HostIndex {
  start: Int32Array;
  rows: Int32Array;
  t: Float64Array;
}

export function incomingIndex(obs: ObservedLog, hosts: number): HostIndex {
  const all = timeIndex(obs.tRx, obs.length, () => true);
  const start = new Int32Array(hosts + 1);
  for (let j = 0; j < obs.length; j++) start[obs.to[j] + 1]++;
  for (let h = 0; h < hosts; h++) start[h + 1] += start[h];
  const fill = start.slice(0, hosts);
  const rows = new Int32Array(obs.length);
  const t = new Float64Array(obs.length);
  // Stable counting sort by host over the time-sorted rows keeps each group in time order.
  for (let k = 0; k < all.rows.length; k++) {
    const j = all.rows[k];
    const p = fill[obs.to[j]]++;
    rows[p] = j;
    t[p] = all.t[k];
  }
  return { start, rows, t };
}

/** First index k in [lo, hi) with t[k] ≥ x (hi when none). */
export function lowerBound(t: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (t[m] < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** First index k in [lo, hi) with t[k] > x (hi when none). */
export function upperBound(t: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (t[m] <= x) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * lowerBound (upper = false) or upperBound (upper = true) of x in t[lo, hi), searched outward
 * from `hint` by doubling steps, then bisected: O(log d) for an answer d places from the hint,
 * instead of O(log (hi − lo)) cache-missing probes. For searches whose answers move little from
 * one to the next (a delivery's window edges, deliveries roughly in time order).
 */
export function boundFrom(t: Float64Array, lo: number, hi: number, x: number, hint: number, upper: boolean): number {
  const h = Math.min(Math.max(hint, lo), hi);
  if (h < hi && (upper ? t[h] <= x : t[h] < x)) {
    // The answer is past h: t[prev] is below x.
    let prev = h;
    for (let step = 1; ; step *= 2) {
      const probe = prev + step;
      if (probe >= hi) return upper ? upperBound(t, prev + 1, hi, x) : lowerBound(t, prev + 1, hi, x);
      if (!(upper ? t[probe] <= x : t[probe] < x)) {
        return upper ? upperBound(t, prev + 1, probe, x) : lowerBound(t, prev + 1, probe, x);
      }
      prev = probe;
    }
  }
  // The answer is at or before h: t[next] is not below x (or next = hi).
  let next = h;
  for (let step = 1; ; step *= 2) {
    const probe = next - step;
    if (probe < lo) return upper ? upperBound(t, lo, next, x) : lowerBound(t, lo, next, x);
    if (upper ? t[probe] <= x : t[probe] < x) {
      return upper ? upperBound(t, probe + 1, next, x) : lowerBound(t, probe + 1, next, x);
    }
    next = probe;
  }
}

/** The k-th largest of a[0..n) (1-based k ≤ n); reorders a. Hoare quickselect, middle pivot. */
export function kthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const want = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else return a[want];
  }
  return a[want];
}
