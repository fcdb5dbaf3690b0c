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
 * windowed sparse engine (windowed/) computes only co-occurring pairs.
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
 * Rows: the ip-level receipt triggers and the departures weighed per delivery are what a
 * protocol-aware observer takes for payloads (`sizes`, default on; wire-rows.ts): not acks, polls
 * or pushes the wire tells apart by size. The SDA rounds count every row, as flow's series do
 * (an ack or a poll there is activity that correlates, flow.ts); receipt evidence is read by account.
 *
 * Scores: s(u → R) = max(0, v̂(ip(u))/n(ip(u)) + v̂_r(u)) with n the users behind u's address
 * (method 'both'; either alone with 'sda' / 'receipt'),
 * where a view without readable identifiers contributes no receipt evidence and one without
 * user egress no SDA evidence. Both estimate "share of R's traffic due to u" in the same units.
 * Causal top: the same estimates from the rows observed by the delivery time (epoch granularity
 * as in flow: complete epochs plus the current one cut at t; receipts: triggers, epochs and
 * evidence ≤ t, T = t). A delivery's own receipt comes after it, so it counts only from the next
 * delivery on.
 */
import { duration, oneOf, readParams } from '../params/typed.js';
import type { AttackInput, AttackModule, AttackResult } from './attack.js';
import { anchorSightings, buildDepartures, DeliveryTiming } from './windowed/delivery-timing.js';
import { IntersectionSweep, sightingsByRecipient } from './windowed/intersection.js';
import {
  DELIVERY_TIMING_PARAM,
  delayShift,
  EPOCH_PARAM,
  LIST_TOP_PARAM,
  listBounds,
  PAIR_TOP_PARAM,
  SHIFT_PARAM,
} from './windowed/options.js';
import {
  assembleResult,
  type FinalCandidates,
  indexTargets,
  type PairLists,
  sweepRecipients,
  type TargetIndex,
} from './windowed/pairs.js';
import { SdaReach } from './windowed/reach.js';
import { buildReceiptData, type ReceiptData, ReceiptSweep } from './windowed/receipts.js';
import { CandidateSet, KeepHeap, TIE_REL, TieTop } from './windowed/select.js';
import { buildWindowSeries, type WindowSeries } from './windowed/series.js';
import { SDA, SdaBound, scanSda } from './windowed/statistics.js';
import { IpSweep, type Sweep } from './windowed/sweep.js';
import { BACKGROUND_PARAM, SIZES_PARAM, type WireRows, wireRows } from './wire-rows.js';

export const METHODS = ['both', 'sda', 'receipt', 'intersection'] as const;
export const RECEIPT_SOURCES = ['recipient-ip', 'any'] as const;

export const DISCLOSURE_PARAMS = [
  oneOf('method', METHODS, {
    default: 'both',
    description:
      "SDA over epochs, the delivery-receipt estimator, their sum, or the exact intersection of the sender sets of the epochs of R's deliveries (one partner per recipient)",
    source:
      'Danezis 2003; Mathewson & Dingledine 2004; Martiny et al. NDSS 2021; Kesdogan, Agrawal & Penz, IH 2002 (intersection)',
  }),
  EPOCH_PARAM,
  SHIFT_PARAM,
  SIZES_PARAM,
  BACKGROUND_PARAM,
  duration('receiptWindow', {
    default: '2s',
    description: 'Length w of a target epoch after each delivery to R, in which a receipt to the sender is expected',
    source:
      '[assumption] a receipt follows a delivery by the last hop, client processing and one uplink hop (≈ 3 × 20–60 ms ' +
      'at the default latency, plus processing); 2 s covers that with a wide margin while the background in the epochs stays small',
  }),
  oneOf('receiptSource', RECEIPT_SOURCES, {
    default: 'recipient-ip',
    description: "Evidence rows: only those sent from R's ip, or any row (IP-blind, as published)",
    source: 'Martiny et al. NDSS 2021 (any); the ip of a connection is visible to the party receiving it',
  }),
  DELIVERY_TIMING_PARAM,
  PAIR_TOP_PARAM,
  LIST_TOP_PARAM,
];

/** What the disclosure attack builds from its input before sweeping the recipients. */
export interface DisclosureJob {
  users: number;
  /** The rows counted as sends and deliveries (param `sizes`). */
  rows: WireRows;
  series: WindowSeries | null;
  receipts: ReceiptData | null;
  /** Intersection only: the anchor sighting of each target in idx.order. */
  rounds: Float64Array | null;
  idx: TargetIndex;
  pairKeep: number;
  listTop: number;
  deliveryTiming: boolean;
}

