/** Rows a run produces, one interface per output file (docs/cli.md) (export writes them). */

import type { CellTag, PairRow, SummaryRow, SweepValues, TtfdRow, ViewTag } from '../metrics/schema.js';
import type { CandidateSample, CorrelationSample } from './samples.js';

/**
 * The rows the metrics compute (summary.csv, pairs.csv, ttfd.csv), the row tags and the sweep
 * values type live with the output schema (src/metrics/schema.ts), below the pipeline.
 */
export type { CellTag, PairRow, SummaryRow, SweepValues, TtfdRow, ViewTag };

export interface MessageRow extends CellTag {
  replicate: number;
  design: string;
  adversary: string;
  attack: string;
  message: number;
  sender: number;
  recipient: number;
  sent_ms: number;
  delivered_ms: number;
  true_rank: number;
  candidates: number;
  entropy_bits: number;
}

/** roc.csv: one thinned ROC curve over all ordered pairs (src/metrics/roc.ts). */
export interface RocRow extends ViewTag {
  fpr: number[];
  tpr: number[];
  /** +Infinity at the origin, NaN at area-restoring points. */
  threshold: number[];
}

/** distributions.csv: quantiles of one per-delivery value (src/metrics/distribution.ts). */
export interface DistributionRow extends ViewTag {
  metric: string;
  deliveries: number;
  /** At QUANTILE_LEVELS. */
  q: number[];
}

/** correlation.csv: the windowed series of one sampled true pair (src/pipeline/samples.ts). */
export type CorrelationRow = ViewTag & CorrelationSample;

/** candidates.csv: one sampled delivery's top candidates and their sends (src/pipeline/samples.ts). */
export type CandidateRow = ViewTag & CandidateSample;

export interface ExposureRow {
  design: string;
  vector: string;
  /** NaN when not measured. */
  value: number;
  /** '' when not measured (no data). */
  grade: 'A' | 'P' | 'X' | '';
  /** For attack-based vectors: the scenario's adversary and the best of its attacks ('' otherwise). */
  adversary: string;
  attack: string;
  /** 'input' when the value is a parameter of the model passed through, 'measured' when the run measured it. */
  source: 'measured' | 'input';
}

/** One message's hops for the viewer's timeline chart. */
export interface TimelineHop {
  from: string;
  to: string;
  fromRole: string;
  toRole: string;
  tTxMs: number;
  tRxMs: number;
  bytes: number;
  kind: string;
  /** What the receiving party sees, e.g. "ip user-3; recipient account 17". */
  sees: string;
  /** Adversary names that observe this hop (holding `from` or `to`, or watching every link). */
  heldBy: string[];
  /** Adversary names holding the sending party (a global observer holds no party). */
  fromHeldBy: string[];
  /** Adversary names holding the receiving party. */
  toHeldBy: string[];
}

export interface Timeline {
  design: string;
  message: number;
  sender: number;
  recipient: number;
  hops: TimelineHop[];
}

/**
 * The infrastructure hosts one adversary holds in one simulated world (manifest.json `held`):
 * labels as the design names its hosts (`relay-3`, `snode-17`); empty for an adversary that
 * holds no host (a global link observer, or none).
 */
export interface HeldRecord {
  cell: number;
  replicate: number;
  design: string;
  adversary: string;
  kind: string;
  hosts: string[];
}

/**
 * How often an attack's work caps cut its posterior in one evaluation (manifest.json `caps`):
 * out of `targets` scored deliveries, per cap, those whose posterior it cut by more than 0.1 %
 * of its mass (AttackResult.caps). Only evaluations where some cap bound are recorded.
 */
export interface CapRecord {
  cell: number;
  replicate: number;
  design: string;
  adversary: string;
  attack: string;
  targets: number;
  capped: Record<string, number>;
}

export interface RunResult {
  scenarioName: string;
  sweepKeys: string[];
  summary: SummaryRow[];
  pairs: PairRow[];
  ttfd: TtfdRow[];
  messages: MessageRow[];
  roc: RocRow[];
  distributions: DistributionRow[];
  correlation: CorrelationRow[];
  candidates: CandidateRow[];
  exposure: ExposureRow[];
  timelines: Timeline[];
  /** In (cell, replicate, design item, adversary) order. */
  held: HeldRecord[];
  /** Evaluations whose work caps cut a posterior, in (cell, replicate, design item, adversary, attack) order. */
  caps?: CapRecord[];
  seeds: number[];
  counts: { events: number; messagesSent: number; hops: number; deliveries: number };
}
