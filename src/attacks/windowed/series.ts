/**
 * Window series: a view's rows binned by ip and window, built once per (view, W, s) and read-only
 * after. Users behind one NAT share an ip, and an observer cannot split their traffic, so the
 * series are per ip. Egress: rows leaving a user device, window ⌊tTx/W⌋. Ingress: rows arriving
 * at a user device, window ⌊(tRx − s)/W⌋ (s = the expected end-to-end delay). The layout serves
 * the sweeps (sweep.ts): per window the active egress ips, per ip its active windows with running
 * sums, and the rows themselves by time for the partial window of causal queries.
 */
import { type Background, forEachCrossing } from '../../adversary/background.js';
import type { AttackInput } from '../attack.js';
import type { WireRows } from '../wire-rows.js';
import { prefixSum, sortSliceByTime } from './arrays.js';

/** Per-window activity of one view, by ip. Built once per (view, W, s) and read-only after. */
export interface WindowSeries {
  users: number;
  /** Window width W (ns) and ingress shift s (ns). */
  width: number;
  shift: number;
  /** Number of windows K. */
  windows: number;
  /** Size of the ip index space (ipStart.length − 1). */
  ips: number;
  userIp: Int32Array;
  ipStart: Int32Array;
  ipUsers: Int32Array;
  /** Egress per window: (ip, count) for k in eStart[k] .. eStart[k+1), ips ascending. */
  eStart: Int32Array;
  eIp: Int32Array;
  eCnt: Float64Array;
  /** Egress rows per window, by time (for the partial window of causal queries). */
  eRowStart: Int32Array;
  eRowT: Float64Array;
  eRowIp: Int32Array;
  /**
   * Egress per ip: entries i in xStart[a] .. xStart[a+1), windows ascending, interleaved in
   * xRec[3i .. 3i+2] = (window, running Σx, running Σx²) (inclusive), so that one cache line
   * serves a cursor step.
   */
  xStart: Int32Array;
  xRec: Float64Array;
  /** Per-ip totals of x and x² over the run (dense, for whole-run scores). */
  xSum: Float64Array;
  xSum2: Float64Array;
  /** Ingress per ip: active windows ascending with counts. */
  yStart: Int32Array;
  yWin: Int32Array;
  yCnt: Float64Array;
  /** Ingress rows per ip by arrival time tRx (unshifted). */
  yRowStart: Int32Array;
  yRowT: Float64Array;
  /** Total egress rows in windows < k, k = 0..K. */
  bCum: Float64Array;
}

export type SeriesInput = Pick<
  AttackInput,
  'users' | 'obs' | 'hostIp' | 'ipStart' | 'ipUsers' | 'duration' | 'background'
>;

/**
 * The view's background crossings that `rows`' observer counts as possible payload rows, leaving
 * a device (`out`) or reaching one: `f(host, t)` with the device and the observed time (tTx out,
 * tRx in). Nothing without `rows` or background.
 */
export function eachBackgroundRow(
  input: Pick<SeriesInput, 'users' | 'background'>,
  rows: WireRows | undefined,
  out: boolean,
  f: (host: number, t: number) => void,
): void {
  const bg: Background | undefined = input.background;
  if (!rows || !bg || bg.count === 0) return;
  const { users } = input;
  if (out)
    forEachCrossing(
      bg,
      (d) => bg.from[d] < users && rows.sendBytes(bg.bytes[d]),
      (d, tTx) => f(bg.from[d], tTx),
    );
  else
    forEachCrossing(
      bg,
      (d) => bg.to[d] < users && rows.deliveryBytes(bg.bytes[d]),
      (d, _, tRx) => f(bg.to[d], tRx),
    );
}

/** Window of an egress time / of a (shifted) ingress time. One definition for all callers. */
export function windowOf(t: number, width: number): number {
  return Math.floor(t / width);
}

