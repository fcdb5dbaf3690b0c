/**
 * Scores one attack's output against ground truth: the SummaryRow metric fields of
 * docs/metrics.md, the per-target columns of messages.csv, and the ttfd.csv pairs.
 *
 * This is the only place where an attack's scores meet the true senders. The pipeline calls
 *   evaluate(result, targets, sender, users)
 * once per (design, adversary, attack), where `sender[i]` is the true sender of target i
 * (`truth.sender[scored[i]]`, aligned with `targets`). Everything it returns is computed from
 * those four arguments only, so it can be unit-tested on hand-built results.
 */
import type { AttackResult, Targets } from '../attacks/attack.js';
import { kthLargest } from '../attacks/util-index.js';
import { checkCausalTie, checkPairs, checkScores } from './check.js';
import { labelledMetrics, labelPairs, pairKey, positiveIndex, positivePairs } from './pairs.js';
import { type RocCurve, rocCurve } from './roc.js';
import type { PairRow, SummaryRow } from './schema.js';
import { Mean } from './sum.js';
import { scanTarget, targetScan } from './target.js';
import { expectedRank, topkProbability } from './topk.js';
import { type TtfdPair, timeToFirstDeanonymisation } from './ttfd.js';

/** The attack-dependent metric fields of a summary row. */
export type AttackMetrics = Pick<
  SummaryRow,
  'deliveries' | 'top1' | 'top5' | 'entropy_bits' | 'anonymity_set' | 'pair_auc' | 'pair_precision' | 'excluded'
>;

export interface PerTargetMetrics {
  /** Expected rank of the true sender under uniform tie-breaking, g + (e + 1)/2 (1 = top). */
  trueRank: Float64Array;
  /** Users with posterior > 0 (all users when the scores carry no information). */
  candidates: Int32Array;
  /** Entropy (bits) of the normalised scores over all users. */
  entropyBits: Float64Array;
}

export interface Evaluation {
  /** `deliveries` = scored deliveries (targets); means are NaN when there are none. */
  metrics: AttackMetrics;
  perTarget: PerTargetMetrics;
  ttfd: TtfdPair[];
  /** Number of positive pairs (distinct (sender, recipient) among the targets). */
  positivePairs: number;
  /** The ROC behind pair_auc, thinned (roc.ts); null when a class of pairs is empty. */
  roc: RocCurve | null;
}

/**
 * @param result  the attack's output for `targets` (checked: throws on malformed scores).
 * @param targets the questions put to the adversary (recipient, tDeliver per target).
 * @param sender  ground truth: the true sender of each target, `targets.count` entries.
 * @param users   number of users (candidate senders are 0 … users − 1).
 */
export function evaluate(result: AttackResult, targets: Targets, sender: Int32Array, users: number): Evaluation {
  const n = targets.count;
  if (sender.length !== n) throw new Error(`evaluate: ${sender.length} senders for ${n} targets`);
  if (result.causalTop.length !== n) throw new Error(`evaluate: causalTop has ${result.causalTop.length} entries`);
  const sc = result.perTarget;
  checkScores(sc, n, users);
  checkPairs(result.pairs, users);
  checkCausalTie(result.causalTie, n, users);

  const trueRank = new Float64Array(n);
  const candidates = new Int32Array(n);
  const entropy = new Float64Array(n);
  const top1 = new Mean();
  const top5 = new Mean();
  const entropyMean = new Mean();
  const setMean = new Mean();
  const excluded = new Mean();
  const t = targetScan();
  for (let i = 0; i < n; i++) {
    // rankCounts, candidateCount and entropyBits of target i in one scan (target.ts).
    scanTarget(sc, i, sender[i], users, t);
    const { above, equal, score } = t;
    // Scores are ≥ 0: a true sender at 0 with anyone above it has zero posterior while others keep weight.
    excluded.add(score === 0 && above > 0 ? 1 : 0);
    top1.add(topkProbability(above, equal, 1));
    top5.add(topkProbability(above, equal, 5));
    trueRank[i] = expectedRank(above, equal);
    candidates[i] = t.candidates;
    const h = t.entropy;
    entropy[i] = h;
    entropyMean.add(h);
    setMean.add(2 ** h);
  }

  const positives = positivePairs(sender, targets.recipient, users);
  const labelled = labelPairs(result.pairs, positives, users, positiveIndex(sender, targets.recipient, users));
  const pm = labelledMetrics(labelled);
  return {
    metrics: {
      deliveries: n,
      top1: top1.value,
      top5: top5.value,
      entropy_bits: entropyMean.value,
      anonymity_set: setMean.value,
      pair_auc: pm.pair_auc,
      pair_precision: pm.pair_precision,
      excluded: excluded.value,
    },
    perTarget: { trueRank, candidates, entropyBits: entropy },
    ttfd: timeToFirstDeanonymisation(
      result.causalTop,
      sender,
      targets.recipient,
      targets.tDeliver,
      users,
      result.causalTie,
    ),
    positivePairs: positives.size,
    roc: rocCurve(labelled),
  };
}

export type PairScore = Omit<PairRow, 'design' | 'adversary' | 'attack' | 'cell' | 'sweep'>;

/**
 * The `limit` highest-scored pairs (score descending, then sender, recipient ascending) with
 * `is_true` from the targets' true (sender, recipient) pairs — the rows of pairs.csv.
 */
export function topPairs(
  result: AttackResult,
  targets: Targets,
  sender: Int32Array,
  users: number,
  limit: number,
): PairScore[] {
  const p = result.pairs;
  const positives = positivePairs(sender, targets.recipient, users);
  const keep = Math.max(0, limit);
  if (keep === 0) return [];
  // Only pairs scoring at least the keep-th largest score can be among the first `keep` (a run
  // lists millions of pairs, pairs.csv a few hundred): select that threshold, sort the rest.
  const n = p.sender.length;
  const scores = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) if (p.sender[k] !== p.recipient[k]) scores[m++] = p.score[k];
  const theta = m > keep ? kthLargest(scores, m, keep) : Number.NEGATIVE_INFINITY;
  const idx: number[] = [];
  for (let k = 0; k < n; k++) if (p.sender[k] !== p.recipient[k] && p.score[k] >= theta) idx.push(k);
  idx.sort((a, b) => p.score[b] - p.score[a] || p.sender[a] - p.sender[b] || p.recipient[a] - p.recipient[b]);
  return idx.slice(0, keep).map((k) => ({
    sender: p.sender[k],
    recipient: p.recipient[k],
    score: p.score[k],
    is_true: positives.has(pairKey(p.sender[k], p.recipient[k], users)),
  }));
}
