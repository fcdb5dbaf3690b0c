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
import { lowerBound, upperBound } from '../util-index.js';
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

/** The candidate sends of `rows` (by default every row leaving a user device), by time. */
export function buildDepartures(input: SeriesInput, rows: WireRows = payloadRows(input, false)): Departures {
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

  constructor(
    readonly d: Departures,
    readonly model: DelayModel,
    ips: number,
  ) {
    this.w = new Float64Array(ips);
    this.done = new Uint8Array(ips);
    this.doneList = new Int32Array(ips);
    this.list = new Int32Array(ips);
  }

  /** Whether the model can weigh anything (no model: the timing says nothing). */
  get usable(): boolean {
    return this.model.samples > 0;
  }

  /** A new delivery sighted at x. */
  begin(x: number): void {
    this.forget();
    this.x = x;
    const { t } = this.d;
    this.a0 = lowerBound(t, 0, t.length, x - this.model.hi);
    this.a1 = upperBound(t, this.a0, t.length, x - this.model.lo);
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
    const lo = lowerBound(ipT, start[a], start[a + 1], x - model.hi);
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
