/**
 * Delivery-receipt disclosure (Martiny, Kaptchuk, Aviv, Roche, Mitchell, NDSS 2021, against
 * sealed sender): a client answers each delivery at once with an automatic receipt addressed to
 * the sender, and the party relaying it reads the destination account. For recipient R, target
 * epochs U_R = ∪ [τ, τ + w] over R's triggers τ (deliveries to R), merged into C_R disjoint
 * intervals; evidence = observed rows whose readable rAcct is a user u ≠ R. The estimate
 * (estimators.ts receiptEstimate) is u's excess of evidence inside the epochs over its rate
 * outside them, per epoch.
 */
import type { AttackInput } from '../attack.js';
import { lowerBound, upperBound } from '../util-index.js';
import { payloadRows, type WireRows } from '../wire-rows.js';
import { prefixSum, sortSliceByTime } from './arrays.js';
import { receiptEstimate } from './estimators.js';
import type { CandidateSet } from './select.js';
import { eachBackgroundRow } from './series.js';
import type { Sweep } from './sweep.js';

/** Read-only typed arrays for the receipt estimator. */
export interface ReceiptData {
  users: number;
  duration: number;
  /** Target epoch length w (ns). */
  window: number;
  anySource: boolean;
  userIp: Int32Array;
  /** any-source: all evidence rows by time, and per account (background counts). */
  evT: Float64Array;
  evAcct: Int32Array;
  acctStart: Int32Array;
  acctT: Float64Array;
  /** recipient-ip: evidence rows per source ip, by time. */
  srcStart: Int32Array;
  srcT: Float64Array;
  srcAcct: Int32Array;
  /** Trigger times per recipient user, ascending. */
  trigStart: Int32Array;
  trigT: Float64Array;
}

type Grouped = { start: Int32Array; t: Float64Array; tag: Int32Array };

/** Lists grouped by key (CSR) with times ascending within each key. */
function groupByKey(
  n: number,
  keys: number,
  keyOf: (j: number) => number,
  timeOf: (j: number) => number,
  tagOf: (j: number) => number,
): Grouped {
  const start = new Int32Array(keys + 1);
  for (let j = 0; j < n; j++) {
    const k = keyOf(j);
    if (k >= 0) start[k + 1]++;
  }
  prefixSum(start);
  const t = new Float64Array(start[keys]);
  const tag = new Int32Array(start[keys]);
  const fill = start.slice(0, keys);
  for (let j = 0; j < n; j++) {
    const k = keyOf(j);
    if (k < 0) continue;
    const i = fill[k]++;
    t[i] = timeOf(j);
    tag[i] = tagOf(j);
  }
  for (let k = 0; k < keys; k++) sortSliceByTime(t, tag, start[k], start[k + 1]);
  return { start, t, tag };
}

