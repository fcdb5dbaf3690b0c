/**
 * Long-term statistical disclosure against a recipient: who keeps being active when R receives?
 * Two estimators over the observed fields alone (no design names), summed by default. Method,
 * sources, defaults and complexity: docs/attacks-flow-disclosure.md.
 *
 * (a) SDA with background from rounds without the target (Danezis 2003; the generalised
 * estimator of Mathewson & Dingledine 2004). Rounds are epochs of width E. For recipient ip v,
 * m_i = observed rows into v's devices in round i (arrival time minus the expected delay s), and
 * for every sender ip a, o_i[a] = observed rows leaving a's devices in round i, b_i = Σ_a o_i[a].
 * With T = {i : m_i > 0}, O_T[a] = Σ_T o_i[a], M_T = Σ_T m_i, B_T = Σ_T b_i, O[a] = Σ_i o_i[a],
 * B = Σ_i b_i:
 *   û[a] = (O[a] − O_T[a]) / (B − B_T)                 (a's share of the background rounds)
 *   v̂(a → v) = (O_T[a] − (B_T − M_T)⁺ · û[a]) / M_T    (a's excess rows per row into v)
 * A sender never active in a target round has v̂ = −(B_T − M_T)⁺·û/M_T ≤ 0 exactly, so the
 * windowed sparse engine of flow.ts computes only co-occurring pairs.
 *
 * (b) Delivery-receipt disclosure (Martiny, Kaptchuk, Aviv, Roche, Mitchell, NDSS 2021, against
 * sealed sender): a client answers each delivery at once with an automatic receipt addressed to
 * the sender, and the party relaying it reads the destination account. Triggers for recipient
 * R = observed rows into a device at R's ip, and rows whose readable rAcct is R (arrival times);
 * a row whose readable sAcct equals its rAcct (a user's message to its own devices) is neither.
 * Target epochs = the union U_R of [τ, τ + w] over triggers τ, merged into C_R disjoint
 * intervals. Evidence = observed rows whose readable rAcct is a user u ≠ R (arrival time),
 * restricted by `receiptSource` to rows sent from R's ip ('recipient-ip') or taken from anyone
 * ('any', the published IP-blind attack). Over an observation span T:
 *   c[u] = evidence rows for u inside U_R,  n[u] = all evidence rows for u,
 *   β̂[u] = (n[u] − c[u]) / (T − |U_R|)                 (u's background rate outside the epochs)
 *   v̂_r(u → R) = (c[u] − β̂[u]·|U_R|) / C_R             (excess rows addressed to u per epoch)
 * Without evidence c[u] = 0 and v̂_r ≤ 0 exactly.
 *
 * Scores: s(u → R) = max(0, v̂(ip(u))/n(ip(u)) + v̂_r(u)) with n the users behind u's address
 * (method 'both'; either alone with 'sda' / 'receipt'),
 * where a view without readable identifiers contributes no receipt evidence and one without
 * user egress no SDA evidence. Both estimate "share of R's traffic due to u" in the same units.
 * Causal top: the same estimates from the rows observed by the delivery time (epoch granularity
 * as in flow.ts: complete epochs plus the current one cut at t; receipts: triggers, epochs and
 * evidence ≤ t, T = t). A delivery's own receipt comes after it, so it counts only from the next
 * delivery on.
 */
import type { ParamSpec } from '../designs/design.js';
import type { AttackInput, AttackModule, AttackResult } from './attack.js';
import {
  assembleResult,
  buildWindowSeries,
  CandidateSet,
  delayShift,
  durationParam,
  enumParam,
  IpSweep,
  indexTargets,
  intParam,
  type PairChunk,
  pairChunk,
  SDA,
  SHIFTS,
  type Sweep,
  type TargetIndex,
  TIE_REL,
  TieTop,
  type WindowSeries,
} from './flow.js';

export { backgroundShare, sdaEstimate } from './flow.js';