/**
 * Bins a view's rows. Egress: rows with `from` a user device, window ⌊tTx/W⌋. Ingress: rows
 * with `to` a user device, window ⌊(tRx − shift)/W⌋. Rows outside [0, K) are dropped. Every
 * observed row counts (activity is evidence); of the view's background crossings, those `rows`'
 * observer cannot tell from payloads by size (all of them for the size-blind one) count as well.
 */
export function buildWindowSeries(input: SeriesInput, width: number, shift: number, rows?: WireRows): WindowSeries {
  if (!(width > 0)) throw new RangeError(`window width must be > 0 ns, got ${width}`);
  if (!(shift >= 0)) throw new RangeError(`shift must be ≥ 0 ns, got ${shift}`);
  const { obs, users, hostIp } = input;
  const K = Math.max(1, Math.ceil(input.duration / width));
  const nIp = input.ipStart.length - 1;
  const userIp = Int32Array.from(hostIp.subarray(0, users));
  for (let u = 0; u < users; u++) {
    if (userIp[u] < 0 || userIp[u] >= nIp) throw new RangeError(`user ${u} has ip ${userIp[u]} outside ipStart`);
  }

  // Egress rows: counting sort by window (stable in log order), then by time within a window.
  const eRowStart = new Int32Array(K + 1);
  for (let j = 0; j < obs.length; j++) {
    if (obs.from[j] >= users) continue;
    const k = windowOf(obs.tTx[j], width);
    if (k >= 0 && k < K) eRowStart[k + 1]++;
  }
  eachBackgroundRow(input, rows, true, (_, t) => {
    const k = windowOf(t, width);
    if (k >= 0 && k < K) eRowStart[k + 1]++;
  });
  prefixSum(eRowStart);
  const nE = eRowStart[K];
  const eRowT = new Float64Array(nE);
  const eRowIp = new Int32Array(nE);
  const fill = eRowStart.slice(0, K);
  for (let j = 0; j < obs.length; j++) {
    const f = obs.from[j];
    if (f >= users) continue;
    const k = windowOf(obs.tTx[j], width);
    if (k < 0 || k >= K) continue;
    const i = fill[k]++;
    eRowT[i] = obs.tTx[j];
    eRowIp[i] = userIp[f];
  }
  eachBackgroundRow(input, rows, true, (h, t) => {
    const k = windowOf(t, width);
    if (k < 0 || k >= K) return;
    const i = fill[k]++;
    eRowT[i] = t;
    eRowIp[i] = userIp[h];
  });
  for (let k = 0; k < K; k++) sortSliceByTime(eRowT, eRowIp, eRowStart[k], eRowStart[k + 1]);

  // Aggregate each window into (ip, count), ips ascending.
  const eStart = new Int32Array(K + 1);
  const eIpBuf = new Int32Array(nE);
  const eCntBuf = new Float64Array(nE);
  const scratch = new Float64Array(nIp);
  const list = new Int32Array(nIp);
  const bCum = new Float64Array(K + 1);
  let m = 0;
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let i = eRowStart[k]; i < eRowStart[k + 1]; i++) {
      const ip = eRowIp[i];
      if (scratch[ip] === 0) list[n++] = ip;
      scratch[ip]++;
    }
    const active = list.subarray(0, n).sort();
    for (let q = 0; q < n; q++) {
      const ip = active[q];
      eIpBuf[m] = ip;
      eCntBuf[m] = scratch[ip];
      scratch[ip] = 0;
      m++;
    }
    eStart[k + 1] = m;
    bCum[k + 1] = bCum[k] + (eRowStart[k + 1] - eRowStart[k]);
  }
  const eIp = eIpBuf.slice(0, m);
  const eCnt = eCntBuf.slice(0, m);

  // Egress by ip, windows ascending (filled in window order), with running sums.
  const xStart = new Int32Array(nIp + 1);
  for (let q = 0; q < m; q++) xStart[eIp[q] + 1]++;
  prefixSum(xStart);
  const xRec = new Float64Array(3 * m);
  const xFill = xStart.slice(0, nIp);
  for (let k = 0; k < K; k++) {
    for (let q = eStart[k]; q < eStart[k + 1]; q++) {
      const i = xFill[eIp[q]]++;
      xRec[3 * i] = k;
      xRec[3 * i + 1] = eCnt[q];
      xRec[3 * i + 2] = eCnt[q] * eCnt[q];
    }
  }
  const xSum = new Float64Array(nIp);
  const xSum2 = new Float64Array(nIp);
  for (let a = 0; a < nIp; a++) {
    for (let i = xStart[a] + 1; i < xStart[a + 1]; i++) {
      xRec[3 * i + 1] += xRec[3 * i - 2];
      xRec[3 * i + 2] += xRec[3 * i - 1];
    }
    if (xStart[a + 1] > xStart[a]) {
      xSum[a] = xRec[3 * xStart[a + 1] - 2];
      xSum2[a] = xRec[3 * xStart[a + 1] - 1];
    }
  }

  // Ingress rows by ip, by time; then per-ip window counts.
  const yRowStart = new Int32Array(nIp + 1);
  for (let j = 0; j < obs.length; j++) {
    const to = obs.to[j];
    if (to >= users) continue;
    const k = windowOf(obs.tRx[j] - shift, width);
    if (k >= 0 && k < K) yRowStart[userIp[to] + 1]++;
  }
  eachBackgroundRow(input, rows, false, (h, t) => {
    const k = windowOf(t - shift, width);
    if (k >= 0 && k < K) yRowStart[userIp[h] + 1]++;
  });
  prefixSum(yRowStart);
  const nY = yRowStart[nIp];
  const yRowT = new Float64Array(nY);
  const yRowTag = new Int32Array(nY);
  const yFill = yRowStart.slice(0, nIp);
  for (let j = 0; j < obs.length; j++) {
    const to = obs.to[j];
    if (to >= users) continue;
    const k = windowOf(obs.tRx[j] - shift, width);
    if (k < 0 || k >= K) continue;
    const i = yFill[userIp[to]]++;
    yRowT[i] = obs.tRx[j];
    yRowTag[i] = k;
  }
  eachBackgroundRow(input, rows, false, (h, t) => {
    const k = windowOf(t - shift, width);
    if (k < 0 || k >= K) return;
    const i = yFill[userIp[h]]++;
    yRowT[i] = t;
    yRowTag[i] = k;
  });
  const yStart = new Int32Array(nIp + 1);
  const yWinBuf = new Int32Array(nY);
  const yCntBuf = new Float64Array(nY);
  let w = 0;
  for (let a = 0; a < nIp; a++) {
    const lo = yRowStart[a];
    const hi = yRowStart[a + 1];
    sortSliceByTime(yRowT, yRowTag, lo, hi);
    for (let i = lo; i < hi; i++) {
      // Windows are non-decreasing in time, so equal windows are adjacent.
      const k = windowOf(yRowT[i] - shift, width);
      if (w > yStart[a] && yWinBuf[w - 1] === k) yCntBuf[w - 1]++;
      else {
        yWinBuf[w] = k;
        yCntBuf[w] = 1;
        w++;
      }
    }
    yStart[a + 1] = w;
  }

  return {
    users,
    width,
    shift,
    windows: K,
    ips: nIp,
    userIp,
    ipStart: input.ipStart,
    ipUsers: input.ipUsers,
    eStart,
    eIp,
    eCnt,
    eRowStart,
    eRowT,
    eRowIp,
    xStart,
    xRec,
    xSum,
    xSum2,
    yStart,
    yWin: yWinBuf.slice(0, w),
    yCnt: yCntBuf.slice(0, w),
    yRowStart,
    yRowT,
    bCum,
  };
}
