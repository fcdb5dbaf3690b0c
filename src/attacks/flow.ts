/**
 * Flow correlation: windowed interval-count correlation after Levine, Reiter, Wang and Wright,
 * "Timing attacks in low-latency mix systems" (FC 2004), made sparse so that every
 * sender × recipient pair of a large run is scored. Also the windowed engine the statistical
 * disclosure attack (disclosure.ts) reuses. Method, parameters and complexity:
 * docs/attacks-flow-disclosure.md.
 *
 * Series. Time is cut into K = ⌈duration / W⌉ windows. For every ip a (users behind one NAT
 * share an ip, so an observer cannot split their traffic) x_a[k] counts the observed rows leaving
 * a user device at a (egress, by departure time tTx) in window k, and y_a[k] the rows arriving at
 * a user device at a (ingress) in window ⌊(tRx − s) / W⌋, s = the expected end-to-end delay.
 * Pair (u → R) scores Pearson r(x_ip(u), y_ip(R)) over the K windows; every user at one ip gets
 * that ip's value.
 *
 * Sparsity. r = (K·Sxy − Sx·Sy) / √((K·Sxx − Sx²)(K·Syy − Sy²)) needs per-series sums (cheap)
 * and the cross term Sxy = Σ_k x_k·y_k, which is non-zero only where both series are active.
 * For a recipient ip v we walk v's active windows and, in each, the (ip, count) list of active
 * egress ips, so the work is Σ_k |egress_k|·|ingress_k| over all recipients, never users².
 * A pair that never co-occurs has Sxy = 0, hence r = −Sx·Sy / (…) ≤ 0, computed exactly.
 *
 * Scores. Score = max(r, 0): only positively correlated flows are accused; every pair with
 * r ≤ 0 (in particular every pair that never co-occurs) scores 0, which is the unlisted value
 * (`base` = 0 per target; unlisted pairs score 0). The ranking of all positive-r candidates is
 * kept exactly; candidates with r ≤ 0 tie. Lists are cut to the `pairTop` / `listTop` best
 * (ties at the cut are never split), the rest scoring 0: top-k for k ≤ listTop is exact, and the
 * entropy of the normalised scores is then a lower bound (the adversary is overstated, not
 * understated).
 *
 * Causal top. For a delivery at time t the ranking uses exactly the rows observed by t:
 * windows k < k_t = ⌊(t − s)/W⌋ in full (all their rows are ≤ t, since s ≥ 0), plus window k_t
 * restricted to rows with time ≤ t, and K_t = k_t + 1 windows (granularity: the row, not the
 * window). flowCausalTops computes it for all targets in one pass over global time per block of
 * recipients (dense prefix sums, incrementally updated cross-term rows); IpSweep.at(t) computes
 * the same state per recipient (the reference, and the engine disclosure.ts uses). Near-ties
 * within a relative 1e-9 (TIE_REL) count as ties, so the causal top is then -1.
 *
 * Workers: prepareFlow(input) → FlowJob (typed arrays only); flowChunk(job, r0, r1) for any
 * disjoint ranges of recipients covering 0..users-1; assembleResult merges them. The output does
 * not depend on the chunking.
 */
import { InputError } from '../core/errors.js';
import { parseDuration } from '../core/time.js';
import type { ParamSpec } from '../designs/design.js';
import type { AttackInput, AttackModule, AttackResult, DelayModel, Targets } from './attack.js';

// ---------------------------------------------------------------------------------------------
// Parameters

type Params = Record<string, number | string | boolean>;

/** A duration parameter: a number is already ns (resolved scenario), a string is parsed. */
export function durationParam(p: Params, name: string, def: string): number {
  const v = p[name] ?? def;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseDuration(v, `attackParams.${name}`);
  throw new InputError(`${name} must be a duration`, `attackParams.${name}`, 'e.g. "10s"');
}

export function intParam(p: Params, name: string, def: number, min: number): number {
  const v = p[name] ?? def;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new InputError(`${name} must be an integer ≥ ${min}, got ${String(v)}`, `attackParams.${name}`);
  }
  return n;
}

export function enumParam<T extends string>(p: Params, name: string, values: readonly T[], def: T): T {
  const v = p[name] ?? def;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new InputError(`${name} must be one of ${values.join(', ')}, got ${String(v)}`, `attackParams.${name}`);
  }
  return v as T;
}

export const SHIFTS = ['min', 'median', 'mean', 'none'] as const;
export type ShiftRule = (typeof SHIFTS)[number];

/**
 * Mean and median of a delay model (a histogram density) by midpoint integration over
 * [lo, hi]. Both are 0 without a model.
 */
export function delayStats(m: DelayModel, steps = 4096): { mean: number; median: number } {
  if (m.samples === 0 || !(m.hi > m.lo)) return { mean: 0, median: 0 };
  const dx = (m.hi - m.lo) / steps;
  const mass = new Float64Array(steps);
  let total = 0;
  let first = 0;
  for (let i = 0; i < steps; i++) {
    const x = m.lo + (i + 0.5) * dx;
    mass[i] = m.pdf(x) * dx;
    total += mass[i];
    first += x * mass[i];
  }
  if (!(total > 0)) return { mean: 0, median: 0 };
  let cum = 0;
  let median = m.hi;
  for (let i = 0; i < steps; i++) {
    if (cum + mass[i] >= total / 2) {
      median = m.lo + (i + (total / 2 - cum) / mass[i]) * dx;
      break;
    }
    cum += mass[i];
  }
  return { mean: first / total, median };
}

/**
 * The shift s subtracted from ingress times. The share of a flow's packets that land in the same
 * window on both sides is E[(1 − |D − s|/W)⁺]. Default 'min', the smallest end-to-end delay the
 * adversary measured (the model's lo, exact): delays are one-sided above it, as in V14, and it is
 * immune to the long store-and-forward tail. The median would maximise the overlap when the spread
 * fits in a window, but the model is a 256-bin histogram over [min, max], so with offline tails
 * of hours its bins are seconds wide and the median (and the mean, dragged by the tail) lands
 * seconds off; on the default scenario 'median' cost a global observer of SimpleX nearly all of
 * its flow signal (top-1 0.31 with 'min', 0.001 with 'median'). Never negative.
 */
