/**
 * Pair-level metrics over ALL ordered user pairs (u, v), u ≠ v: users·(users − 1) pairs.
 * A pair is positive when u sent at least one scored message to v; its score is the attack's
 * pair score, 0 for unlisted pairs.
 *
 * The attack lists few pairs out of ~users², so the unlisted mass (score 0) is handled as one
 * block: the work is O(L log L) for L listed pairs plus positives, never O(users²).
 *
 * - `pair_auc` = Mann–Whitney U / (n₁·n₀): P(score of a random positive > score of a random
 *   negative) + ½·P(tie). NaN when either class is empty.
 * - `pair_precision` = precision of the top-K pairs, K = n₁; pairs tied at the cut are taken
 *   in uniformly random order, so the value is the expectation: (positives strictly above the
 *   cut + (K − pairs strictly above) · positives at the cut / pairs at the cut) / K.
 * Self pairs (u = u) are outside the universe: listed self pairs and self "positives" are ignored.
 */
import type { AttackResult } from '../attacks/attack.js';
import { KeyTable } from '../attacks/util-hash.js';
import { sortedSelection } from './sort.js';

/** Key of ordered pair (s, r): s·users + r (exact below 2^53, i.e. for users < 9·10^7). */
export function pairKey(s: number, r: number, users: number): number {
  return s * users + r;
}

/** The positive pairs: distinct (sender, recipient) of scored deliveries, self pairs dropped. */
export function positivePairs(sender: Int32Array, recipient: Int32Array, users: number): KeyTable {
  const out = new KeyTable(sender.length);
  for (let i = 0; i < sender.length; i++)
    if (sender[i] !== recipient[i]) out.add(pairKey(sender[i], recipient[i], users), 1);
  return out;
}

/**
 * The positive pairs by either end, CSR over users: `byRecipient` lists each recipient's true
 * senders, `bySender` each sender's true recipients (repeats allowed; self pairs dropped).
 */
export interface PositiveIndex {
  byRecipient: { start: Int32Array; other: Int32Array };
  bySender: { start: Int32Array; other: Int32Array };
}

export function positiveIndex(sender: Int32Array, recipient: Int32Array, users: number): PositiveIndex {
  const csr = (key: Int32Array, other: Int32Array) => {
    const start = new Int32Array(users + 1);
    for (let i = 0; i < key.length; i++) if (sender[i] !== recipient[i]) start[key[i] + 1]++;
    for (let u = 0; u < users; u++) start[u + 1] += start[u];
    const fill = start.slice(0, users);
    const out = new Int32Array(start[users]);
    for (let i = 0; i < key.length; i++) if (sender[i] !== recipient[i]) out[fill[key[i]]++] = other[i];
    return { start, other: out };
  };
  return { byRecipient: csr(recipient, sender), bySender: csr(sender, recipient) };
}

/**
 * mark[k] = 1 for each listed non-self pair k that is positive, 2 for a negative one, 0 for a
 * self pair. With an index, by stamps instead of a hash probe per pair: walking the pairs, each
 * time the grouping end (recipient or sender, whichever changes less often along the list)
 * changes, its partners are stamped with its id; a pair is positive when its other end carries
 * the current id. Either way the same marks.
 */
function markPairs(
  pairs: AttackResult['pairs'],
  positives: KeyTable,
  users: number,
  index?: PositiveIndex,
): Uint8Array {
  const n = pairs.sender.length;
  const mark = new Uint8Array(n);
  if (!index) {
    for (let k = 0; k < n; k++) {
      const s = pairs.sender[k];
      const r = pairs.recipient[k];
      if (s !== r) mark[k] = positives.has(pairKey(s, r, users)) ? 1 : 2;
    }
    return mark;
  }
  let recipientRuns = 0;
  let senderRuns = 0;
  for (let k = 1; k < n; k++) {
    if (pairs.recipient[k] !== pairs.recipient[k - 1]) recipientRuns++;
    if (pairs.sender[k] !== pairs.sender[k - 1]) senderRuns++;
  }
  const byRecipient = recipientRuns <= senderRuns;
  const group = byRecipient ? pairs.recipient : pairs.sender;
  const member = byRecipient ? pairs.sender : pairs.recipient;
  const { start, other } = byRecipient ? index.byRecipient : index.bySender;
  const stamp = new Int32Array(users).fill(-1);
  let current = -1;
  for (let k = 0; k < n; k++) {
    const g = group[k];
    const m = member[k];
    if (g === m) continue;
    if (g !== current) {
      current = g;
      for (let e = start[g]; e < start[g + 1]; e++) stamp[other[e]] = g;
    }
    mark[k] = stamp[m] === g ? 1 : 2;
  }
  return mark;
}

