/**
 * Bridges attacks and metrics for the pipeline: one AttackResult becomes the metric columns of
 * summary.csv, the ttfd and messages rows, and the top pairs for pairs.csv.
 */
import type { AttackResult, Targets } from '../attacks/attack.js';
import { evaluate, topPairs } from '../metrics/index.js';
import type { GroundTruth } from '../net/truth.js';
import type { MessageRow, PairRow, TtfdRow } from './types.js';

export interface Evaluation {
  metrics: {
    top1: number;
    top5: number;
    entropy_bits: number;
    anonymity_set: number;
    pair_auc: number;
    pair_precision: number;
  };
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
  const { top1, top5, entropy_bits, anonymity_set, pair_auc, pair_precision } = e.metrics;
  return {
    metrics: { top1, top5, entropy_bits, anonymity_set, pair_auc, pair_precision },
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