export function prepareDisclosure(input: AttackInput): DisclosureJob {
  const {
    method,
    epoch,
    receiptWindow: w,
    receiptSource: src,
    deliveryTiming,
    ...p
  } = readParams(DISCLOSURE_PARAMS, input.params);
  const shift = delayShift(input.endToEnd, p.shift);
  const { pairKeep, listTop } = listBounds(input.params);
  const idx = indexTargets(input.targets, input.users);
  const receipts = method === 'both' || method === 'receipt';
  const rows = wireRows(input);
  return {
    users: input.users,
    rows,
    series: method === 'receipt' ? null : buildWindowSeries(input, epoch, shift, rows),
    receipts: receipts ? buildReceiptData(input, w, src === 'any', rows) : null,
    rounds: method === 'intersection' ? sightingsByRecipient(input.targets, idx, input.obs.tRx) : null,
    idx,
    pairKeep,
    listTop,
    deliveryTiming,
  };
}

/** Pair lists and causal tops of every recipient (with `timed`, causal tops weigh each delivery's own timing). */
function disclosureLists(job: DisclosureJob, timed: Causal | null): PairLists {
  if (job.rounds && job.series) return intersectionLists(job, job.series, job.rounds, timed);
  const sda = job.series ? new PerUserShare(new IpSweep(job.series, SDA)) : null;
  const rc = job.receipts ? new ReceiptSweep(job.receipts) : null;
  const sweeps: Sweep[] = [];
  if (sda) sweeps.push(sda);
  if (rc) sweeps.push(rc);
  const combined = combinedBest(job.users, sda, rc);
  const byTiming = timed ? timedBest(job.users, sda, rc, timed) : null;
  // Which ranking answered the last target: its tie is the one recorded (AttackResult.causalTie).
  let answered = combined.tied;
  return sweepRecipients(
    sweeps,
    job.idx,
    job.users,
    job.pairKeep,
    (ok, r, i) => {
      const okS = sda !== null && ok[0] === 1;
      const okR = rc !== null && ok[sda ? 1 : 0] === 1;
      const top = byTiming ? byTiming.best(okS, okR, r, i) : NOTHING;
      answered = top === NOTHING ? combined.tied : (byTiming as NonNullable<typeof byTiming>).tied;
      return top === NOTHING ? combined.best(okS, okR, r) : top;
    },
    () => answered(),
    undefined,
    finalCandidates(job.users, sda, rc, job.pairKeep),
  );
}

/**
 * The whole-run candidates of the SDA + receipt sum for sweepRecipients (FinalCandidates) without
 * scoring every user behind every SDA candidate ip: at 10⁴–10⁵ users nearly every ip shares a round
 * with a recipient, and scoring them all was the largest cost that grew with users².
 *
 * The generic path lists the users behind SDA candidate ips (after atEnd: ownIp aside, O_T > 0)
 * and the users with receipt evidence, each scoring v = 0 + share + v̂_r over the sweeps with
 * evidence. Users with receipt evidence (`seen`) are scored that way here too. A user without has
 * c = 0, so v̂_r = −β̂·|U|/C ≤ 0 (or NaN), and its v is at most its ip's share v0 (float addition
 * is monotone) or NaN, never listed: it is scored only when v0 > 0 and v0 is not below the
 * pairKeep-th largest score so far (KeepHeap.floor, at most the cut's); every user it skips scores
 * below the cut.
 */
