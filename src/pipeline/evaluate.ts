/**
 * Bridges attacks and metrics for the pipeline: turns one AttackResult into the metric columns
 * of summary.csv, ttfd and messages rows, and the top pairs for pairs.csv.
 */
import type { AttackResult, Targets } from '../attacks/attack.js';
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

/** Send-to-delivery latency percentiles (ms, nearest rank) over scored deliveries. */
export function latencyStats(truth: GroundTruth, scored: Int32Array): { p50: number; p95: number } {
  if (scored.length === 0) return { p50: Number.NaN, p95: Number.NaN };
  const d = new Float64Array(scored.length);
  for (let i = 0; i < scored.length; i++) d[i] = (truth.tDeliver[scored[i]] - truth.tSend[scored[i]]) / 1e6;
  d.sort();
  const at = (q: number) => d[Math.min(d.length - 1, Math.max(0, Math.ceil(q * d.length) - 1))];
  return { p50: at(0.5), p95: at(0.95) };
}

export function evaluateAttack(
  _result: AttackResult,
  _targets: Targets,
  _truth: GroundTruth,
  _scored: Int32Array,
  _users: number,
): Evaluation {
  throw new Error('metrics not wired yet');
}
