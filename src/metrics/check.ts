/**
 * Structural checks on an attack's output before any metric reads it. A violation is an
 * attack bug (not bad user input), so it throws a plain Error naming the target or pair.
 * The metrics rely on these invariants: every listed candidate is a user, listed once per
 * target; scores and base are finite and ≥ 0; pair scores are finite, ≥ 0 and not duplicated.
 */
import type { AttackResult, Scores } from '../attacks/attack.js';
import { KeyTable } from '../attacks/util-hash.js';

export function checkScores(scores: Scores, count: number, users: number): void {
  const { offsets, cand, score, base } = scores;
  if (offsets.length !== count + 1) throw new Error(`scores: offsets has ${offsets.length} entries, want ${count + 1}`);
  if (base.length !== count) throw new Error(`scores: base has ${base.length} entries, want ${count}`);
  if (offsets[0] !== 0 || offsets[count] > cand.length || cand.length !== score.length)
    throw new Error('scores: offsets do not cover cand/score');
  // Stamp array: seen[u] === i + 1 when u was already listed for target i (no clearing needed).
  const seen = new Int32Array(users);
  for (let i = 0; i < count; i++) {
    const b = base[i];
    if (!(b >= 0 && b < Number.POSITIVE_INFINITY)) throw new Error(`scores: target ${i} has base ${b}`);
    const lo = offsets[i];
    const hi = offsets[i + 1];
    if (hi < lo) throw new Error(`scores: offsets decrease at target ${i}`);
    for (let k = lo; k < hi; k++) {
      const u = cand[k];
      const s = score[k];
      if (!(u >= 0 && u < users)) throw new Error(`scores: target ${i} lists candidate ${u} (users = ${users})`);
      if (seen[u] === i + 1) throw new Error(`scores: target ${i} lists candidate ${u} twice`);
      seen[u] = i + 1;
      if (!(s >= 0 && s < Number.POSITIVE_INFINITY)) throw new Error(`scores: target ${i} scores ${u} with ${s}`);
    }
  }
}

export function checkPairs(pairs: AttackResult['pairs'], users: number): void {
  const { sender, recipient, score } = pairs;
  const n = sender.length;
  if (recipient.length !== n || score.length !== n) throw new Error('pairs: sender, recipient, score differ in length');
  // Attacks built with ScoreBuilder list pairs by ascending key; then duplicates are adjacent
  // and a sequential pass suffices. The windowed attacks list them by recipient (each one's
  // best first): then a duplicate lies within one recipient's run, and a stamp per sender finds
  // it. Otherwise fall back to a hash table. Each way throws at the first repeated entry.
  let sorted = true;
  let grouped = true;
  for (let k = 0; k < n; k++) {
    const s = sender[k];
    const r = recipient[k];
    if (!(s >= 0 && s < users && r >= 0 && r < users)) throw new Error(`pairs: (${s}, ${r}) is not a user pair`);
    const v = score[k];
    if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) throw new Error(`pairs: (${s}, ${r}) scores ${v}`);
    if (k > 0 && s * users + r <= sender[k - 1] * users + recipient[k - 1]) sorted = false;
    if (k > 0 && r < recipient[k - 1]) grouped = false;
  }
  if (sorted) return;
  if (grouped) {
    // stamp[s] = r + 1 once (s, r) was listed (recipients never recur after their run ends).
    const stamp = new Int32Array(users);
    for (let k = 0; k < n; k++) {
      if (stamp[sender[k]] === recipient[k] + 1) throw new Error(`pairs: (${sender[k]}, ${recipient[k]}) listed twice`);
      stamp[sender[k]] = recipient[k] + 1;
    }
    return;
  }
  const seen = new KeyTable(n);
  for (let k = 0; k < n; k++) {
    if (!seen.add(sender[k] * users + recipient[k], 1))
      throw new Error(`pairs: (${sender[k]}, ${recipient[k]}) listed twice`);
  }
}

export function checkCausalTie(tie: AttackResult['causalTie'], count: number, users: number): void {
  if (!tie) return;
  const { offsets, cand } = tie;
  if (offsets.length !== count + 1 || offsets[0] !== 0 || offsets[count] !== cand.length)
    throw new Error('causalTie: offsets do not cover cand');
  for (let i = 0; i < count; i++)
    if (offsets[i + 1] < offsets[i]) throw new Error(`causalTie: offsets decrease at ${i}`);
  for (const u of cand) if (!(u >= 0 && u < users)) throw new Error(`causalTie: candidate ${u} (users = ${users})`);
}