export function buildReceiptData(
  input: Pick<AttackInput, 'users' | 'obs' | 'hostIp' | 'ipStart' | 'ipUsers' | 'duration' | 'background'>,
  window: number,
  anySource: boolean,
  rows: WireRows = payloadRows(input, false, false),
): ReceiptData {
  if (!(window > 0)) throw new RangeError(`receipt window must be > 0 ns, got ${window}`);
  const { obs, users, hostIp, ipStart } = input;
  const userIp = Int32Array.from(hostIp.subarray(0, users));
  const nIp = ipStart.length - 1;
  // A row whose readable sender account is its recipient account is a user's message to its own
  // devices (Signal's sync transcripts): neither a send to someone else nor a delivery to R.
  const selfAddressed = (j: number): boolean => obs.sAcct[j] >= 0 && obs.sAcct[j] === obs.rAcct[j];
  const isEv = (j: number): boolean => obs.rAcct[j] >= 0 && obs.rAcct[j] < users && !selfAddressed(j);
  const empty: Grouped = { start: new Int32Array(1), t: new Float64Array(0), tag: new Int32Array(0) };

  let evT: Float64Array = new Float64Array(0);
  let evAcct: Int32Array = new Int32Array(0);
  let acct: Grouped = empty;
  let src: Grouped = { start: new Int32Array(nIp + 1), t: new Float64Array(0), tag: new Int32Array(0) };
  if (anySource) {
    const all = groupByKey(
      obs.length,
      1,
      (j) => (isEv(j) ? 0 : -1),
      (j) => obs.tRx[j],
      (j) => obs.rAcct[j],
    );
    evT = all.t;
    evAcct = all.tag;
    acct = groupByKey(
      obs.length,
      users,
      (j) => (isEv(j) ? obs.rAcct[j] : -1),
      (j) => obs.tRx[j],
      () => 0,
    );
  } else {
    src = groupByKey(
      obs.length,
      nIp,
      (j) => (isEv(j) && obs.from[j] < users ? hostIp[obs.from[j]] : -1),
      (j) => obs.tRx[j],
      (j) => obs.rAcct[j],
    );
  }

  // Triggers: rows the view attributes to R. A readable recipient account names R. A row into a
  // device whose account the view cannot read names R only when R is the one user behind that
  // device's address (an IP-level adversary identifies R's connection by its address). Behind a
  // shared address such a row (a 200 response, a push wake-up, a delivery to a neighbour) could
  // be anyone's there: counting it for every user there would open epochs for R on all of its
  // NAT neighbours' traffic, which behind a carrier-grade NAT covers the whole run. Of the rows
  // into R's device only candidate deliveries (`rows`: not acks or pushes when sizes are read) count.
  const ipSize = (ip: number): number => ipStart[ip + 1] - ipStart[ip];
  const trigStart = new Int32Array(users + 1);
  // Background arrivals (keepalive answers, empty poll answers) are rows into the device too: the
  // size-blind observer cannot tell them from deliveries (`rows`, series.ts).
  const eachTrigger = (fn: (r: number, t: number) => void): void => {
    for (let j = 0; j < obs.length; j++) {
      const to = obs.to[j];
      const ra = obs.rAcct[j];
      if (selfAddressed(j)) continue;
      if (ra >= 0 && ra < users) fn(ra, obs.tRx[j]);
      else if (to < users && ipSize(hostIp[to]) === 1 && rows.delivery(j)) fn(to, obs.tRx[j]);
    }
    eachBackgroundRow(input, rows, false, (to, t) => {
      if (ipSize(hostIp[to]) === 1) fn(to, t);
    });
  };
  eachTrigger((r) => trigStart[r + 1]++);
  prefixSum(trigStart);
  const trigT = new Float64Array(trigStart[users]);
  const fill = trigStart.slice(0, users);
  eachTrigger((r, t) => {
    trigT[fill[r]++] = t;
  });
  for (let r = 0; r < users; r++) trigT.subarray(trigStart[r], trigStart[r + 1]).sort();

  return {
    users,
    duration: input.duration,
    window,
    anySource,
    userIp,
    evT,
    evAcct,
    acctStart: anySource ? acct.start : new Int32Array(users + 1),
    acctT: acct.t,
    srcStart: src.start,
    srcT: src.t,
    srcAcct: src.tag,
    trigStart,
    trigT,
  };
}

/** The receipt estimator (b) for one recipient user, advanced in time. */
export class ReceiptSweep implements Sweep {
  private readonly c: Float64Array;
  private readonly cList: Int32Array;
  private cN = 0;
  private readonly n: Float64Array;
  private readonly nList: Int32Array;
  private nN = 0;
  private r = -1;
  private ti = 0;
  private tEnd = 0;
  private hasCur = false;
  private curA = 0;
  private curB = 0;
  private closedLen = 0;
  private epochs = 0;
  private scan = 0;
  private rowPtr = 0;
  private rowEnd = 0;
  /** Observation span T and union length |U| of the current state. */
  private span = 0;
  private unionLen = 0;

  constructor(readonly d: ReceiptData) {
    this.c = new Float64Array(d.users);
    this.cList = new Int32Array(d.users);
    this.n = new Float64Array(d.users);
    this.nList = new Int32Array(d.users);
  }