/**
 * Scores split by label: `pos` and `neg` (sorted ascending) plus `zeroNeg`, the number of
 * further negatives that score 0 (the unlisted block).
 */
export interface LabelledScores {
  pos: Float64Array;
  neg: Float64Array;
  zeroNeg: number;
}

/** `index` (positiveIndex of the same positives) only makes it faster. */
export function labelPairs(
  pairs: AttackResult['pairs'],
  positives: KeyTable,
  users: number,
  index?: PositiveIndex,
): LabelledScores {
  const n = pairs.sender.length;
  const pos = new Float64Array(positives.size);
  // Negatives are marked (2), then taken sorted in one go (sort.ts): no unsorted copy of them.
  const mark = markPairs(pairs, positives, users, index);
  let np = 0;
  let nn = 0;
  let listedPos = 0;
  let listed = 0;
  for (let k = 0; k < n; k++) {
    if (mark[k] === 0) continue;
    listed++;
    if (mark[k] === 1) {
      pos[np++] = pairs.score[k];
      listedPos++;
    } else nn++;
  }
  // The rest of pos stays 0: positives the attack did not list.
  const unlistedPos = positives.size - listedPos;
  const universe = users * (users - 1);
  const zeroNeg = universe - listed - unlistedPos;
  return { pos: pos.sort(), neg: sortedSelection(pairs.score, mark, nn, 2), zeroNeg };
}

/**
 * Mann–Whitney AUC with ties counting ½. `pos`, `neg` sorted ascending; `zeroNeg` extra
 * negatives at score 0.
 */
export function aucFromScores(pos: Float64Array, neg: Float64Array, zeroNeg = 0): number {
  const n1 = pos.length;
  const n0 = neg.length + zeroNeg;
  if (n1 === 0 || n0 === 0) return Number.NaN;
  let u = 0;
  let below = 0; // index into neg: neg[0..below) < x
  let upto = 0; // neg[0..upto) ≤ x
  let i = 0;
  while (i < n1) {
    const x = pos[i];
    let j = i + 1;
    while (j < n1 && pos[j] === x) j++;
    while (below < neg.length && neg[below] < x) below++;
    if (upto < below) upto = below;
    while (upto < neg.length && neg[upto] <= x) upto++;
    let lt = below;
    let eq = upto - below;
    if (x > 0) lt += zeroNeg;
    else if (x === 0) eq += zeroNeg;
    u += (j - i) * (lt + eq / 2);
    i = j;
  }
  return u / (n1 * n0);
}

/**
 * Expected precision of the top-k under uniform tie-breaking. `pos`, `neg` sorted ascending;
 * `zeroNeg` extra negatives at 0. Walks score groups from the highest down.
 */
export function precisionAtK(pos: Float64Array, neg: Float64Array, zeroNeg: number, k: number): number {
  if (!(k > 0) || k > pos.length + neg.length + zeroNeg) return Number.NaN;
  let i = pos.length - 1;
  let j = neg.length - 1;
  let zeroPending = zeroNeg > 0;
  let taken = 0;
  let hits = 0;
  for (;;) {
    let v = Number.NEGATIVE_INFINITY;
    if (i >= 0) v = pos[i];
    if (j >= 0 && neg[j] > v) v = neg[j];
    if (zeroPending && 0 > v) v = 0;
    let pg = 0;
    let ng = 0;
    while (i >= 0 && pos[i] === v) {
      pg++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      ng++;
      j--;
    }
    if (zeroPending && v === 0) {
      ng += zeroNeg;
      zeroPending = false;
    }
    const size = pg + ng;
    if (taken + size >= k) return (hits + ((k - taken) * pg) / size) / k;
    taken += size;
    hits += pg;
  }
}

export interface PairMetrics {
  pair_auc: number;
  pair_precision: number;
  /** Number of positive pairs (n₁ = K). */
  positives: number;
}

/** pair_auc and pair_precision of an attack's pair scores against the positive pairs. */
export function pairMetrics(pairs: AttackResult['pairs'], positives: KeyTable, users: number): PairMetrics {
  return labelledMetrics(labelPairs(pairs, positives, users));
}

/** pair_auc and pair_precision of scores already split by label (labelPairs). */
export function labelledMetrics(l: LabelledScores): PairMetrics {
  return {
    pair_auc: aucFromScores(l.pos, l.neg, l.zeroNeg),
    pair_precision: precisionAtK(l.pos, l.neg, l.zeroNeg, l.pos.length),
    positives: l.pos.length,
  };
}