export const METHODS = ['both', 'sda', 'receipt'] as const;
export const RECEIPT_SOURCES = ['recipient-ip', 'any'] as const;

export const DISCLOSURE_PARAMS: readonly ParamSpec[] = [
  {
    name: 'method',
    type: 'enum',
    default: 'both',
    values: METHODS,
    description: 'SDA over epochs, the delivery-receipt estimator, or their sum',
    source: 'Danezis 2003; Mathewson & Dingledine 2004; Martiny et al. NDSS 2021',
  },
  {
    name: 'epoch',
    type: 'duration',
    default: '5s',
    unit: 'duration',
    description: 'Round length E of the SDA',
    source:
      '[assumption] rounds must hold the delivery spread (Session polls every 5 s) yet stay short, since the rounds ' +
      'needed grow with the background per round: the flow-window trade-off, same default (measured on the default scenario)',
  },
  {
    name: 'shift',
    type: 'enum',
    default: 'min',
    values: SHIFTS,
    description:
      "Delay subtracted from ingress times (minimum, median or mean of the adversary's end-to-end model, or none)",
    source: 'as the flow attack',
  },
  {
    name: 'receiptWindow',
    type: 'duration',
    default: '2s',
    unit: 'duration',
    description: 'Length w of a target epoch after each delivery to R, in which a receipt to the sender is expected',
    source:
      '[assumption] a receipt follows a delivery by the last hop, client processing and one uplink hop (≈ 3 × 20–60 ms ' +
      'at the default latency, plus processing); 2 s covers that with a wide margin while the background in the epochs stays small',
  },
  {
    name: 'receiptSource',
    type: 'enum',
    default: 'recipient-ip',
    values: RECEIPT_SOURCES,
    description: "Evidence rows: only those sent from R's ip, or any row (IP-blind, as published)",
    source: 'Martiny et al. NDSS 2021 (any); the ip of a connection is visible to the party receiving it',
  },
  {
    name: 'pairTop',
    type: 'int',
    default: 256,
    min: 1,
    description: 'Pair scores kept per recipient (best first, ties kept; at least listTop); the rest score 0',
    source: '[assumption] memory bound, as flow',
  },
  {
    name: 'listTop',
    type: 'int',
    default: 128,
    min: 5,
    description: 'Candidates listed per target (best first, ties kept); the rest score base = 0',
    source: '[assumption] as flow',
  },
];

// ---------------------------------------------------------------------------------------------
// Receipt evidence

/** Read-only typed arrays for the receipt estimator (shareable with workers). */
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

function prefixSum(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
}

/** Sorts slice a..b of (t, tag) by time, stable. */
function sortPairs(t: Float64Array, tag: Int32Array, a: number, b: number): void {
  if (b - a < 2) return;
  const idx = new Int32Array(b - a);
  for (let i = 0; i < idx.length; i++) idx[i] = a + i;
  idx.sort((p, q) => t[p] - t[q] || p - q);
  const tt = Float64Array.from(idx, (i) => t[i]);
  const gg = Int32Array.from(idx, (i) => tag[i]);
  t.set(tt, a);
  tag.set(gg, a);
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
  for (let k = 0; k < keys; k++) sortPairs(t, tag, start[k], start[k + 1]);
  return { start, t, tag };
}

