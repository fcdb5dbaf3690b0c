/**
 * Rank of the true sender in one target's sparse scores, with ties broken uniformly at random
 * (docs/metrics.md). Unlisted users all score `base[i]`, so they count in bulk: a target costs
 * O(listed candidates), never O(users).
 *
 * g ("above") = users scored strictly above the true sender s; e ("equal") = users scored
 * exactly equal to s, s itself included (so e ≥ 1). Equality is exact floating-point equality:
 * an attack that means a tie must produce bit-identical scores.
 */
import type { Scores } from '../attacks/attack.js';

export interface RankCounts {
  above: number;
  equal: number;
  /** The true sender's own score. */
  score: number;
}

/** Score of user u for target i (the listed score, or base when u is not listed). */
export function scoreOf(scores: Scores, i: number, u: number): number {
  for (let k = scores.offsets[i]; k < scores.offsets[i + 1]; k++) if (scores.cand[k] === u) return scores.score[k];
  return scores.base[i];
}

/** g and e for true sender `s` of target i among `users` candidates. */
export function rankCounts(scores: Scores, i: number, s: number, users: number): RankCounts {
  const lo = scores.offsets[i];
  const hi = scores.offsets[i + 1];
  const base = scores.base[i];
  const ts = scoreOf(scores, i, s);
  let above = 0;
  let equal = 0;
  for (let k = lo; k < hi; k++) {
    const v = scores.score[k];
    if (v > ts) above++;
    else if (v === ts) equal++;
  }
  const unlisted = users - (hi - lo);
  if (base > ts) above += unlisted;
  else if (base === ts) equal += unlisted;
  return { above, equal, score: ts };
}

/** P(rank ≤ k) under uniform tie-breaking: clamp((k − g)/e, 0, 1). */
export function topkProbability(above: number, equal: number, k: number): number {
  const p = (k - above) / equal;
  return Math.min(1, Math.max(0, p));
}

/**
 * Expected rank (1 = best) under uniform tie-breaking: the true sender is equally likely to
 * take any of the positions g+1 … g+e, whose mean is g + (e + 1)/2.
 */
export function expectedRank(above: number, equal: number): number {
  return above + (equal + 1) / 2;
}
