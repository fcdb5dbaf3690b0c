/**
 * Per-delivery distributions behind the means of summary.csv (distributions.csv): quantiles
 * p0, p5, …, p100 of a per-delivery value over one run's scored deliveries.
 *
 * Quantiles are nearest-rank, as the latency percentiles (latency.ts): the p-th quantile of n
 * sorted values is the value at 1-based rank max(1, ⌈p·n⌉), so p0 is the minimum, p100 the
 * maximum and every quantile is an observed value. Nearest-rank commutes with monotone maps:
 * the quantiles of 2^H are exactly 2 to the quantiles of H.
 */
import { nearestRank } from './latency.js';

/** Quantile levels in percent: 0, 5, …, 100. */
export const QUANTILE_LEVELS: readonly number[] = Array.from({ length: 21 }, (_, i) => i * 5);

/** Per-delivery values written to distributions.csv, by the name of their column elsewhere. */
export const DISTRIBUTION_METRICS = ['entropy_bits', 'anonymity_set', 'candidates', 'true_rank'] as const;
export type DistributionMetric = (typeof DISTRIBUTION_METRICS)[number];

/** Nearest-rank quantiles of `values` at QUANTILE_LEVELS; NaN when there are none. */
export function quantiles(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values).sort();
  return QUANTILE_LEVELS.map((q) => nearestRank(sorted, q / 100));
}
