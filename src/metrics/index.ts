/** The metrics of docs/metrics.md (definitions and tie rules). */
export { checkPairs, checkScores } from './check.js';
export { DISTRIBUTION_METRICS, type DistributionMetric, QUANTILE_LEVELS, quantiles } from './distribution.js';
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
  labelledMetrics,
  labelPairs,
  type PairMetrics,
  pairKey,
  pairMetrics,
  positivePairs,
  precisionAtK,
} from './pairs.js';
export { ROC_KEPT, type RocCurve, rocCurve, rocVertices, thinRoc, trapezoidArea } from './roc.js';
export { expectedRank, type RankCounts, rankCounts, scoreOf, topkProbability } from './topk.js';
export { boundPairs, TTFD_KEPT, type TtfdPair, timeToFirstDeanonymisation } from './ttfd.js';
