/**
 * The output schema (docs/cli.md, docs/metrics.md), declared once: the fixed columns of
 * summary.csv and the metrics aggregate.csv averages. The writer, the aggregator, the printed
 * table, the viewer and the tests all read these lists, so a new column is one line here plus
 * the code that computes it.
 *
 * Invariant: summary.csv is these columns in this order, then one column per swept key path;
 * a column is never removed or renamed (users' scripts read them by name).
 */

/** Values of the swept key paths for one sweep cell, in sweep order. */
export type SweepValues = (string | number | boolean)[];

/** The sweep cell a row describes: its index and swept values (the CSVs' sweep columns). */
export interface CellTag {
  cell: number;
  sweep: SweepValues;
}

/** Labels of a row of one attacked view: sweep cell, replicate, design, adversary, attack. */
export interface ViewTag extends CellTag {
  replicate: number;
  design: string;
  adversary: string;
  attack: string;
}

/** pairs.csv: the score of one ordered (sender, recipient) pair (src/metrics/evaluate.ts). */
export interface PairRow extends CellTag {
  design: string;
  adversary: string;
  attack: string;
  sender: number;
  recipient: number;
  score: number;
  is_true: boolean;
}

/** ttfd.csv: when one true pair was first identified (src/metrics/ttfd.ts). */
export interface TtfdRow extends CellTag {
  replicate: number;
  design: string;
  adversary: string;
  attack: string;
  sender: number;
  recipient: number;
  messages_sent: number;
  /** null when the pair was never identified. */
  messages_until_identified: number | null;
  time_until_identified_s: number | null;
  /** Tie-aware variant (metrics/ttfd.ts): first delivery with the sender among the causal top, and the tie size there. */
  messages_until_tied_top: number | null;
  tied_top: number | null;
}

/** Text columns of summary.csv (every other fixed column is a number). */
export const LABEL_COLUMNS = ['design', 'adversary', 'attack'] as const;

/** The metrics of docs/metrics.md, per replicate, in the order summary.csv writes them. */
export const METRICS = [
  'top1',
  'top5',
  'entropy_bits',
  'anonymity_set',
  'pair_auc',
  'pair_precision',
  'latency_p50_ms',
  'latency_p95_ms',
  'bytes_per_message',
] as const;

/**
 * Numeric columns averaged over replicates in aggregate.csv, in output order:
 * - `users`, `messages` (messages sent), `deliveries` (scored deliveries: the unit of every
 *   per-delivery metric and of its standard error);
 * - the metrics of docs/metrics.md;
 * - `excluded`: fraction of scored deliveries whose true sender got zero posterior while some
 *   other candidate kept weight (the attack ruled the sender out: certainty is not correctness);
 * - `held`: infrastructure hosts the adversary holds (0 for a pure link observer).
 */
export const AGG_METRICS = ['users', 'messages', 'deliveries', ...METRICS, 'excluded', 'held'] as const;

export type AggMetric = (typeof AGG_METRICS)[number];

/** The fixed first columns of summary.csv, in order; swept key paths follow. */
export const SUMMARY_COLUMNS = [...LABEL_COLUMNS, 'replicate', 'seed', ...AGG_METRICS] as const;

export type SummaryColumn = (typeof SUMMARY_COLUMNS)[number];

/** One row of summary.csv: a (sweep cell, replicate, design, adversary, attack). */
export type SummaryRow = { cell: number; sweep: SweepValues } & {
  [K in SummaryColumn]: K extends (typeof LABEL_COLUMNS)[number] ? string : number;
};
