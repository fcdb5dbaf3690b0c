/**
 * Every per-target metric of one target's sparse scores in one scan: the true sender's rank
 * counts (topk.ts `rankCounts`), the candidate count and the entropy (entropy.ts), which the
 * evaluation used to take in five passes over the target's candidate list (a tenth of an
 * evaluation at 10^4 users). The arithmetic is theirs, operation for operation, so every value
 * is bit-identical to theirs; test/metrics/target.test.ts holds it to them.
 */
import type { Scores } from '../attacks/attack.js';

/** What `scanTarget` writes (one object reused across targets: no allocation per target). */
export interface TargetScan {
  /** rankCounts: users strictly above the true sender, equal to it (itself included), its score. */
  above: number;
  equal: number;
  score: number;
  /** candidateCount. */
  candidates: number;
  /** entropyBits. */
  entropy: number;
}

export function targetScan(): TargetScan {
  return { above: 0, equal: 0, score: 0, candidates: 0, entropy: 0 };
}

/** Fills `out` for target i of `scores` whose true sender is s, among `users` candidates. */
export function scanTarget(scores: Scores, i: number, s: number, users: number, out: TargetScan): void {
  const { offsets, cand, score } = scores;
  const lo = offsets[i];
  const hi = offsets[i + 1];
  const base = scores.base[i];
  const unlisted = users - (hi - lo);
  // scoreOf: the sender's listed score (each candidate is listed once), else base.
  let ts = base;
  for (let k = lo; k < hi; k++)
    if (cand[k] === s) {
      ts = score[k];
      break;
    }
  let above = 0;
  let equal = 0;
  // entropyBits' accumulators, in its order: total from base · unlisted, then each listed score.
  let total = base * unlisted;
  let level = base > 0 && unlisted > 0 ? base : 0;
  let support = level > 0 ? unlisted : 0;
  let flat = true;
  for (let k = lo; k < hi; k++) {
    const v = score[k];
    if (v > ts) above++;
    else if (v === ts) equal++;
    total += v;
    if (v > 0) {
      support++;
      if (level === 0) level = v;
      else if (v !== level) flat = false;
    }
  }
  if (base > ts) above += unlisted;
  else if (base === ts) equal += unlisted;
  out.above = above;
  out.equal = equal;
  out.score = ts;
  // candidateCount: (base > 0 ? unlisted : 0) + listed scores > 0, which is `support` (unlisted
  // counts there only when base > 0 and unlisted > 0, and adds 0 when unlisted = 0); all users when 0.
  out.candidates = support === 0 ? users : support;
  if (!(total > 0)) out.entropy = Math.log2(users);
  else if (flat) out.entropy = Math.log2(support);
  else {
    let h = 0;
    for (let k = lo; k < hi; k++) {
      const p = score[k] / total;
      if (p > 0) h -= p * Math.log2(p);
    }
    if (base > 0 && unlisted > 0) {
      const p = base / total;
      h -= unlisted * p * Math.log2(p);
    }
    out.entropy = Math.max(h, 0);
  }
}
