/**
 * The delivery's own timing, for per-delivery scores of the windowed attacks. The pair score says
 * who talks to R; the delivery's anchor sighting x says when its payload left a device. For a
 * sender ip a with observed departures d (rows leaving a user device at a, at tTx as the view sees
 * them, all at or before x and so observed by the delivery) the timing weight is
 *
 *   w(a) = Σ_{d: x − t_d ∈ [lo, hi]} f(x − t_d),
 *
 * f the adversary's end-to-end delay model (departure → anchor sighting, on [lo, hi]). Given that
 * the message is departure d, the other departures are a Poisson background independent of it
 * (Palm), so f(x − t_d) is d's likelihood up to a factor common to all departures, and a delivery's
 * score for u is pair(u, R) · w(ip(u)): the pair score as the prior over R's partners, the sum over
 * u's departures as the likelihood (the timing attack's end-to-end fallback is the same sum with a
 * uniform prior over departures). The exact Palm ratio would divide each term by the ip's rate of
 * departures; measured on the default scenario that loses (global observer, flow top1 Session
 * 0.386 → 0.185, Matrix 0.683 → 0.605; disclosure Session 0.396 → 0.268): the departures are every
 * row leaving a device (polls, acks, receipts), not its messages, so the rate penalises clients
 * that poll or stay online, and Pearson r is already free of the sender's volume.
 */
import type { AttackInput, DelayModel } from '../attack.js';
import { boundFrom } from '../util-index.js';
import { payloadRows, type WireRows } from '../wire-rows.js';
import { prefixSum, sortSliceByTime } from './arrays.js';
import { eachBackgroundRow, type SeriesInput } from './series.js';

/** Departures (rows leaving a user device) by time, overall and per ip. */
export interface Departures {
  /** All departures by tTx, with their ip. */
  t: Float64Array;
  ip: Int32Array;
  /** Departures of ip a: ipT[start[a] .. start[a+1]), ascending. */
  start: Int32Array;
  ipT: Float64Array;
}

/** The candidate sends of `rows` (by default every logged row leaving a user device and no background, as buildWindowSeries without `rows`), by time. */
export function buildDepartures(input: SeriesInput, rows: WireRows = payloadRows(input, false, false)): Departures {
  const { obs, hostIp } = input;
  const nIp = input.ipStart.length - 1;
  let n = 0;
  for (let j = 0; j < obs.length; j++) if (rows.send(j)) n++;
  // Background departures the observer cannot tell from sends (series.ts) are candidates too.
  eachBackgroundRow(input, rows, true, () => n++);
  const t = new Float64Array(n);
  const ip = new Int32Array(n);
  const start = new Int32Array(nIp + 1);
  let k = 0;
  for (let j = 0; j < obs.length; j++) {
    if (!rows.send(j)) continue;
    const f = obs.from[j];
    t[k] = obs.tTx[j];
    ip[k] = hostIp[f];
    start[ip[k] + 1]++;
    k++;
  }
  eachBackgroundRow(input, rows, true, (h, tTx) => {
    t[k] = tTx;
    ip[k] = hostIp[h];
    start[ip[k] + 1]++;
    k++;
  });
  sortSliceByTime(t, ip, 0, n);
  prefixSum(start);
  // Per ip, filled in time order: each ip's slice comes out sorted.
  const ipT = new Float64Array(n);
  const fill = start.slice(0, nIp);
  for (let q = 0; q < n; q++) ipT[fill[ip[q]]++] = t[q];
  return { t, ip, start, ipT };
}

/**
 * Timing weights of one delivery at a time: `begin(x)`, then `weight(a)` for any ip (memoised
 * until the next `begin`), or `gather()` for every ip with a departure in the window — whichever is
 * cheaper: the window's departures (`windowSize`) against the candidates to weigh.
 */
export class DeliveryTiming {
  private readonly w: Float64Array;
  private readonly done: Uint8Array;
  private readonly doneList: Int32Array;
  private nDone = 0;
  /** After gather(): the ips with a departure in the window. */
  readonly list: Int32Array;
  n = 0;
  private x = 0;
  private a0 = 0;
  private a1 = 0;
  /** After split(): per ip the exact sum over its near departures, and how many it has there. */
  private readonly nearW: Float64Array;
  private readonly nearC: Int32Array;
  /** After split(): the ips with a near departure, nearList[0 .. nearN). */
  readonly nearList: Int32Array;
  nearN = 0;
  /** After split(): the departures of the near part. */
  nearDepartures = 0;
  /** After split(): f ≤ farMax at the delay of every departure outside the near part. */
  private farMax = 0;
  /** Per ip, where its last weight's walk began (the next search starts there). */
  private readonly hint: Int32Array;
  /** The near part's reach (split): f ≤ FAR_SHARE × its peak beyond it; NaN when f cannot be bounded. */
  private readonly reach: number;
  /**
   * Every ip by its number of departures, most first (ties by ip). Outside the near part, bound(a)
   * grows with that number alone, so the ips whose bound reaches a level are a prefix of this
   * order plus the near ones: a caller with a bar for bound(a) stops at the first far ip below it.
   */
  readonly byCount: Int32Array;