function finalCandidates(
  users: number,
  share: PerUserShare | null,
  rc: ReceiptSweep | null,
  keep: number,
): FinalCandidates {
  const seen = new CandidateSet(users);
  const heap = new KeepHeap(keep);
  const bound = new SdaBound();
  return (ok, r, outUser, outScore) => {
    const okS = share !== null && ok[0] === 1;
    const okR = rc !== null && ok[share ? 1 : 0] === 1;
    let n = 0;
    const take = (u: number, v: number): void => {
      if (!(v > 0)) return;
      outUser[n] = u;
      outScore[n] = v;
      n++;
      heap.offer(v);
    };
    // The generic path's sum, in its order.
    const score = (u: number): number => {
      let v = 0;
      if (okS) v += (share as PerUserShare).score(u);
      if (okR) v += (rc as ReceiptSweep).score(u);
      return v;
    };
    seen.clear();
    heap.clear();
    if (okR) (rc as ReceiptSweep).addCandidates(seen);
    for (let c = 0; c < seen.n; c++) take(seen.list[c], score(seen.list[c]));
    if (!okS) return n;
    const sda = (share as PerUserShare).ip;
    const { ipStart, ipUsers } = sda.s;
    const mT = sda.syPref + sda.yp;
    bound.begin(sda);
    for (let q = 0; q < sda.nSlots; q++) {
      const a = sda.slotIp[q];
      const oT = sda.slotAcc[q];
      if (!(oT > 0) || sda.ownIp(a)) continue;
      // v0 ≤ fl(O_T/M_T): û ≥ 0 (O ≥ O_T, integer counts), so v̂ = fl(fl(O_T − ·)/M_T) with a
      // non-negative term subtracted, and the share divides it by n ≥ 1 (rounding is monotone).
      // Then SdaBound's tighter bound of v̂ (with the background term, one random read).
      const floor = heap.floor;
      if (oT / mT < floor || (floor > 0 && bound.slot(q) < floor)) continue;
      let v0 = Number.NaN;
      for (let i = ipStart[a]; i < ipStart[a + 1]; i++) {
        const u = ipUsers[i];
        if (u === r || u >= users || seen.has(u)) continue;
        if (Number.isNaN(v0)) {
          // PerUserShare.score(u) for a user at slot q's ip, the same division.
          v0 = 0 + sda.scoreSlot(q) / (share as PerUserShare).ipSize(a);
          if (!(v0 > 0)) break;
        }
        if (v0 < heap.floor) break;
        take(u, okR ? v0 + (rc as ReceiptSweep).score(u) : v0);
      }
    }
    return n;
  };
}

/**
 * The intersection method: every survivor scores 1. The causal top is the one user left; with the
 * delivery's timing, the survivor whose departures fit it best (unless none has one the delay
 * model allows).
 */
function intersectionLists(job: DisclosureJob, series: WindowSeries, rounds: Float64Array, timed: Causal | null) {
  const sweep = new IntersectionSweep(series, job.idx, rounds);
  const pick = new TieTop();
  return sweepRecipients([sweep], job.idx, job.users, job.pairKeep, (ok, r, i) => {
    if (!ok[0]) return -1;
    const x = timed ? timed.at[i] : Number.NaN;
    if (timed?.timing.usable && !Number.isNaN(x)) {
      timed.timing.begin(x);
      pick.reset();
      for (const a of sweep.ips) {
        const w = timed.timing.weight(a);
        for (let k = timed.ipStart[a]; k < timed.ipStart[a + 1]; k++) {
          if (timed.ipUsers[k] !== r) pick.consider(timed.ipUsers[k], w);
        }
      }
      if (pick.best > 0 || pick.tie) return pick.result;
    }
    return sweep.best();
  });
}

/** What causal tops need for the delivery's own timing. */
interface Causal {
  timing: DeliveryTiming;
  /** Causal anchor sighting of each target (NaN: none). */
  at: Float64Array;
  userIp: Int32Array;
  ipStart: Int32Array;
  ipUsers: Int32Array;
}

/** timedBest's answer when no candidate has both a positive score and a positive timing weight. */
const NOTHING = -2;

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
  /** Users per address of ip a. */
  ipSize(a: number): number {
    const { ipStart } = this.ip.s;
    return Math.max(1, ipStart[a + 1] - ipStart[a]);
  }
}

/**
 * The causal top of s(u) = v̂(ip(u))/n(ip(u)) + v̂_r(u): first every user with receipt evidence (few,
 * scored exactly), then the SDA candidate ips in slot order, skipping an ip whose bound (users
 * there without receipt evidence have v̂_r ≤ 0) cannot beat the best so far, or equal it while the
 * tie at the top is narrow enough to be kept. Identical to scoring every candidate; ties within
 * TIE_REL give -1, and `tied` lists a narrow tie's members (users behind one NAT).
 */