  begin(recipient: number): void {
    for (let i = 0; i < this.cN; i++) this.c[this.cList[i]] = 0;
    for (let i = 0; i < this.nN; i++) this.n[this.nList[i]] = 0;
    this.cN = 0;
    this.nN = 0;
    this.r = recipient;
    this.ti = this.d.trigStart[recipient];
    this.tEnd = this.d.trigStart[recipient + 1];
    this.hasCur = false;
    this.closedLen = 0;
    this.epochs = 0;
    this.scan = 0;
    const ip = this.d.userIp[recipient];
    this.rowPtr = this.d.srcStart[ip];
    this.rowEnd = this.d.srcStart[ip + 1];
  }

  private addC(a: number): void {
    if (this.c[a] === 0) this.cList[this.cN++] = a;
    this.c[a]++;
  }

  /** Any-source: counts evidence rows of the current epoch up to `limit`. */
  private scanTo(limit: number): void {
    const { evT, evAcct } = this.d;
    while (this.scan < evT.length && evT[this.scan] <= limit) {
      const a = evAcct[this.scan++];
      if (a !== this.r) this.addC(a);
    }
  }

  /** Adds trigger τ: extends the open epoch or closes it and opens a new one. */
  private trigger(tau: number): void {
    const w = this.d.window;
    if (this.hasCur && tau <= this.curB) {
      if (tau + w > this.curB) this.curB = tau + w;
      return;
    }
    if (this.hasCur) {
      if (this.d.anySource) this.scanTo(this.curB);
      this.closedLen += Math.max(0, Math.min(this.curB, this.d.duration) - this.curA);
    }
    this.hasCur = true;
    this.curA = tau;
    this.curB = tau + w;
    this.epochs++;
    if (this.d.anySource) this.scan = Math.max(this.scan, lowerBound(this.d.evT, 0, this.d.evT.length, tau));
  }

  private advance(t: number): void {
    const d = this.d;
    if (d.anySource) {
      while (this.ti < this.tEnd && d.trigT[this.ti] <= t) this.trigger(d.trigT[this.ti++]);
      if (this.hasCur) this.scanTo(Math.min(this.curB, t));
    } else {
      // Merge triggers and the rows from R's ip by time; a trigger at the same instant comes first.
      for (;;) {
        const hasTau = this.ti < this.tEnd && d.trigT[this.ti] <= t;
        const hasRow = this.rowPtr < this.rowEnd && d.srcT[this.rowPtr] <= t;
        if (!hasTau && !hasRow) break;
        const tau = d.trigT[this.ti];
        const x = d.srcT[this.rowPtr];
        if (hasTau && (!hasRow || tau <= x)) {
          this.trigger(tau);
          this.ti++;
        } else {
          const a = d.srcAcct[this.rowPtr++];
          if (a === this.r) continue;
          if (this.n[a] === 0) this.nList[this.nN++] = a;
          this.n[a]++;
          if (this.hasCur && x >= this.curA && x <= this.curB) this.addC(a);
        }
      }
    }
    const span = Math.min(t, d.duration);
    this.span = span;
    this.unionLen = this.closedLen + (this.hasCur ? Math.max(0, Math.min(this.curB, span) - this.curA) : 0);
  }

  at(t: number): boolean {
    this.advance(t);
    return this.epochs > 0;
  }

  atEnd(): boolean {
    this.advance(Number.POSITIVE_INFINITY);
    return this.epochs > 0;
  }

  addCandidates(out: CandidateSet): void {
    for (let i = 0; i < this.cN; i++) out.add(this.cList[i]);
  }

  score(u: number): number {
    if (u === this.r || this.epochs === 0) return 0;
    const d = this.d;
    let nu: number;
    if (d.anySource) {
      const a = d.acctStart[u];
      nu = this.span >= d.duration ? d.acctStart[u + 1] - a : upperBound(d.acctT, a, d.acctStart[u + 1], this.span) - a;
    } else nu = this.n[u];
    return receiptEstimate(this.c[u], nu, this.unionLen, this.span, this.epochs);
  }
}
