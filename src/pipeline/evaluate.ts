/**
 * Bridges attacks and metrics for the pipeline: one AttackResult becomes the metric columns of
 * summary.csv, the ttfd and messages rows, and the top pairs for pairs.csv.
 */
import type { AttackResult, Targets } from '../attacks/attack.js';
import { type AttackMetrics, evaluate, topPairs } from '../metrics/index.js';
import type { GroundTruth } from '../net/truth.js';
import type { MessageRow, PairRow, TtfdRow } from './types.js';

export interface Evaluation {
  metrics: AttackMetrics;
  ttfd: Omit<TtfdRow, 'replicate' | 'design' | 'adversary' | 'attack'>[];
  messages: Omit<MessageRow, 'replicate' | 'design' | 'adversary' | 'attack'>[];
  topPairs(k: number): Omit<PairRow, 'design' | 'adversary' | 'attack'>[];
}

export function evaluateAttack(
  result: AttackResult,
  targets: Targets,
  truth: GroundTruth,
  scored: Int32Array,
  users: number,
): Evaluation {
  const sender = new Int32Array(scored.length);
  for (let i = 0; i < scored.length; i++) sender[i] = truth.sender[scored[i]];
  const e = evaluate(result, targets, sender, users);
  return {
    metrics: e.metrics,
    ttfd: e.ttfd,
    messages: Array.from(scored, (d, i) => ({
      message: truth.msg[d],
      sender: sender[i],
      recipient: truth.recipient[d],
      sent_ms: truth.tSend[d] / 1e6,
      delivered_ms: truth.tDeliver[d] / 1e6,
      true_rank: e.perTarget.trueRank[i],
      candidates: e.perTarget.candidates[i],
      entropy_bits: e.perTarget.entropyBits[i],
    })),
    topPairs: (k) => topPairs(result, targets, sender, users, k),
  };
}
