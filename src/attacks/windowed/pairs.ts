/**
 * From sweeps to an AttackResult: targets grouped by recipient, one pass of the sweeps per
 * recipient (causal state at each of its deliveries, then the whole run), the recipient's pair
 * list, and per-target lists cut from it.
 */
import type { AttackResult, Targets } from '../attack.js';
import { prefixSum, ScoredList } from './arrays.js';
import type { DeliveryTiming } from './delivery-timing.js';
import { bestWithTies, CandidateSet, CausalTies, cutWithTies } from './select.js';
import type { Sweep } from './sweep.js';

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
 * Every recipient's pair list (sorted by score desc, then sender asc; positive scores only) and
 * the causal top of every target (-1 where none was computed).
 */
export interface PairLists {
  /** Pairs of recipient r: cand/score[start[r] .. start[r+1]). */
  start: Int32Array;
  cand: Int32Array;
  score: Float64Array;
  causalTop: Int32Array;
  /** The causal ties (AttackResult.causalTie), when the attack records them. */
  causalTie?: { offsets: Int32Array; cand: Int32Array };
}

/**
 * Whole-run pair lists computed elsewhere, per recipient ip (a list depends on the recipient's
 * address alone: flow-causal.ts FinalLists): ip v's is cand/score[at[v] .. at[v] + len[v]),
 * at[v] < 0 when there is none.
 */
export interface IpLists {
  at: Int32Array;
  len: Int32Array;
  cand: Int32Array;
  score: Float64Array;
}

/**
 * The causal top of target i (a delivery to `recipient`) in the sweeps' current state; ok[k] says
 * whether sweep k has evidence (its `at` returned true).
 */
export type CausalTop = (ok: Uint8Array, recipient: number, target: number) => number;

/**
 * The whole-run candidates of recipient r after every sweep's atEnd (ok as for CausalTop), written
 * to outUser/outScore; returns their count. They must hold every user the generic path would list
 * with a score ≥ its pairKeep-th largest, with that score bit for bit, and nothing with score ≤ 0
 * (bestWithTies then keeps the same list: see sweepRecipients).
 */
export type FinalCandidates = (ok: Uint8Array, r: number, outUser: Int32Array, outScore: Float64Array) => number;

/**
 * Runs the sweeps over every recipient: the causal top at each of its targets (when `causal` is
 * given), then the final pair list. A candidate's score is the sum of the sweeps' scores; each
 * recipient keeps its `pairKeep` best (ties at the cut kept). Without `causal`, a recipient whose
 * ip has a list in `given` takes it instead of sweeping. With `final`, the whole-run candidates come
 * from it: any superset of the generic path's candidates with a score ≥ the pairKeep-th largest
 * gives the same list, since that value is the same over the superset and bestWithTies does not
 * depend on the order candidates come in.
 */
