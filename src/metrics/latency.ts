/**
 * Cost-side metrics, independent of the attack: send-to-delivery latency percentiles of the
 * scored deliveries, and bytes on all links per message sent.
 *
 * Percentiles use the nearest-rank definition: the p-th percentile of n sorted values is the
 * value at 1-based rank ⌈p·n⌉ (so it is always an observed latency; p50 of [1, 2, 3, 4] = 2).
 */
import type { PeriodicFlows } from '../net/log.js';
import type { GroundTruth } from '../net/truth.js';

const MS = 1e6;

/** Nearest-rank percentile (p in (0, 1]) of `sorted` (ascending); NaN when empty. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.min(n, Math.max(1, Math.ceil(p * n)));
  return sorted[rank - 1];
}

export interface LatencyMetrics {
  latency_p50_ms: number;
  latency_p95_ms: number;
}

/** Latency (tDeliver − tSend) percentiles in ms over the ground-truth deliveries `scored`. */
export function latencyMetrics(truth: GroundTruth, scored: Int32Array): LatencyMetrics {
  const lat = new Float64Array(scored.length);
  for (let k = 0; k < scored.length; k++) lat[k] = truth.tDeliver[scored[k]] - truth.tSend[scored[k]];
  lat.sort();
  return { latency_p50_ms: nearestRank(lat, 0.5) / MS, latency_p95_ms: nearestRank(lat, 0.95) / MS };
}

/**
 * Bytes on every link (logged hops plus periodic background flows) divided by application
 * messages sent (each message counted once, whatever its number of recipients); NaN when none.
 */
export function bytesPerMessage(loggedBytes: number, periodic: PeriodicFlows | null, messagesSent: number): number {
  if (!(messagesSent > 0)) return Number.NaN;
  return (loggedBytes + (periodic ? periodic.totalBytes() : 0)) / messagesSent;
}
