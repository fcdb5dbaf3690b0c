/** Metrics of CONTRACT §4 (definitions and tie rules: docs/metrics.md). */
export { checkPairs, checkScores } from './check.js';
export { candidateCount, entropyBits } from './entropy.js';
export {
  type AttackMetrics,
  type Evaluation,
  evaluate,
  type PairScore,
  type PerTargetMetrics,
  topPairs,
} from './evaluate.js';
export { bytesPerMessage, type LatencyMetrics, latencyMetrics, nearestRank } from './latency.js';
export {
  aucFromScores,
  type LabelledScores,
  labelPairs,
  type PairMetrics,
  pairKey,
  pairMetrics,
  positivePairs,
  precisionAtK,
} from './pairs.js';
export { expectedRank, type RankCounts, rankCounts, scoreOf, topkProbability } from './topk.js';
export { type TtfdPair, timeToFirstDeanonymisation } from './ttfd.js';
