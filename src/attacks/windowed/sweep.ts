/**
 * Sweeps: evidence about one recipient advanced monotonically in time, so that the causal state
 * at each of its deliveries and the whole-run state cost one pass over its rows.
 *
 * IpSweep keeps, for a recipient ip, the cross terms of every sender ip that shares a window with
 * it, and hands them to a `WindowStatistic` (statistics.ts: Pearson r for flow, the SDA estimate
 * for disclosure) that turns an ip's sums into its score.
 */
import type { CandidateSet } from './select.js';
import { TIE_REL } from './select.js';
import type { WindowSeries } from './series.js';
import { windowOf } from './series.js';

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
  /** When the sweep is used alone: users with a positive score and their scores (returns the count). */
  collect?(outUser: Int32Array, outScore: Float64Array): number;
}

/** How an IpSweep scores a sender ip from its sums (statistics.ts). */
export interface WindowStatistic {
  /** Weight of one of the recipient's windows holding y ingress rows in the cross term. */
  crossWeight(y: number): number;
  /**
   * The score of a sender ip in the sweep's current state: `acc` its cross term over the full
   * windows, `xpa` its egress rows in the partial window, `px`/`px2` its Σx and Σx² over the
   * full windows.
   */
  value(sw: IpSweep, acc: number, xpa: number, px: number, px2: number): number;
}

/**
 * Windowed evidence about a recipient ip. Candidate ips (those with a non-zero cross term) get a
 * slot on first touch; per slot we keep the cross term and a cursor into the ip's active windows
 * with the prefix sums up to the current window, so that re-scoring every candidate at each of
 * the recipient's deliveries walks contiguous slot arrays and touches an ip's own lists only when
 * it had new activity.
 *
 * The sums of the current state are public for the statistics; only the sweep writes them.
 */
export class IpSweep implements Sweep {
  private readonly slotOf: Int32Array;
  readonly slotIp: Int32Array;
  readonly slotAcc: Float64Array;
  readonly slotCur: Int32Array;
  private readonly slotNext: Int32Array;
  readonly slotPx: Float64Array;
  private readonly slotPx2: Float64Array;
  nSlots = 0;
  /** Egress rows per sender ip in the partial window (rows ≤ t of window kc). */
  readonly xp: Float64Array;
  private readonly xpList: Int32Array;
  private xpN = 0;
  private recipient = -1;
  private v = -1;
  private p = 0;
  private rowPtr = 0;
  /** The recipient's Σy and Σy² over the full windows, and the egress rows in its active full windows. */
  syPref = 0;
  syyPref = 0;
  bTPref = 0;
  /** Windows fully included; the partial window (if any) is kc; kc = K at the end of the run. */
  kc = 0;
  /** The recipient's ingress rows, and all egress rows, in the partial window. */
  yp = 0;
  bp = 0;

  constructor(
    readonly s: WindowSeries,
    readonly statistic: WindowStatistic,
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

  /** The slot of ip a, -1 when a is not a candidate. */
  slotOfIp(a: number): number {
    return this.slotOf[a];
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
    const stat = this.statistic;
    while (this.p < end && s.yWin[this.p] < kEnd) {
      const k = s.yWin[this.p];
      const y = s.yCnt[this.p];
      const g = stat.crossWeight(y);
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
  ownIp(a: number): boolean {
    return this.recipient >= 0 && a === this.v;
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

  /** The statistic of sender ip a against the recipient ip, current state. */
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

  /** The statistic of slot q's ip in the current state. */
  scoreSlot(q: number): number {
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
    return this.statistic.value(this, acc, this.xp[a], px, px2);
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