export function delayShift(m: DelayModel, rule: ShiftRule): number {
  if (rule === 'none') return 0;
  if (rule === 'min') return m.samples > 0 ? Math.max(0, m.lo) : 0;
  const s = delayStats(m);
  return Math.max(0, rule === 'mean' ? s.mean : s.median);
}

// ---------------------------------------------------------------------------------------------
// Window series (shared with disclosure.ts; plain typed arrays so workers can share them)

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

export type SeriesInput = Pick<AttackInput, 'users' | 'obs' | 'hostIp' | 'ipStart' | 'ipUsers' | 'duration'>;

/** Window of an egress time / of a (shifted) ingress time. One definition for all callers. */
export function windowOf(t: number, width: number): number {
  return Math.floor(t / width);
}

/** Sorts rows a..b of (t, tag) by t, keeping log order among equal times. */
function sortSliceByTime(t: Float64Array, tag: Int32Array, a: number, b: number): void {
  let sorted = true;
  for (let i = a + 1; i < b; i++) {
    if (t[i] < t[i - 1]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const n = b - a;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = a + i;
  idx.sort((p, q) => t[p] - t[q] || p - q);
  const tt = new Float64Array(n);
  const gg = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    tt[i] = t[idx[i]];
    gg[i] = tag[idx[i]];
  }
  t.set(tt, a);
  tag.set(gg, a);
}

function prefixSum(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
}

/**
 * Bins a view's rows. Egress: rows with `from` a user device, window ⌊tTx/W⌋. Ingress: rows
 * with `to` a user device, window ⌊(tRx − shift)/W⌋. Rows outside [0, K) are dropped.
 */
export function buildWindowSeries(input: SeriesInput, width: number, shift: number): WindowSeries {
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

/** Pearson r of two count series over K windows from their sums; 0 when either series is constant. */
export function pearsonFromSums(K: number, sx: number, sxx: number, sy: number, syy: number, sxy: number): number {
  const vx = K * sxx - sx * sx;
  const vy = K * syy - sy * sy;
  if (!(vx > 0) || !(vy > 0)) return 0;
  return (K * sxy - sx * sy) / Math.sqrt(vx * vy);
}

/**
 * Generalised statistical-disclosure estimate (Danezis 2003; Mathewson & Dingledine 2004) of
 * the share of the target's traffic due to one candidate:
 *   v̂ = (O_T − (B_T − M_T)⁺·û) / M_T
 * O_T: the candidate's count over the target rounds; M_T: the target's messages in those rounds;
 * B_T: all messages in those rounds; û: the candidate's background share (from rounds without
 * the target, or known). With B_T = t·b, M_T = t, û = 1/N this is Danezis's mean count − (b−1)/N.
 */
export function sdaEstimate(oT: number, mT: number, bT: number, uHat: number): number {
  if (!(mT > 0)) return 0;
  return (oT - Math.max(0, bT - mT) * uHat) / mT;
}

/** Background share û of a candidate from the rounds without the target: (O − O_T)/(B − B_T). */
export function backgroundShare(o: number, oT: number, b: number, bT: number): number {
  return b - bT > 0 ? (o - oT) / (b - bT) : 0;
}

// ---------------------------------------------------------------------------------------------
// Sweeps: per-recipient evidence advanced monotonically in time

/** Deduplicated set of candidate users, reused across recipients. */
export class CandidateSet {
  readonly list: Int32Array;
  n = 0;
  private readonly mark: Uint8Array;
  constructor(users: number) {
    this.list = new Int32Array(users);
    this.mark = new Uint8Array(users);
  }
  add(u: number): void {
    if (this.mark[u] === 0) {
      this.mark[u] = 1;
      this.list[this.n++] = u;
    }
  }
  has(u: number): boolean {
    return this.mark[u] === 1;
  }
  clear(): void {
    for (let i = 0; i < this.n; i++) this.mark[this.list[i]] = 0;
    this.n = 0;
  }
}

/**
 * Evidence about one recipient user. `begin(R)`, then `at(t)` with non-decreasing t (state =
 * the rows observed by t), then `atEnd()` (the whole run). `at`/`atEnd` return false when the
 * adversary has no evidence about R yet (every score would be equal). `score(u)` is exact for
 * every user; users not added by `addCandidates` score ≤ 0.
 */
export interface Sweep {
  begin(recipient: number): void;
  at(t: number): boolean;
  atEnd(): boolean;
  addCandidates(out: CandidateSet): void;
  score(user: number): number;
  /** A cheap upper bound of score(user) in the current state (used to skip exact evaluations). */
  bound(user: number): number;
  /** When the sweep is used alone: its unique best user in the current state, or -1. */
  best?(): number;
  /** When the sweep is used alone: users with a positive score and their scores (returns the count). */
  collect?(outUser: Int32Array, outScore: Float64Array): number;
}

/** Inflation of score bounds against rounding (far below the tie tolerance TIE_REL). */
const BOUND_SLACK = 1 + 1e-12;
/** Scores within this relative distance of the best count as tied for the causal top. */
export const TIE_REL = 1e-9;

/** Running argmax under the TIE_REL rule: `result` is -1 on a tie or when nothing scored above 0. */
export class TieTop {
  best = 0;
  tie = false;
  private top = -1;

  reset(): void {
    this.best = 0;
    this.tie = false;
    this.top = -1;
  }

  consider(u: number, v: number): void {
    if (v > this.best * (1 + TIE_REL)) {
      this.best = v;
      this.top = u;
      this.tie = false;
    } else if (v > 0 && v >= this.best * (1 - TIE_REL)) {
      this.tie = true;
      if (v > this.best) this.best = v;
    }
  }

  get result(): number {
    return this.tie ? -1 : this.top;
  }
}

export const PEARSON = 0;
export const SDA = 1;

/**
 * Windowed evidence about a recipient ip: Pearson r (flow) or the SDA estimate (disclosure).
 * Candidate ips (those with a non-zero cross term) get a slot on first touch; per slot we keep
 * the cross term and a cursor into the ip's active windows with the prefix sums up to the
 * current window, so that re-scoring every candidate at each of the recipient's deliveries walks
 * contiguous slot arrays and touches an ip's own lists only when it had new activity.
 */
export class IpSweep implements Sweep {
  private readonly slotOf: Int32Array;
  private readonly slotIp: Int32Array;
  private readonly slotAcc: Float64Array;
  private readonly slotCur: Int32Array;
  private readonly slotNext: Int32Array;
  private readonly slotPx: Float64Array;
  private readonly slotPx2: Float64Array;
  private nSlots = 0;
  private readonly xp: Float64Array;
  private readonly xpList: Int32Array;
  private xpN = 0;
  private recipient = -1;
  private v = -1;
  private p = 0;
  private rowPtr = 0;
  private syPref = 0;
  private syyPref = 0;
  private bTPref = 0;
  /** Windows fully included; the partial window (if any) is kc; kc = K at the end of the run. */
  private kc = 0;
  private yp = 0;
  private bp = 0;

  constructor(
    readonly s: WindowSeries,
    readonly mode: typeof PEARSON | typeof SDA,
  ) {
    const n = s.ips;
    this.slotOf = new Int32Array(n).fill(-1);
    this.slotIp = new Int32Array(n);
    this.slotAcc = new Float64Array(n);
    this.slotCur = new Int32Array(n);
    this.slotNext = new Int32Array(n);
    this.slotPx = new Float64Array(n);
    this.slotPx2 = new Float64Array(n);
    this.xp = new Float64Array(n);
    this.xpList = new Int32Array(n);
  }

  begin(recipient: number): void {
    this.beginIp(this.s.userIp[recipient]);
    this.recipient = recipient;
  }

  /** Starts over for recipient ip v (no recipient user excluded from candidates). */
  beginIp(v: number): void {
    for (let q = 0; q < this.nSlots; q++) this.slotOf[this.slotIp[q]] = -1;
    this.nSlots = 0;
    this.clearPartial();
    this.recipient = -1;
    this.v = v;
    this.p = this.s.yStart[v];
    this.rowPtr = this.s.yRowStart[v];
    this.syPref = 0;
    this.syyPref = 0;
    this.bTPref = 0;
    this.kc = 0;
  }

  private clearPartial(): void {
    for (let i = 0; i < this.xpN; i++) this.xp[this.xpList[i]] = 0;
    this.xpN = 0;
    this.yp = 0;
    this.bp = 0;
  }

  private slot(a: number): number {
    let q = this.slotOf[a];
    if (q < 0) {
      q = this.nSlots++;
      this.slotOf[a] = q;
      this.slotIp[q] = a;
      this.slotAcc[q] = 0;
      // The cursor is set up on first use: whole-run scores (the common case) never need it.
      this.slotCur[q] = -1;
      this.slotNext[q] = -1;
    }
    return q;
  }

  /** Adds the recipient's ingress windows k < kEnd to the cross terms. */
  private addFull(kEnd: number): void {
    const s = this.s;
    const end = s.yStart[this.v + 1];
    const pearson = this.mode === PEARSON;
    while (this.p < end && s.yWin[this.p] < kEnd) {
      const k = s.yWin[this.p];
      const y = s.yCnt[this.p];
      const g = pearson ? y : 1;
      for (let e = s.eStart[k]; e < s.eStart[k + 1]; e++) this.slotAcc[this.slot(s.eIp[e])] += s.eCnt[e] * g;
      this.syPref += y;
      this.syyPref += y * y;
      this.bTPref += s.bCum[k + 1] - s.bCum[k];
      this.p++;
    }
  }

  at(t: number): boolean {
    const s = this.s;
    this.clearPartial();
    const kc = windowOf(t - s.shift, s.width);
    if (kc < 0) return false;
    if (kc >= s.windows) return this.atEnd();
    this.addFull(kc);
    this.kc = kc;
    // Ingress rows ≤ t: all of windows < kc (every such row is < t) plus part of window kc.
    const rEnd = s.yRowStart[this.v + 1];
    while (this.rowPtr < rEnd && s.yRowT[this.rowPtr] <= t) this.rowPtr++;
    this.yp = this.rowPtr - s.yRowStart[this.v] - this.syPref;
    for (let i = s.eRowStart[kc]; i < s.eRowStart[kc + 1] && s.eRowT[i] <= t; i++) {
      const ip = s.eRowIp[i];
      if (this.xp[ip] === 0) this.xpList[this.xpN++] = ip;
      this.xp[ip]++;
      this.bp++;
    }
    // Senders active in the partial window share it with the recipient: they are candidates.
    if (this.yp > 0) for (let i = 0; i < this.xpN; i++) this.slot(this.xpList[i]);
    return this.syPref + this.yp > 0;
  }

  atEnd(): boolean {
    this.clearPartial();
    this.addFull(this.s.windows);
    this.kc = this.s.windows;
    return this.syPref > 0;
  }

  /** Number of windows in the current state. */
  get windowCount(): number {
    return this.kc === this.s.windows ? this.kc : this.kc + 1;
  }

  /** Whether slot q has a non-zero cross term in the current state. */
  private hasEvidence(q: number): boolean {
    if (this.ownIp(this.slotIp[q])) return false;
    return this.slotAcc[q] > 0 || (this.yp > 0 && this.xp[this.slotIp[q]] > 0);
  }

  /**
   * The recipient's own address: its egress includes the recipient's own echoes (automatic
   * receipts, acks), so users behind the same NAT would inherit the recipient's correlation with
   * itself. They are scored 0 rather than ranked on that artefact (a true sender behind the same
   * NAT is then missed — indistinguishable from the recipient's echo by address alone).
   */
  private ownIp(a: number): boolean {
    return this.recipient >= 0 && a === this.v;
  }

  /** Candidate ips with evidence (non-zero cross term) in the current state. */
  forEachIp(fn: (ip: number) => void): void {
    for (let q = 0; q < this.nSlots; q++) if (this.hasEvidence(q)) fn(this.slotIp[q]);
  }

  addCandidates(out: CandidateSet): void {
    const { ipStart, ipUsers, users } = this.s;
    for (let q = 0; q < this.nSlots; q++) {
      if (!this.hasEvidence(q)) continue;
      const ip = this.slotIp[q];
      for (let i = ipStart[ip]; i < ipStart[ip + 1]; i++) {
        const u = ipUsers[i];
        if (u !== this.recipient && u < users) out.add(u);
      }
    }
  }

  score(user: number): number {
    return this.scoreIp(this.s.userIp[user]);
  }

  /** SDA: v̂ ≤ O_T/M_T since û ≥ 0. Pearson: the exact score (cheap per slot). */
  bound(user: number): number {
    const a = this.s.userIp[user];
    if (this.ownIp(a)) return 0;
    if (this.mode === PEARSON) return this.scoreIp(a);
    const q = this.slotOf[a];
    const mT = this.syPref + this.yp;
    if (q < 0 || !(mT > 0)) return 0;
    return ((this.slotAcc[q] + (this.yp > 0 ? this.xp[a] : 0)) / mT) * BOUND_SLACK;
  }

  /** The statistic (Pearson r, or SDA v̂) of sender ip a against the recipient ip, current state. */
  scoreIp(a: number): number {
    const q = this.slotOf[a];
    if (q >= 0) return this.scoreSlot(q);
    // Not a candidate: zero cross term; prefix sums by binary search in a's active windows.
    const s = this.s;
    let px = s.xSum[a];
    let px2 = s.xSum2[a];
    if (this.kc < s.windows) {
      let lo = s.xStart[a];
      let hi = s.xStart[a + 1];
      const first = lo;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s.xRec[3 * mid] < this.kc) lo = mid + 1;
        else hi = mid;
      }
      px = lo > first ? s.xRec[3 * lo - 2] : 0;
      px2 = lo > first ? s.xRec[3 * lo - 1] : 0;
    }
    return this.stat(a, 0, px, px2);
  }

  private scoreSlot(q: number): number {
    const s = this.s;
    const a = this.slotIp[q];
    if (this.kc === s.windows) return this.stat(a, this.slotAcc[q], s.xSum[a], s.xSum2[a]);
    if (this.slotNext[q] < this.kc) {
      // a was active since this slot was last brought up to date: move its cursor forward.
      const first = s.xStart[a];
      const end = s.xStart[a + 1];
      let c = this.slotCur[q] < 0 ? first : this.slotCur[q];
      const x = s.xRec;
      // Gallop then bisect: a rarely scored, busy ip may have passed many windows.
      let step = 1;
      while (c + step < end && x[3 * (c + step)] < this.kc) {
        c += step;
        step *= 2;
      }
      let hi = Math.min(end, c + step);
      while (c < hi) {
        const mid = (c + hi) >>> 1;
        if (x[3 * mid] < this.kc) c = mid + 1;
        else hi = mid;
      }
      this.slotCur[q] = c;
      this.slotNext[q] = c < end ? x[3 * c] : s.windows;
      this.slotPx[q] = c > first ? x[3 * c - 2] : 0;
      this.slotPx2[q] = c > first ? x[3 * c - 1] : 0;
    }
    return this.stat(a, this.slotAcc[q], this.slotPx[q], this.slotPx2[q]);
  }

  /** The statistic from a's cross term over full windows and its prefix sums over windows < kc. */
  private stat(a: number, acc: number, px: number, px2: number): number {
    if (this.ownIp(a)) return 0;
    const s = this.s;
    const xpa = this.xp[a];
    const sx = px + xpa;
    if (this.mode === PEARSON) {
      const sy = this.syPref + this.yp;
      const syy = this.syyPref + this.yp * this.yp;
      return pearsonFromSums(this.windowCount, sx, px2 + xpa * xpa, sy, syy, acc + xpa * this.yp);
    }
    const inT = this.yp > 0 ? 1 : 0;
    const oT = acc + xpa * inT;
    const mT = this.syPref + this.yp;
    const bT = this.bTPref + this.bp * inT;
    const b = s.bCum[this.kc] + this.bp;
    return sdaEstimate(oT, mT, bT, backgroundShare(sx, oT, b, bT));
  }

  // Slot-level access for callers that combine this sweep with others (disclosure.ts).

  get slotCount(): number {
    return this.nSlots;
  }

  slotIpOf(q: number): number {
    return this.slotIp[q];
  }

  slotScore(q: number): number {
    return this.scoreSlot(q);
  }

  /**
   * SDA only: calls visit(q) for each candidate slot whose upper bound of v̂ is ≥ the threshold,
   * which starts at `threshold` and is replaced by visit's return value. v̂ decreases in O (the
   * sender's egress so far) and O ≥ O_lo = max(O_T, the slot's last computed prefix + the partial
   * round), so v̂ ≤ (O_T − κ·(O_lo − O_T))/M_T with κ = (B_T − M_T)⁺/(B − B_T): slot-local data,
   * no cursor step, no division per slot.
   */
  scanSda(threshold: number, visit: (q: number) => number): void {
    const s = this.s;
    const mT = this.syPref + this.yp;
    if (!(mT > 0)) return;
    const inT = this.yp > 0 ? 1 : 0;
    const bT = this.bTPref + this.bp * inT;
    const b = s.bCum[this.kc] + this.bp;
    const kappa = bT > mT && b > bT ? (bT - mT) / (b - bT) : 0;
    const end = this.kc === s.windows;
    let thr = threshold * mT;
    for (let q = 0; q < this.nSlots; q++) {
      const a = this.slotIp[q];
      if (this.ownIp(a)) continue;
      const xpa = this.xp[a];
      const oT = this.slotAcc[q] + xpa * inT;
      if (!(oT > 0)) continue;
      const stale = end ? s.xSum[a] : this.slotCur[q] >= 0 ? this.slotPx[q] + xpa : xpa;
      const ubm = oT - kappa * (Math.max(oT, stale) - oT);
      if (ubm + Math.abs(ubm) * 1e-12 < thr) continue;
      thr = visit(q) * mT;
    }
  }

  /** Writes the users with a positive score (recipient excluded) and their scores; returns the count. */
  collect(outUser: Int32Array, outScore: Float64Array): number {
    const { ipStart, ipUsers, users } = this.s;
    let n = 0;
    for (let q = 0; q < this.nSlots; q++) {
      if (!this.hasEvidence(q)) continue;
      const v = this.scoreSlot(q);
      if (!(v > 0)) continue;
      const a = this.slotIp[q];
      for (let i = ipStart[a]; i < ipStart[a + 1]; i++) {
        const u = ipUsers[i];
        if (u !== this.recipient && u < users) {
          outUser[n] = u;
          outScore[n] = v;
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The unique best user in the current state, or -1 (no positive score, or a tie within
   * TIE_REL, including several users behind the best ip). Scans the slots directly.
   */
  best(): number {
    const { ipStart, ipUsers, users } = this.s;
    let best = 0;
    let bestIp = -1;
    let tie = false;
    for (let q = 0; q < this.nSlots; q++) {
      if (!this.hasEvidence(q)) continue;
      const v = this.scoreSlot(q);
      if (!(v > 0) || v < best * (1 - TIE_REL)) continue;
      const a = this.slotIp[q];
      let n = 0;
      for (let i = ipStart[a]; i < ipStart[a + 1]; i++) if (ipUsers[i] !== this.recipient && ipUsers[i] < users) n++;
      if (n === 0) continue;
      if (v > best * (1 + TIE_REL)) {
        best = v;
        bestIp = a;
        tie = n > 1;
      } else {
        tie = true;
        if (v > best) best = v;
      }
    }
    if (tie || bestIp < 0) return -1;
    for (let i = ipStart[bestIp]; i < ipStart[bestIp + 1]; i++) {
      const u = ipUsers[i];
      if (u !== this.recipient && u < users) return u;
    }
    return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Targets, chunks and assembly (shared by the flow and disclosure attacks)

/** Targets grouped by recipient, each group in delivery-time order. */
export interface TargetIndex {
  /** Targets of recipient R: order[start[R] .. start[R+1]). */
  start: Int32Array;
  order: Int32Array;
  /** Causal cut-off time of each target (its delivery time). */
  tCut: Float64Array;
  count: number;
}

export function indexTargets(targets: Targets, users: number): TargetIndex {
  const start = new Int32Array(users + 1);
  for (let i = 0; i < targets.count; i++) {
    const r = targets.recipient[i];
    if (r >= 0 && r < users) start[r + 1]++;
  }
  prefixSum(start);
  const order = new Int32Array(start[users]);
  const fill = start.slice(0, users);
  for (let i = 0; i < targets.count; i++) {
    const r = targets.recipient[i];
    if (r >= 0 && r < users) order[fill[r]++] = i;
  }
  const t = targets.tDeliver;
  for (let r = 0; r < users; r++) {
    const a = start[r];
    const b = start[r + 1];
    if (b - a > 1) order.subarray(a, b).sort((p, q) => t[p] - t[q] || p - q);
  }
  return { start, order, tCut: Float64Array.from(t.subarray(0, targets.count)), count: targets.count };
}

/**
 * The output of one chunk of recipients [r0, r1): their pair lists (sorted by score desc, then
 * sender asc; positive scores only) and the causal top of their targets. Typed arrays only, so a
 * worker can transfer it back.
 */
export interface PairChunk {
  r0: number;
  r1: number;
  /** Pairs of recipient r0 + i: cand/score[start[i] .. start[i+1]). */
  start: Int32Array;
  cand: Int32Array;
  score: Float64Array;
  causalTarget: Int32Array;
  causalTop: Int32Array;
}

/** The k-th smallest of a[0..n) (0-based), by in-place quickselect (median-of-three pivots). */
export function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot keeps sorted and constant inputs linear.
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Length of a descending list cut at `top`, extended so that tied scores are never split. */
function cutWithTies(score: Float64Array, a: number, b: number, top: number): number {
  let n = Math.min(b - a, top);
  while (n > 0 && a + n < b && score[a + n] === score[a + n - 1]) n++;
  return n;
}

/**
 * Runs the sweeps over recipients r0..r1-1: causal top at each of their targets, then the
 * final pair list. A candidate's score is the sum of the sweeps' scores (one sweep for flow).
 */
export function pairChunk(
  sweeps: Sweep[],
  idx: TargetIndex,
  users: number,
  r0: number,
  r1: number,
  pairTop: number,
  causal: boolean | ((ok: Uint8Array, recipient: number) => number) = true,
): PairChunk {
  const cs = new CandidateSet(users);
  const ok = new Uint8Array(sweeps.length);
  const candScore = new Float64Array(users);
  const candUser = new Int32Array(users);
  const sortBuf = new Float64Array(users);
  const ubBuf = new Float64Array(users);
  const starts = new Int32Array(r1 - r0 + 1);
  const outCand: number[] = [];
  const outScore: number[] = [];
  const causalTarget: number[] = [];
  const causalTop: number[] = [];

  const total = (u: number): number => {
    let v = 0;
    for (let k = 0; k < sweeps.length; k++) if (ok[k]) v += sweeps[k].score(u);
    return v;
  };
  const gather = (): boolean => {
    cs.clear();
    let any = false;
    for (let k = 0; k < sweeps.length; k++) {
      if (ok[k]) {
        any = true;
        sweeps[k].addCandidates(cs);
      }
    }
    return any;
  };

  const pick = new TieTop();
  for (let r = r0; r < r1; r++) {
    for (const s of sweeps) s.begin(r);
    for (let q = idx.start[r]; causal && q < idx.start[r + 1]; q++) {
      const i = idx.order[q];
      const t = idx.tCut[i];
      for (let k = 0; k < sweeps.length; k++) ok[k] = sweeps[k].at(t) ? 1 : 0;
      let top = -1;
      if (typeof causal === 'function') top = causal(ok, r);
      else if (sweeps.length === 1 && sweeps[0].best) {
        if (ok[0]) top = sweeps[0].best();
      } else if (gather()) {
        // Exact argmax with pruning: bounds for all, exact scores only where the bound can
        // beat (or, before a tie is known, equal) the best so far. Same result as evaluating all.
        let arg = -1;
        let maxUb = 0;
        for (let c = 0; c < cs.n; c++) {
          let ub = 0;
          for (let k = 0; k < sweeps.length; k++) if (ok[k]) ub += sweeps[k].bound(cs.list[c]);
          ubBuf[c] = ub;
          if (ub > maxUb) {
            maxUb = ub;
            arg = c;
          }
        }
        pick.reset();
        if (arg >= 0) {
          pick.consider(cs.list[arg], total(cs.list[arg]));
          for (let c = 0; c < cs.n; c++) {
            const ub = ubBuf[c];
            if (c === arg || !(ub > 0) || ub < pick.best * (1 - TIE_REL)) continue;
            if (pick.tie && ub <= pick.best * (1 + TIE_REL)) continue;
            pick.consider(cs.list[c], total(cs.list[c]));
          }
        }
        top = pick.result;
      }
      causalTarget.push(i);
      causalTop.push(top);
    }

    for (let k = 0; k < sweeps.length; k++) ok[k] = sweeps[k].atEnd() ? 1 : 0;
    let n = 0;
    const only = sweeps.length === 1 ? sweeps[0] : null;
    if (only?.collect) {
      if (ok[0]) n = only.collect(candUser, candScore);
    } else if (gather()) {
      for (let c = 0; c < cs.n; c++) {
        const u = cs.list[c];
        const v = total(u);
        if (v > 0) {
          candUser[n] = u;
          candScore[n] = v;
          n++;
        }
      }
    }
    // Keep the pairTop best (ties at the cut kept): threshold by selection, O(n).
    let keep: number[];
    if (n > pairTop) {
      sortBuf.set(candScore.subarray(0, n));
      const theta = selectKth(sortBuf, n, n - pairTop);
      keep = [];
      for (let c = 0; c < n; c++) if (candScore[c] >= theta) keep.push(c);
    } else {
      keep = Array.from({ length: n }, (_, c) => c);
    }
    keep.sort((a, b) => candScore[b] - candScore[a] || candUser[a] - candUser[b]);
    for (const c of keep) {
      outCand.push(candUser[c]);
      outScore.push(candScore[c]);
    }
    starts[r - r0 + 1] = outCand.length;
  }
  return {
    r0,
    r1,
    start: starts,
    cand: Int32Array.from(outCand),
    score: Float64Array.from(outScore),
    causalTarget: Int32Array.from(causalTarget),
    causalTop: Int32Array.from(causalTop),
  };
}

/**
 * Merges chunks covering recipients 0..users-1 (any order, disjoint) into an AttackResult.
 * Per target: the recipient's pair list cut to `listTop` (ties kept), base 0.
 */
export function assembleResult(users: number, targets: Targets, chunks: PairChunk[], listTop: number): AttackResult {
  const sorted = [...chunks].sort((a, b) => a.r0 - b.r0);
  let next = 0;
  for (const c of sorted) {
    if (c.r0 !== next) throw new Error(`pair chunks do not cover recipients ${next}..${c.r0 - 1}`);
    next = c.r1;
  }
  if (next !== users) throw new Error(`pair chunks end at ${next}, expected ${users}`);
  const chunkOf = new Int32Array(users);
  sorted.forEach((c, ci) => {
    for (let r = c.r0; r < c.r1; r++) chunkOf[r] = ci;
  });

  let nPairs = 0;
  for (const c of sorted) nPairs += c.cand.length;
  const sender = new Int32Array(nPairs);
  const recipient = new Int32Array(nPairs);
  const pairScore = new Float64Array(nPairs);
  let o = 0;
  for (const c of sorted) {
    for (let r = c.r0; r < c.r1; r++) {
      for (let q = c.start[r - c.r0]; q < c.start[r - c.r0 + 1]; q++) {
        sender[o] = c.cand[q];
        recipient[o] = r;
        pairScore[o] = c.score[q];
        o++;
      }
    }
  }

  const offsets = new Int32Array(targets.count + 1);
  const lens = new Int32Array(targets.count);
  for (let i = 0; i < targets.count; i++) {
    const r = targets.recipient[i];
    if (r < 0 || r >= users) continue;
    const c = sorted[chunkOf[r]];
    const a = c.start[r - c.r0];
    lens[i] = cutWithTies(c.score, a, c.start[r - c.r0 + 1], listTop);
    offsets[i + 1] = lens[i];
  }
  prefixSum(offsets);
  const cand = new Int32Array(offsets[targets.count]);
  const score = new Float64Array(offsets[targets.count]);
  for (let i = 0; i < targets.count; i++) {
    if (lens[i] === 0) continue;
    const r = targets.recipient[i];
    const c = sorted[chunkOf[r]];
    const a = c.start[r - c.r0];
    cand.set(c.cand.subarray(a, a + lens[i]), offsets[i]);
    score.set(c.score.subarray(a, a + lens[i]), offsets[i]);
  }

  const causalTop = new Int32Array(targets.count).fill(-1);
  for (const c of sorted) for (let q = 0; q < c.causalTarget.length; q++) causalTop[c.causalTarget[q]] = c.causalTop[q];

  return {
    perTarget: { offsets, cand, score, base: new Float64Array(targets.count) },
    causalTop,
    pairs: { sender, recipient, score: pairScore },
  };
}

// ---------------------------------------------------------------------------------------------
// The flow attack

export const FLOW_PARAMS: readonly ParamSpec[] = [
  {
    name: 'window',
    type: 'duration',
    default: '5s',
    unit: 'duration',
    description: 'Window width W of the interval counts',
    source:
      '[assumption] tuned to the widest delivery spread among the modelled designs, Session 5 s polls: ' +
      'ρ·√K peaks at 1.5 × spread for dense flows and lower for sparse ones; on the default scenario 5 s beats ' +
      '2 s and 10 s for Session and 10 s for every design (docs/attacks-flow-disclosure.md)',
  },
  {
    name: 'shift',
    type: 'enum',
    default: 'min',
    values: SHIFTS,
    description:
      "Delay subtracted from ingress times: the minimum, median or mean of the adversary's end-to-end model, or none",
    source:
      'Levine et al. 2004 (shift by the known delay); min: exact and tail-proof, whereas the histogram median is only ' +
      'resolved to (max − min)/256 (see delayShift)',
  },
  {
    name: 'pairTop',
    type: 'int',
    default: 256,
    min: 1,
    description: 'Pair scores kept per recipient (best first, ties kept; at least listTop); the rest score 0',
    source: '[assumption] memory bound: 10 000 users → ≤ 2.6 M pairs',
  },
  {
    name: 'listTop',
    type: 'int',
    default: 128,
    min: 5,
    description: 'Candidates listed per target (best first, ties kept); the rest score base = 0',
    source: '[assumption] top-k exact for k ≤ listTop; entropy a lower bound when cut',
  },
];

export interface FlowOptions {
  window: number;
  shift: number;
  pairTop: number;
  listTop: number;
}

export function flowOptions(input: Pick<AttackInput, 'params' | 'endToEnd'>): FlowOptions {
  const p = input.params;
  return {
    window: durationParam(p, 'window', '5s'),
    shift: delayShift(input.endToEnd, enumParam(p, 'shift', SHIFTS, 'min')),
    pairTop: intParam(p, 'pairTop', 256, 1),
    listTop: intParam(p, 'listTop', 128, 5),
  };
}

/** Per-target lists come from the pair lists, so those keep at least listTop entries. */
function pairKeep(o: { pairTop: number; listTop: number }): number {
  return Math.max(o.pairTop, o.listTop);
}

/** What a worker needs for any chunk of recipients: read-only typed arrays (shareable). */
export interface FlowJob {
  users: number;
  series: WindowSeries;
  idx: TargetIndex;
  pairTop: number;
  listTop: number;
}

export function prepareFlow(input: AttackInput): FlowJob {
  const o = flowOptions(input);
  return {
    users: input.users,
    series: buildWindowSeries(input, o.window, o.shift),
    idx: indexTargets(input.targets, input.users),
    pairTop: pairKeep(o),
    listTop: o.listTop,
  };
}

/** Pair scores and causal tops for recipients r0..r1-1 (run in a worker; chunks are independent). */
export function flowChunk(job: FlowJob, r0: number, r1: number): PairChunk {
  const chunk = pairChunk([new IpSweep(job.series, PEARSON)], job.idx, job.users, r0, r1, job.pairTop, false);
  const c = flowCausalTops(job.series, job.idx, r0, r1);
  chunk.causalTarget = c.target;
  chunk.causalTop = c.top;
  return chunk;
}

/**
 * The ip with the unique largest positive Pearson r against one recipient (row `base` of acc),
 * or -1 on a tie (within TIE_REL) or when none is positive. For a fixed recipient r > 0 ranks as
 * N²/Vx with N = Kt·Sxy − Sx·Sy (Vy is common), so the loop has no square root; ties within
 * TIE_REL on r are within ≈ 2·TIE_REL on r². Walks the touched list, or every ip in order when
 * most are touched (sequential access).
 */
function bestCausalIp(
  ev: { n: number },
  acc: Float64Array,
  base: number,
  touched: Int32Array,
  accN: number,
  xp: Float64Array,
  xpList: Int32Array,
  xpN: number,
  yp: number,
  PX: Float64Array,
  PX2: Float64Array,
  Kt: number,
  syT: number,
  ipCount: Int32Array,
  v: number,
): number {
  const n = ev.n;
  let best = 0;
  let bestIp = -1;
  let tie = false;
  // q2 = N²/Vx is compared as N² ≥ thr·Vx (no division on the common, losing path).
  let thr = 0;
  const dense = accN * 4 > n;
  const end = dense ? n : accN + (yp > 0 ? xpN : 0);
  for (let c = 0; c < end; c++) {
    let a: number;
    if (dense) a = c;
    else if (c < accN) a = touched[base + c];
    else {
      a = xpList[c - accN];
      if (acc[base + a] !== 0) continue;
    }
    // An ip without co-occurrence has Sxy = 0, so N ≤ 0 and it drops out here.
    const xa = xp[a];
    const sx = PX[a] + xa;
    const num = Kt * (acc[base + a] + xa * yp) - sx * syT;
    const vx = Kt * (PX2[a] + xa * xa) - sx * sx;
    if (!(num > 0 && vx > 0 && num * num >= thr * vx)) continue;
    const q2 = (num * num) / vx;
    const m = ipCount[a] - (a === v ? 1 : 0);
    if (m === 0) continue;
    if (q2 > best * (1 + 2 * TIE_REL)) {
      best = q2;
      bestIp = a;
      tie = m > 1;
    } else {
      tie = true;
      if (q2 > best) best = q2;
    }
    thr = best * (1 - 2 * TIE_REL);
  }
  return tie ? -1 : bestIp;
}

/** Cells of the per-block cross-term rows of flowCausalTops (10 000 ips → blocks of 104 recipient ips). */
const BLOCK_CELLS = 1 << 20;

/**
 * Causal tops of the targets of recipients r0..r1-1. Recipient ips are taken in blocks; each
 * block makes one pass over global time in which the per-ip egress prefix sums (windows < k_t,
 * plus the rows ≤ t of window k_t) live in dense arrays, and each recipient ip of the block has a
 * dense cross-term row advanced incrementally to its own targets. The cost is the all-pairs
 * accumulation once, O(rows) per block, and Σ over targets of the co-occurring candidates, all
 * on contiguous lists or dense rows. Same values as IpSweep.at(t) (tested).
 */
export function flowCausalTops(
  s: WindowSeries,
  idx: TargetIndex,
  r0: number,
  r1: number,
): { target: Int32Array; top: Int32Array } {
  const n = s.ips;
  const K = s.windows;
  const { ipStart, ipUsers, users } = s;
  // Recipient ips with targets in this chunk, in order of first appearance.
  const ipRow = new Int32Array(n).fill(-1);
  const ips: number[] = [];
  for (let r = r0; r < r1; r++) {
    if (idx.start[r + 1] > idx.start[r] && ipRow[s.userIp[r]] < 0) {
      ipRow[s.userIp[r]] = ips.length;
      ips.push(s.userIp[r]);
    }
  }
  // Users behind each ip (candidates), the recipient itself included when it is there.
  const ipCount = new Int32Array(n);
  for (let a = 0; a < n; a++) for (let q = ipStart[a]; q < ipStart[a + 1]; q++) if (ipUsers[q] < users) ipCount[a]++;
  const B = Math.max(1, Math.min(ips.length, Math.floor(BLOCK_CELLS / Math.max(1, n))));
  const ev = { n };
  const acc = new Float64Array(B * n);
  const touched = new Int32Array(B * n);
  const accN = new Int32Array(B);
  const pY = new Int32Array(B);
  const sy = new Float64Array(B);
  const syy = new Float64Array(B);
  const PX = new Float64Array(n);
  const PX2 = new Float64Array(n);
  const xp = new Float64Array(n);
  const xpList = new Int32Array(n);
  const outTarget: number[] = [];
  const outTop: number[] = [];
  const tCut = idx.tCut;

  for (let b0 = 0; b0 < ips.length; b0 += B) {
    const b1 = Math.min(ips.length, b0 + B);
    const list: number[] = [];
    const rowOfTarget = new Map<number, number>();
    for (let r = r0; r < r1; r++) {
      const row = ipRow[s.userIp[r]];
      if (row < b0 || row >= b1) continue;
      for (let q = idx.start[r]; q < idx.start[r + 1]; q++) {
        list.push(idx.order[q]);
        rowOfTarget.set(idx.order[q], r);
      }
    }
    list.sort((x, y) => tCut[x] - tCut[y] || x - y);
    for (let b = 0; b < b1 - b0; b++) {
      const base = b * n;
      for (let c = 0; c < accN[b]; c++) acc[base + touched[base + c]] = 0;
      accN[b] = 0;
      pY[b] = s.yStart[ips[b0 + b]];
      sy[b] = 0;
      syy[b] = 0;
    }
    PX.fill(0);
    PX2.fill(0);
    let xpN = 0;
    xp.fill(0);
    let kCur = 0;
    let ePtr = s.eRowStart[0];

    for (const i of list) {
      const t = tCut[i];
      const R = rowOfTarget.get(i) as number;
      const v = s.userIp[R];
      const b = ipRow[v] - b0;
      const base = b * n;
      let kc = windowOf(t - s.shift, s.width);
      outTarget.push(i);
      if (kc < 0) {
        outTop.push(-1);
        continue;
      }
      if (kc > K) kc = K;
      // Global prefix: fold complete windows < kc (their partial counts are subsumed).
      while (kCur < kc) {
        for (let c = 0; c < xpN; c++) xp[xpList[c]] = 0;
        xpN = 0;
        for (let e = s.eStart[kCur]; e < s.eStart[kCur + 1]; e++) {
          PX[s.eIp[e]] += s.eCnt[e];
          PX2[s.eIp[e]] += s.eCnt[e] * s.eCnt[e];
        }
        kCur++;
        ePtr = s.eRowStart[kCur];
      }
      if (kc < K) {
        for (; ePtr < s.eRowStart[kc + 1] && s.eRowT[ePtr] <= t; ePtr++) {
          const a = s.eRowIp[ePtr];
          if (xp[a] === 0) xpList[xpN++] = a;
          xp[a]++;
        }
      }
      // This recipient's cross terms: its ingress windows < kc, added once each.
      for (let p = pY[b]; p < s.yStart[v + 1] && s.yWin[p] < kc; p = ++pY[b]) {
        const k = s.yWin[p];
        const y = s.yCnt[p];
        for (let e = s.eStart[k]; e < s.eStart[k + 1]; e++) {
          const a = s.eIp[e];
          if (acc[base + a] === 0) touched[base + accN[b]++] = a;
          acc[base + a] += s.eCnt[e] * y;
        }
        sy[b] += y;
        syy[b] += y * y;
      }
      let yp = 0;
      if (kc < K) {
        let lo = s.yRowStart[v];
        let hi = s.yRowStart[v + 1];
        const first = lo;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (s.yRowT[mid] <= t) lo = mid + 1;
          else hi = mid;
        }
        yp = lo - first - sy[b];
      }
      const Kt = kc < K ? kc + 1 : K;
      const syT = sy[b] + yp;
      const vy = Kt * (syy[b] + yp * yp) - syT * syT;
      // For a fixed recipient, r > 0 ranks as N²/Vx with N = Kt·Sxy − Sx·Sy > 0 (Vy is common):
      // no square root in the loop. Ties within TIE_REL on r are within ≈ 2·TIE_REL on r².
      const bestIp =
        vy > 0 ? bestCausalIp(ev, acc, base, touched, accN[b], xp, xpList, xpN, yp, PX, PX2, Kt, syT, ipCount, v) : -1;
      let top = -1;
      if (bestIp >= 0) {
        for (let q = ipStart[bestIp]; q < ipStart[bestIp + 1]; q++) {
          if (ipUsers[q] !== R && ipUsers[q] < users) {
            top = ipUsers[q];
            break;
          }
        }
      }
      outTop.push(top);
    }
  }
  return { target: Int32Array.from(outTarget), top: Int32Array.from(outTop) };
}

export const flow: AttackModule = {
  id: 'flow',
  summary: 'Windowed interval-count Pearson correlation of egress and ingress flows (Levine et al. 2004), sparse',
  params: FLOW_PARAMS,
  run(input: AttackInput): AttackResult {
    const job = prepareFlow(input);
    return assembleResult(input.users, input.targets, [flowChunk(job, 0, input.users)], job.listTop);
  },
};