  constructor(
    readonly d: Departures,
    readonly model: DelayModel,
    ips: number,
  ) {
    this.w = new Float64Array(ips);
    this.done = new Uint8Array(ips);
    this.doneList = new Int32Array(ips);
    this.list = new Int32Array(ips);
    this.nearW = new Float64Array(ips);
    this.nearC = new Int32Array(ips);
    this.nearList = new Int32Array(ips);
    this.reach = nearReach(model);
    this.hint = new Int32Array(ips);
    this.hint.set(d.start.subarray(0, Math.min(ips, d.start.length)));
    const count = (a: number): number => (a + 1 < d.start.length ? d.start[a + 1] - d.start[a] : 0);
    this.byCount = new Int32Array(ips);
    for (let a = 0; a < ips; a++) this.byCount[a] = a;
    this.byCount.sort((a, b) => count(b) - count(a) || a - b);
  }

  /**
   * After split(): bound(a) of an ip without a near departure is its departures times this (up
   * to the rounding of that product).
   */
  get farUnit(): number {
    return this.farMax * BOUND_SLACK;
  }

  /** After split(): whether ip a has a departure in the near part. */
  isNear(a: number): boolean {
    return this.nearC[a] > 0;
  }

  /** Whether the model can weigh anything (no model: the timing says nothing). */
  get usable(): boolean {
    return this.model.samples > 0;
  }

  /** A new delivery sighted at x. */
  begin(x: number): void {
    this.forget();
    this.forgetNear();
    this.x = x;
    const { t } = this.d;
    // From the last delivery's edges: callers go through deliveries in (nearly) time order.
    this.a0 = boundFrom(t, 0, t.length, x - this.model.hi, this.a0, false);
    this.a1 = boundFrom(t, this.a0, t.length, x - this.model.lo, this.a1, true);
  }

  /** Departures of every ip in the delivery's window [x − hi, x − lo]. */
  get windowSize(): number {
    return this.a1 - this.a0;
  }

  /** The weight of ip a (0 when none of its departures fits the model's support). */
  weight(a: number): number {
    if (this.done[a]) return this.w[a];
    const { start, ipT } = this.d;
    const { x, model } = this;
    const lo = boundFrom(ipT, start[a], start[a + 1], x - model.hi, this.hint[a], false);
    this.hint[a] = lo;
    let s = 0;
    for (let q = lo; q < start[a + 1] && ipT[q] <= x - model.lo; q++) s += model.pdf(x - ipT[q]);
    this.remember(a, s);
    return s;
  }

  /** Weighs every ip with a departure in the window; they are list[0 .. n). */
  gather(): void {
    const { t, ip } = this.d;
    const sum = this.w;
    this.forget();
    for (let q = this.a0; q < this.a1; q++) {
      const a = ip[q];
      if (!this.done[a]) {
        this.remember(a, 0);
        this.list[this.n++] = a;
      }
      sum[a] += this.model.pdf(this.x - t[q]);
    }
  }

  /**
   * Upper bounds of the weights without walking every ip's departures, for an argmax over
   * `candidates` ips that weighs only those that could win: the window's last departures — those
   * within `reach` of x, at most NEAR_CAP + candidates/4 of them — are the near part, summed
   * exactly per ip (nearList); every other departure of an ip lies at a delay ≥ D (D = reach, or
   * x − the earliest near departure's time when the cap cut), where f ≤ maxOver(D, hi). False
   * when the model cannot bound f (no maxOver): bound() is then unusable.
   */
  split(candidates: number): boolean {
    this.forgetNear();
    const cap = NEAR_CAP + Math.floor(candidates / 4);
    const { model } = this;
    if (Number.isNaN(this.reach) || !model.maxOver) return false;
    const { t, ip } = this.d;
    const x = this.x;
    // Departures before s0 are at or before tb, so their delays x − t are ≥ x − tb (as computed:
    // float subtraction is monotone, and weight() computes the delay the same way).
    const tb0 = x - this.reach;
    let s0 = boundFrom(t, this.a0, this.a1, tb0, this.a1, true);
    let far = x - tb0;
    if (this.a1 - s0 > cap) {
      s0 = this.a1 - cap;
      far = x - t[s0];
    }
    this.nearDepartures = this.a1 - s0;
    for (let q = s0; q < this.a1; q++) {
      const a = ip[q];
      if (this.nearC[a] === 0) this.nearList[this.nearN++] = a;
      this.nearC[a]++;
      this.nearW[a] += model.pdf(x - t[q]);
    }
    this.farMax = model.maxOver(far, model.hi);
    return true;
  }