function combinedBest(
  users: number,
  share: PerUserShare | null,
  rc: ReceiptSweep | null,
): { best: (okS: boolean, okR: boolean, recipient: number) => number; tied: () => Int32Array } {
  const seen = new CandidateSet(users);
  const pick = new TieTop();
  const best = (okS: boolean, okR: boolean, recipient: number): number => {
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
      // Visit an ip only if its bound could beat the best, or equal it while the tie is narrow
      // enough for its members to be kept (AttackResult.causalTie). The scan bounds the ip-level
      // score, which is ≥ each user's share of it: still safe.
      const threshold = (): number =>
        pick.wide ? pick.best * (1 + TIE_REL) * (1 + 1e-15) : Math.max(pick.best * (1 - TIE_REL), Number.MIN_VALUE);
      scanSda(sda, threshold(), (q) => {
        const a = sda.slotIp[q];
        let v = Number.NaN;
        for (let i = ipStart[a]; i < ipStart[a + 1]; i++) {
          const u = ipUsers[i];
          if (u === recipient || u >= users || seen.has(u)) continue; // scored with its receipt evidence
          if (Number.isNaN(v)) v = sda.scoreSlot(q) / (share as PerUserShare).ipSize(a);
          pick.consider(u, v + (okR && rc ? rc.score(u) : 0));
        }
        return threshold();
      });
    }
    return pick.result;
  };
  return { best, tied: () => pick.tied() };
}

/**
 * The causal top of s(u)·w(ip(u)), w the timing weight of u's address for this delivery: every ip
 * with a departure in the delivery's window when they are fewer than the candidates, else the
 * candidates (users with receipt evidence, then every SDA candidate ip), each scored exactly.
 * NOTHING when none has s > 0 and w > 0 (or the delivery has no sighting): the caller then ranks
 * by s alone.
 *
 * Walking the candidates, the users behind the ips with a departure close to x (timing.split) are
 * scored first; the best of them, v0, bounds the answer from below, and a candidate ip whose users'
 * s times bound(a) is below v0·(1 − 2·TIE_REL) is skipped unweighed: none of its users can be the
 * best or tie with it (as in flow-causal.ts bestTimedIp, which says why; the tie list could differ
 * only through chains of ties). If the skipping scan ends below v0 it is redone without skipping.
 */