export function buildReceiptData(
  input: Pick<AttackInput, 'users' | 'obs' | 'hostIp' | 'ipStart' | 'ipUsers' | 'duration'>,
  window: number,
  anySource: boolean,
): ReceiptData {
  if (!(window > 0)) throw new RangeError(`receipt window must be > 0 ns, got ${window}`);
  const { obs, users, hostIp, ipStart, ipUsers } = input;
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

  // Triggers: rows naming R as recipient account; rows into a device whose account the view
  // cannot read trigger every user at that device's ip. A readable account wins: behind a
  // carrier-grade NAT the ip names dozens of users, and the server reads whom it delivers to.
  const trigStart = new Int32Array(users + 1);
  const eachTrigger = (fn: (r: number, j: number) => void): void => {
    for (let j = 0; j < obs.length; j++) {
      const to = obs.to[j];
      const ra = obs.rAcct[j];
      if (selfAddressed(j)) continue;
      if (ra >= 0 && ra < users) fn(ra, j);
      else if (to < users) {
        const ip = hostIp[to];
        for (let q = ipStart[ip]; q < ipStart[ip + 1]; q++) {
          const r = ipUsers[q];
          if (r < users) fn(r, j);
        }
      }
    }
  };
  eachTrigger((r) => trigStart[r + 1]++);
  prefixSum(trigStart);
  const trigT = new Float64Array(trigStart[users]);
  const fill = trigStart.slice(0, users);
  eachTrigger((r, j) => {
    trigT[fill[r]++] = obs.tRx[j];
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

/** First index in [lo, hi) with a[i] > x (a ascending). */
function upperBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) with a[i] ≥ x (a ascending). */
function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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

  /** v̂_r ≤ c/C since the background rate is ≥ 0. */
  bound(u: number): number {
    return this.epochs > 0 && u !== this.r ? (this.c[u] / this.epochs) * (1 + 1e-12) : 0;
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

/**
 * v̂_r = (c − β̂·|U|) / C with β̂ = (n − c)/(T − |U|): the excess of rows addressed to u inside the
 * target epochs over u's rate outside them, per epoch. β̂ = 0 when the epochs cover all of T.
 */
export function receiptEstimate(c: number, n: number, unionLen: number, span: number, epochs: number): number {
  if (!(epochs > 0)) return 0;
  const bgTime = span - unionLen;
  const beta = bgTime > 0 ? (n - c) / bgTime : 0;
  return (c - beta * unionLen) / epochs;
}

// ---------------------------------------------------------------------------------------------
// The attack

export interface DisclosureJob {
  users: number;
  series: WindowSeries | null;
  receipts: ReceiptData | null;
  idx: TargetIndex;
  pairTop: number;
  listTop: number;
}

export function prepareDisclosure(input: AttackInput): DisclosureJob {
  const p = input.params;
  const method = enumParam(p, 'method', METHODS, 'both');
  const epoch = durationParam(p, 'epoch', '5s');
  const shift = delayShift(input.endToEnd, enumParam(p, 'shift', SHIFTS, 'min'));
  const w = durationParam(p, 'receiptWindow', '2s');
  const src = enumParam(p, 'receiptSource', RECEIPT_SOURCES, 'recipient-ip');
  return {
    users: input.users,
    series: method === 'receipt' ? null : buildWindowSeries(input, epoch, shift),
    receipts: method === 'sda' ? null : buildReceiptData(input, w, src === 'any'),
    idx: indexTargets(input.targets, input.users),
    pairTop: Math.max(intParam(p, 'pairTop', 256, 1), intParam(p, 'listTop', 128, 5)),
    listTop: intParam(p, 'listTop', 128, 5),
  };
}

/** Pair scores and causal tops for recipients r0..r1-1 (run in a worker; chunks are independent). */
export function disclosureChunk(job: DisclosureJob, r0: number, r1: number): PairChunk {
  const sda = job.series ? new PerUserShare(new IpSweep(job.series, SDA)) : null;
  const rc = job.receipts ? new ReceiptSweep(job.receipts) : null;
  const sweeps: Sweep[] = [];
  if (sda) sweeps.push(sda);
  if (rc) sweeps.push(rc);
  const best = combinedBest(job.users, sda, rc);
  return pairChunk(sweeps, job.idx, job.users, r0, r1, job.pairTop, (ok, r) =>
    best(sda !== null && ok[0] === 1, rc !== null && ok[sda ? 1 : 0] === 1, r),
  );
}

/**
 * SDA estimates the share of R's traffic due to a whole sender ip. Behind a NAT address shared by
 * n users, each user's part of it is v̂(ip)/n (uniform prior within the ip): the same per-user
 * units as the receipt estimator, so the sum stays meaningful when one estimator is ip-level and
 * the other account-level. With one user per address nothing changes. (Without this, behind
 * carrier-grade NAT the ip-level SDA noise swamped the account-level receipt evidence: Signal
 * with 50 users per address, top1 0.035 summed vs 0.087 for receipts alone.)
 */
class PerUserShare implements Sweep {
  constructor(readonly ip: IpSweep) {}
  private size(u: number): number {
    return this.ipSize(this.ip.s.userIp[u]);
  }
  begin(recipient: number): void {
    this.ip.begin(recipient);
  }
  at(t: number): boolean {
    return this.ip.at(t);
  }
  atEnd(): boolean {
    return this.ip.atEnd();
  }
  addCandidates(out: CandidateSet): void {
    this.ip.addCandidates(out);
  }
  score(u: number): number {
    return this.ip.score(u) / this.size(u);
  }
  bound(u: number): number {
    return this.ip.bound(u) / this.size(u);
  }
  /** Users per address of ip a. */
  ipSize(a: number): number {
    const { ipStart } = this.ip.s;
    return Math.max(1, ipStart[a + 1] - ipStart[a]);
  }
}

/**
 * The causal top of s(u) = v̂(ip(u))/n(ip(u)) + v̂_r(u): first every user with receipt evidence (few,
 * scored exactly), then the SDA candidate ips in slot order, skipping an ip whose bound (users
 * there without receipt evidence have v̂_r ≤ 0) cannot beat, or before a tie is known equal, the
 * best so far. Identical to scoring every candidate; ties within TIE_REL give -1.
 */
function combinedBest(
  users: number,
  share: PerUserShare | null,
  rc: ReceiptSweep | null,
): (okS: boolean, okR: boolean, recipient: number) => number {
  const seen = new CandidateSet(users);
  const pick = new TieTop();
  return (okS, okR, recipient) => {
    pick.reset();
    seen.clear();
    const sda = share?.ip ?? null;
    if (okR && rc) {
      rc.addCandidates(seen);
      for (let c = 0; c < seen.n; c++) {
        const u = seen.list[c];
        pick.consider(u, rc.score(u) + (okS && share ? share.score(u) : 0));
      }
    }
    if (okS && sda) {
      const { ipStart, ipUsers } = sda.s;
      // Visit an ip only if its bound could beat the best (or, before a tie is known, equal it).
      // The scan bounds the ip-level score, which is ≥ each user's share of it: still safe.
      const threshold = (): number =>
        pick.tie ? pick.best * (1 + TIE_REL) * (1 + 1e-15) : Math.max(pick.best * (1 - TIE_REL), Number.MIN_VALUE);
      sda.scanSda(threshold(), (q) => {
        const a = sda.slotIpOf(q);
        let v = Number.NaN;
        for (let i = ipStart[a]; i < ipStart[a + 1]; i++) {
          const u = ipUsers[i];
          if (u === recipient || u >= users || seen.has(u)) continue; // scored with its receipt evidence
          if (Number.isNaN(v)) v = sda.slotScore(q) / (share as PerUserShare).ipSize(a);
          pick.consider(u, v + (okR && rc ? rc.score(u) : 0));
        }
        return threshold();
      });
    }
    return pick.result;
  };
}

export const disclosure: AttackModule = {
  id: 'disclosure',
  summary:
    'Statistical disclosure: SDA over epochs with background from rounds without the recipient, plus delivery-receipt ' +
    'epochs (Martiny et al. 2021)',
  params: DISCLOSURE_PARAMS,
  run(input: AttackInput): AttackResult {
    const job = prepareDisclosure(input);
    return assembleResult(input.users, input.targets, [disclosureChunk(job, 0, input.users)], job.listTop);
  },
};