  /**
   * After split(): an upper bound of weight(a), with slack for rounding. The exact weight sums the
   * same near terms plus at most (a's departures − its near ones) far terms, each ≤ farMax; a
   * float sum of n positive terms is within n·2⁻⁵³ of the real one, far below the 2⁻³⁰ slack for
   * any ip with fewer than 2²⁰ departures.
   */
  bound(a: number): number {
    const { start } = this.d;
    return (this.nearW[a] + (start[a + 1] - start[a] - this.nearC[a]) * this.farMax) * BOUND_SLACK;
  }

  private forgetNear(): void {
    for (let i = 0; i < this.nearN; i++) {
      const a = this.nearList[i];
      this.nearW[a] = 0;
      this.nearC[a] = 0;
    }
    this.nearN = 0;
    this.nearDepartures = 0;
  }

  private forget(): void {
    for (let i = 0; i < this.nDone; i++) this.done[this.doneList[i]] = 0;
    this.nDone = 0;
    this.n = 0;
  }

  private remember(a: number, v: number): void {
    this.done[a] = 1;
    this.doneList[this.nDone++] = a;
    this.w[a] = v;
  }
}

/** Relative slack of bound() (see there). */
const BOUND_SLACK = 1 + 2 ** -30;

/**
 * Beyond the near part's reach the density is at most this share of its peak. Measured on the
 * default scenario (Signal, 3162 users): 1e-3 stops the single server's reach at its 10 ms peak
 * (its 1 s mode is 1.8e-3 of it) and weighs ~70 candidates per delivery instead of ~10; 1e-5
 * stretches the global view's reach to 80 s (5× the near departures for no fewer weighed).
 */
const FAR_SHARE = 1e-4;

/**
 * Near departures (split) beyond a quarter of the candidates: enough to reach past the delay
 * model's peak at 10⁴ users (≈ 70 departures/s on the default scenario), few against the
 * candidates they let skip.
 */
const NEAR_CAP = 256;

/**
 * The least delay D in [lo, hi] (to a relative 1e-6) with maxOver(D, hi) ≤ FAR_SHARE × the peak of
 * f: a delivery's departures closer than D are few and carry nearly all the weight. hi when f never
 * drops that far; NaN without maxOver. maxOver(D, hi) does not increase with D, so bisect (in log
 * scale, delays span ms to hours).
 */
function nearReach(model: DelayModel): number {
  const maxOver = model.maxOver;
  if (!maxOver || !(model.samples > 0) || !(model.hi > model.lo)) return Number.NaN;
  const target = FAR_SHARE * maxOver(model.lo, model.hi);
  if (maxOver(model.hi, model.hi) > target) return model.hi;
  const shift = Math.max(1, -model.lo + 1);
  let a = Math.log(model.lo + shift);
  let b = Math.log(model.hi + shift);
  while (b - a > 1e-6) {
    const m = (a + b) / 2;
    if (maxOver(Math.exp(m) - shift, model.hi) <= target) b = m;
    else a = m;
  }
  return Math.min(model.hi, Math.max(model.lo, Math.exp(b) - shift));
}

/**
 * When the view sighted each target's payload: at its primary anchor (per-target scores) and at its
 * primary anchor among those sighted by the delivery time (causal top); NaN without one.
 */
export function anchorSightings(input: Pick<AttackInput, 'obs' | 'targets'>): {
  final: Float64Array;
  causal: Float64Array;
} {
  const { obs, targets } = input;
  const final = new Float64Array(targets.count).fill(Number.NaN);
  const causal = new Float64Array(targets.count).fill(Number.NaN);
  for (let i = 0; i < targets.count; i++) {
    const a = targets.anchor[i];
    if (a >= 0) final[i] = obs.tRx[a];
    const c = targets.causalAnchor ? targets.causalAnchor[i] : a;
    if (c >= 0) causal[i] = obs.tRx[c];
  }
  return { final, causal };
}