function timedBest(
  users: number,
  share: PerUserShare | null,
  rc: ReceiptSweep | null,
  c: Causal,
): { best: (okS: boolean, okR: boolean, recipient: number, target: number) => number; tied: () => Int32Array } {
  const seen = new CandidateSet(users);
  const pick = new TieTop();
  const { timing, ipStart, ipUsers, userIp } = c;
  const reach = share && timing.usable ? new SdaReach(share.ip.s, timing, (a) => share.ipSize(a)) : null;
  const sdaBound = new SdaBound();
  const best = (okS: boolean, okR: boolean, recipient: number, i: number): number => {
    const x = c.at[i];
    if (!timing.usable || Number.isNaN(x) || !(okS || okR)) return NOTHING;
    timing.begin(x);
    pick.reset();
    seen.clear();
    const sda = okS && share ? share.ip : null;
    if (okR && rc) rc.addCandidates(seen);
    const userScore = (u: number, ipShare: number): number => ipShare + (okR && rc ? rc.score(u) : 0);
    // The users behind ip a (the recipient excepted), with the ip's SDA share computed once.
    const visitIp = (a: number, w: number, shareOf: () => number, skipSeen: boolean): void => {
      let v = Number.NaN;
      for (let k = ipStart[a]; k < ipStart[a + 1]; k++) {
        const u = ipUsers[k];
        if (u === recipient || u >= users || (skipSeen && seen.has(u))) continue;
        if (Number.isNaN(v)) v = sda ? shareOf() : 0;
        const s = userScore(u, v);
        if (s > 0) pick.consider(u, s * w);
      }
    };
    // Whether a user at ip a (the recipient aside) has receipt evidence.
    const hasSeen = (a: number): boolean => {
      for (let k = ipStart[a]; k < ipStart[a + 1]; k++) {
        const u = ipUsers[k];
        if (u !== recipient && u < users && seen.has(u)) return true;
      }
      return false;
    };
    // The largest s of the users visitIp(a, ·, () => v, skipSeen) would score (0 if none).
    const topScore = (a: number, v: number, skipSeen: boolean): number => {
      let top = 0;
      for (let k = ipStart[a]; k < ipStart[a + 1]; k++) {
        const u = ipUsers[k];
        if (u === recipient || u >= users || (skipSeen && seen.has(u))) continue;
        const s = userScore(u, v);
        if (s > top) top = s;
      }
      return top;
    };
    const candidates = seen.n + (sda ? sda.nSlots : 0);
    if (timing.windowSize <= candidates) {
      timing.gather();
      for (let k = 0; k < timing.n; k++) {
        const a = timing.list[k];
        const w = timing.weight(a);
        if (w > 0) visitIp(a, w, () => (sda as IpSweep).scoreIp(a) / (share as PerUserShare).ipSize(a), false);
      }
      return pick.best > 0 || pick.tie ? pick.result : NOTHING;
    }
    // Float products are monotone: w ≤ bound(a) gives s·w ≤ s·bound(a).
    const scan = (floor: number): void => {
      for (let k = 0; k < seen.n; k++) {
        const u = seen.list[k];
        const a = userIp[u];
        const s = userScore(u, sda ? (share as PerUserShare).score(u) : 0);
        if (!(s > 0) || (floor > 0 && s * timing.bound(a) < floor)) continue;
        const w = timing.weight(a);
        if (w > 0) pick.consider(u, s * w);
      }
      if (sda) {
        // Every SDA candidate ip (scanSda's threshold prunes by s alone, before any weight is
        // known). A user not seen has no receipt evidence, so v̂_r ≤ 0 (Sweep: users not added
        // by addCandidates score ≤ 0) and s ≤ the ip's share ≤ ub/n: the slot's bound, before
        // its exact score.
        // With a floor, only the slots that can pass its first test are walked (reach.ts).
        const only = floor > 0 && reach ? { slots: reach.slots, count: reach.collect(sda, timing, floor) } : undefined;
        scanSda(
          sda,
          Number.NEGATIVE_INFINITY,
          (q, ub) => {
            const a = sda.slotIp[q];
            const size = (share as PerUserShare).ipSize(a);
            if (floor > 0 && (ub / size) * timing.bound(a) < floor) return Number.NEGATIVE_INFINITY;
            const v = sda.scoreSlot(q) / size;
            if (floor > 0 && topScore(a, v, true) * timing.bound(a) < floor) return Number.NEGATIVE_INFINITY;
            const w = timing.weight(a);
            if (w > 0) visitIp(a, w, () => v, true);
            return Number.NEGATIVE_INFINITY;
          },
          only,
        );
      }
    };
    let v0 = 0;
    if (timing.split(candidates)) {
      if (sda) sdaBound.begin(sda);
      for (let k = 0; k < timing.nearN; k++) {
        const a = timing.nearList[k];
        if (!hasSeen(a)) {
          // Its users' s is at most the ip's share (no receipt evidence: v̂_r ≤ 0), which is ≤ 0
          // for an ip that is not an SDA candidate: skip it unscored when that bound times
          // bound(a) cannot beat v0 (the test below, on an upper bound of top).
          const q = sda ? sda.slotOfIp(a) : -1;
          const ub = q >= 0 ? sdaBound.slot(q) / (share as PerUserShare).ipSize(a) : 0;
          if (!(ub * timing.bound(a) > v0)) continue;
        }
        const top = topScore(a, sda ? sda.scoreIp(a) / (share as PerUserShare).ipSize(a) : 0, false);
        // An ip whose bound cannot beat v0 leaves it as it is (v0 is the maximum either way).
        if (top > 0 && top * timing.bound(a) > v0) v0 = Math.max(v0, top * timing.weight(a));
      }
    }
    scan(v0 * (1 - 2 * TIE_REL));
    if (v0 > 0 && !(pick.best >= v0)) {
      pick.reset();
      scan(0);
    }
    return pick.best > 0 || pick.tie ? pick.result : NOTHING;
  };
  return { best, tied: () => pick.tied() };
}

export const disclosure: AttackModule = {
  id: 'disclosure',
  summary:
    'Statistical disclosure: SDA over epochs with background from rounds without the recipient, plus delivery-receipt ' +
    'epochs (Martiny et al. 2021)',
  params: DISCLOSURE_PARAMS,
  run(input: AttackInput): AttackResult {
    const job = prepareDisclosure(input);
    if (!job.deliveryTiming) return assembleResult(input.users, input.targets, disclosureLists(job, null), job.listTop);
    const ips = input.ipStart.length - 1;
    const timing = new DeliveryTiming(buildDepartures(input, job.rows), input.endToEnd, ips);
    const at = anchorSightings(input);
    const userIp = Int32Array.from(input.hostIp.subarray(0, input.users));
    const { ipStart, ipUsers } = input;
    const causal = { timing, at: at.causal, userIp, ipStart, ipUsers };
    const lists = disclosureLists(job, causal);
    return assembleResult(input.users, input.targets, lists, job.listTop, { timing, at: at.final, userIp });
  },
};
