/**
 * Entropy of one target's posterior over ALL users (Serjantov & Danezis 2002; Díaz et al.
 * 2002). The posterior is the score vector normalised to sum 1: listed users p = score/T,
 * every unlisted user p = base/T, T = Σ listed + base · (users − listed). Terms with p = 0
 * contribute 0. An all-zero score vector carries no information and is read as uniform.
 */
import type { Scores } from '../attacks/attack.js';

/** Shannon entropy H (bits) of target i's normalised scores. */
export function entropyBits(scores: Scores, i: number, users: number): number {
  const lo = scores.offsets[i];
  const hi = scores.offsets[i + 1];
  const base = scores.base[i];
  const unlisted = users - (hi - lo);
  let total = base * unlisted;
  // Uniform over its support (every positive score equal) ⇒ H = log2(support) exactly.
  let level = base > 0 && unlisted > 0 ? base : 0;
  let support = level > 0 ? unlisted : 0;
  let flat = true;
  for (let k = lo; k < hi; k++) {
    const v = scores.score[k];
    total += v;
    if (v > 0) {
      support++;
      if (level === 0) level = v;
      else if (v !== level) flat = false;
    }
  }
  if (!(total > 0)) return Math.log2(users);
  if (flat) return Math.log2(support);
  let h = 0;
  for (let k = lo; k < hi; k++) {
    const p = scores.score[k] / total;
    if (p > 0) h -= p * Math.log2(p);
  }
  if (base > 0 && unlisted > 0) {
    const p = base / total;
    h -= unlisted * p * Math.log2(p);
  }
  // Rounding can leave -1e-16 for a point mass; entropy is never negative.
  return Math.max(h, 0);
}

/**
 * Candidates of target i: users the adversary has not ruled out, i.e. with posterior > 0
 * (score > 0). With an all-zero score vector (no information) every user is a candidate.
 */
export function candidateCount(scores: Scores, i: number, users: number): number {
  const lo = scores.offsets[i];
  const hi = scores.offsets[i + 1];
  const base = scores.base[i];
  let n = base > 0 ? users - (hi - lo) : 0;
  for (let k = lo; k < hi; k++) if (scores.score[k] > 0) n++;
  return n === 0 ? users : n;
}
