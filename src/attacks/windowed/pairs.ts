/**
 * From sweeps to an AttackResult: targets grouped by recipient, one pass of the sweeps per
 * recipient (causal state at each of its deliveries, then the whole run), the recipient's pair
 * list, and per-target lists cut from it.
 */
import type { AttackResult, Targets } from '../attack.js';
import { prefixSum } from './arrays.js';
import { bestWithTies, CandidateSet, cutWithTies } from './select.js';
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
}

/**
 * The causal top of a recipient's delivery in the sweeps' current state; ok[k] says whether
 * sweep k has evidence (its `at` returned true).
 */
export type CausalTop = (ok: Uint8Array, recipient: number) => number;

/**
 * Runs the sweeps over every recipient: the causal top at each of its targets (when `causal` is
 * given), then the final pair list. A candidate's score is the sum of the sweeps' scores; each
 * recipient keeps its `pairKeep` best (ties at the cut kept).
 */
export function sweepRecipients(
  sweeps: Sweep[],
  idx: TargetIndex,
  users: number,
  pairKeep: number,
  causal?: CausalTop,
): PairLists {
  const cs = new CandidateSet(users);
  const ok = new Uint8Array(sweeps.length);
  const candScore = new Float64Array(users);
  const candUser = new Int32Array(users);
  const sortBuf = new Float64Array(users);
  const start = new Int32Array(users + 1);
  const outCand: number[] = [];
  const outScore: number[] = [];
  const causalTop = new Int32Array(idx.count).fill(-1);
  const only = sweeps.length === 1 ? sweeps[0] : null;

  for (let r = 0; r < users; r++) {
    for (const s of sweeps) s.begin(r);
    for (let q = idx.start[r]; causal && q < idx.start[r + 1]; q++) {
      const i = idx.order[q];
      for (let k = 0; k < sweeps.length; k++) ok[k] = sweeps[k].at(idx.tCut[i]) ? 1 : 0;
      causalTop[i] = causal(ok, r);
    }

    let any = false;
    for (let k = 0; k < sweeps.length; k++) {
      ok[k] = sweeps[k].atEnd() ? 1 : 0;
      if (ok[k]) any = true;
    }
    let n = 0;
    if (only?.collect) {
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
    for (const c of bestWithTies(candUser, candScore, n, pairKeep, sortBuf)) {
      outCand.push(candUser[c]);
      outScore.push(candScore[c]);
    }
    start[r + 1] = outCand.length;
  }
  return { start, cand: Int32Array.from(outCand), score: Float64Array.from(outScore), causalTop };
}

/** The AttackResult of pair lists: per target, its recipient's pair list cut to `listTop` (ties kept), base 0. */
export function assembleResult(users: number, targets: Targets, lists: PairLists, listTop: number): AttackResult {
  const recipient = new Int32Array(lists.cand.length);
  for (let r = 0; r < users; r++) recipient.fill(r, lists.start[r], lists.start[r + 1]);

  const offsets = new Int32Array(targets.count + 1);
  const lens = new Int32Array(targets.count);
  for (let i = 0; i < targets.count; i++) {
    const r = targets.recipient[i];
    if (r < 0 || r >= users) continue;
    lens[i] = cutWithTies(lists.score, lists.start[r], lists.start[r + 1], listTop);
    offsets[i + 1] = lens[i];
  }
  prefixSum(offsets);
  const cand = new Int32Array(offsets[targets.count]);
  const score = new Float64Array(offsets[targets.count]);
  for (let i = 0; i < targets.count; i++) {
    if (lens[i] === 0) continue;
    const a = lists.start[targets.recipient[i]];
    cand.set(lists.cand.subarray(a, a + lens[i]), offsets[i]);
    score.set(lists.score.subarray(a, a + lens[i]), offsets[i]);
  }

  return {
    perTarget: { offsets, cand, score, base: new Float64Array(targets.count) },
    causalTop: lists.causalTop,
    pairs: { sender: lists.cand, recipient, score: lists.score },
  };
}