export function sweepRecipients(
  sweeps: Sweep[],
  idx: TargetIndex,
  users: number,
  pairKeep: number,
  causal?: CausalTop,
  tied?: () => ArrayLike<number>,
  given?: { lists: IpLists; userIp: Int32Array },
  final?: FinalCandidates,
): PairLists {
  const cs = new CandidateSet(users);
  const ok = new Uint8Array(sweeps.length);
  const candScore = new Float64Array(users);
  const candUser = new Int32Array(users);
  const sortBuf = new Float64Array(users);
  const keptIdx = new Int32Array(users);
  const start = new Int32Array(users + 1);
  const out = new ScoredList();
  const causalTop = new Int32Array(idx.count).fill(-1);
  // The tie behind each -1, read from `tied` right after `causal` answered for that target.
  const ties = causal && tied ? new CausalTies(idx.count) : null;
  const only = sweeps.length === 1 ? sweeps[0] : null;

  for (let r = 0; r < users; r++) {
    const known = given && !causal ? given.lists : null;
    const v = given ? given.userIp[r] : -1;
    if (known && known.at[v] >= 0) {
      for (let k = known.at[v]; k < known.at[v] + known.len[v]; k++) out.push(known.cand[k], known.score[k]);
      start[r + 1] = out.length;
      continue;
    }
    for (const s of sweeps) s.begin(r);
    for (let q = idx.start[r]; causal && q < idx.start[r + 1]; q++) {
      const i = idx.order[q];
      for (let k = 0; k < sweeps.length; k++) ok[k] = sweeps[k].at(idx.tCut[i]) ? 1 : 0;
      causalTop[i] = causal(ok, r, i);
      if (ties && causalTop[i] === -1) ties.set(i, tied!());
    }

    let any = false;
    for (let k = 0; k < sweeps.length; k++) {
      ok[k] = sweeps[k].atEnd() ? 1 : 0;
      if (ok[k]) any = true;
    }
    let n = 0;
    if (final) {
      if (any) n = final(ok, r, candUser, candScore);
    } else if (only?.collect) {
      if (ok[0]) n = only.collect(candUser, candScore);
    } else if (any) {
      cs.clear();
      for (let k = 0; k < sweeps.length; k++) if (ok[k]) sweeps[k].addCandidates(cs);
      for (let c = 0; c < cs.n; c++) {
        const u = cs.list[c];
        let v = 0;
        for (let k = 0; k < sweeps.length; k++) if (ok[k]) v += sweeps[k].score(u);
        if (v > 0) {
          candUser[n] = u;
          candScore[n] = v;
          n++;
        }
      }
    }
    const kept = bestWithTies(candUser, candScore, n, pairKeep, sortBuf, keptIdx);
    for (let k = 0; k < kept; k++) out.push(candUser[keptIdx[k]], candScore[keptIdx[k]]);
    start[r + 1] = out.length;
  }
  const lists: PairLists = { start, ...out.result(), causalTop };
  if (ties) lists.causalTie = ties.result();
  return lists;
}

/** What per-target lists need to weigh each delivery's candidates by its own timing. */
export interface Timed {
  timing: DeliveryTiming;
  /** Anchor sighting of each target (NaN: none, the recipient's pair list is used as it is). */
  at: Float64Array;
  userIp: Int32Array;
}

/**
 * The AttackResult of pair lists. Per target, its recipient's pair list; with `timed`, each
 * candidate's pair score times its ip's timing weight for this delivery, re-sorted (when no listed
 * candidate has a departure the delay model allows, the pair list as it is: the delivery's timing
 * says nothing about R's partners). Lists are cut to `listTop` (ties kept), base 0.
 */
export function assembleResult(
  users: number,
  targets: Targets,
  lists: PairLists,
  listTop: number,
  timed?: Timed,
): AttackResult {
  const recipient = new Int32Array(lists.cand.length);
  for (let r = 0; r < users; r++) recipient.fill(r, lists.start[r], lists.start[r + 1]);

  const offsets = new Int32Array(targets.count + 1);
  const out = new ScoredList();
  const user = new Int32Array(users);
  const score = new Float64Array(users);
  const sortBuf = new Float64Array(users);
  const keptIdx = new Int32Array(users);
  for (let i = 0; i < targets.count; i++) {
    const r = targets.recipient[i];
    if (r >= 0 && r < users) {
      const a = lists.start[r];
      const b = lists.start[r + 1];
      let n = 0;
      if (timed?.timing.usable && !Number.isNaN(timed.at[i])) {
        timed.timing.begin(timed.at[i]);
        for (let q = a; q < b; q++) {
          const v = lists.score[q] * timed.timing.weight(timed.userIp[lists.cand[q]]);
          if (v > 0) {
            user[n] = lists.cand[q];
            score[n] = v;
            n++;
          }
        }
      }
      if (n > 0) {
        // The listTop best, ties at the cut kept (the cut of the whole list sorted), sorted.
        const kept = bestWithTies(user, score, n, listTop, sortBuf, keptIdx);
        for (let k = 0; k < kept; k++) out.push(user[keptIdx[k]], score[keptIdx[k]]);
      } else {
        const len = cutWithTies(lists.score, a, b, listTop);
        for (let q = a; q < a + len; q++) out.push(lists.cand[q], lists.score[q]);
      }
    }
    offsets[i + 1] = out.length;
  }

  return {
    perTarget: {
      offsets,
      ...out.result(),
      base: new Float64Array(targets.count),
    },
    causalTop: lists.causalTop,
    ...(lists.causalTie ? { causalTie: lists.causalTie } : {}),
    pairs: { sender: lists.cand, recipient, score: lists.score },
  };
}
