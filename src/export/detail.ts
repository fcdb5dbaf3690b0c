/**
 * The detail files of a results folder, one per attacked view and sweep cell (docs/cli.md):
 * pairs.csv, ttfd.csv, messages.csv (with --messages), roc.csv, distributions.csv, and the series
 * behind the correlation figures, correlation.csv and candidates.csv. Each is declared once here:
 * its columns and how a RunResult becomes its rows of CSV cells.
 *
 * Sweep columns (one per swept key path, named by it): the main files keep their columns in
 * place and gain the sweep columns at the end, as summary.csv has them; the files added later have
 * them after the labels (`design,adversary,attack,replicate,`sweep columns`,…`, as docs/cli.md
 * writes roc.csv). Rows come in (sweep cell, replicate, design) order, then as the pipeline made them.
 */
import { QUANTILE_LEVELS } from '../metrics/distribution.js';
import type { RunResult, ViewTag } from '../pipeline/types.js';
import { cell } from './format.js';

export interface DetailFile {
  name: string;
  /** Columns, given the run's swept key paths. */
  columns(keys: readonly string[]): string[];
  rows(result: RunResult): Iterable<string[]>;
}

const VIEW = ['design', 'adversary', 'attack', 'replicate'];

function sweepCells(values: readonly (string | number | boolean)[]): string[] {
  return values.map((v) => cell(v));
}

/** design, adversary, attack, replicate, then the swept values. */
function viewCells(t: ViewTag): string[] {
  return [t.design, t.adversary, t.attack, cell(t.replicate), ...sweepCells(t.sweep)];
}

const NS_PER_S = 1e9;
const NS_PER_MS = 1e6;

export const PAIRS_COLUMNS = ['design', 'adversary', 'attack', 'sender', 'recipient', 'score', 'is_true'] as const;
export const TTFD_COLUMNS = [
  'replicate',
  'design',
  'adversary',
  'attack',
  'sender',
  'recipient',
  'messages_sent',
  'messages_until_identified',
  'time_until_identified_s',
  'messages_until_tied_top',
  'tied_top',
] as const;
export const MESSAGES_COLUMNS = [
  'replicate',
  'design',
  'adversary',
  'attack',
  'message',
  'sender',
  'recipient',
  'sent_ms',
  'delivered_ms',
  'true_rank',
  'candidates',
  'entropy_bits',
] as const;
export const ROC_COLUMNS = ['fpr', 'tpr', 'threshold'] as const;
export const DISTRIBUTION_COLUMNS = ['metric', 'deliveries', ...QUANTILE_LEVELS.map((q) => `p${q}`)];
export const CORRELATION_COLUMNS = [
  'sample',
  'recipient',
  'sender',
  'wrong',
  'window_s',
  'shift_s',
  'windows',
  'r_sender',
  'r_wrong',
  'window',
  't_s',
  'recipient_count',
  'sender_count',
  'wrong_count',
] as const;
export const CANDIDATE_COLUMNS = [
  'sample',
  'message',
  'recipient',
  'sender',
  'anchor_ms',
  'span_s',
  'other_mass',
  'other_users',
  'candidate',
  'posterior',
  'is_true',
  'before_ms',
  'density_per_s',
] as const;

export const PAIRS: DetailFile = {
  name: 'pairs.csv',
  columns: (keys) => [...PAIRS_COLUMNS, ...keys],
  *rows(result) {
    for (const r of result.pairs)
      yield [
        r.design,
        r.adversary,
        r.attack,
        cell(r.sender),
        cell(r.recipient),
        cell(r.score),
        cell(r.is_true),
        ...sweepCells(r.sweep),
      ];
  },
};

export const TTFD: DetailFile = {
  name: 'ttfd.csv',
  columns: (keys) => [...TTFD_COLUMNS, ...keys],
  *rows(result) {
    for (const r of result.ttfd)
      yield [
        cell(r.replicate),
        r.design,
        r.adversary,
        r.attack,
        cell(r.sender),
        cell(r.recipient),
        cell(r.messages_sent),
        cell(r.messages_until_identified),
        cell(r.time_until_identified_s),
        cell(r.messages_until_tied_top),
        cell(r.tied_top),
        ...sweepCells(r.sweep),
      ];
  },
};

export const MESSAGES: DetailFile = {
  name: 'messages.csv',
  columns: (keys) => [...MESSAGES_COLUMNS, ...keys],
  *rows(result) {
    for (const r of result.messages)
      yield [
        cell(r.replicate),
        r.design,
        r.adversary,
        r.attack,
        cell(r.message),
        cell(r.sender),
        cell(r.recipient),
        cell(r.sent_ms),
        cell(r.delivered_ms),
        cell(r.true_rank),
        cell(r.candidates),
        cell(r.entropy_bits),
        ...sweepCells(r.sweep),
      ];
  },
};

export const ROC: DetailFile = {
  name: 'roc.csv',
  columns: (keys) => [...VIEW, ...keys, ...ROC_COLUMNS],
  *rows(result) {
    for (const r of result.roc) {
      const head = viewCells(r);
      for (let k = 0; k < r.fpr.length; k++) yield [...head, cell(r.fpr[k]), cell(r.tpr[k]), cell(r.threshold[k])];
    }
  },
};

export const DISTRIBUTIONS: DetailFile = {
  name: 'distributions.csv',
  columns: (keys) => [...VIEW, ...keys, ...DISTRIBUTION_COLUMNS],
  *rows(result) {
    for (const r of result.distributions) yield [...viewCells(r), r.metric, cell(r.deliveries), ...r.q.map(cell)];
  },
};

export const CORRELATION: DetailFile = {
  name: 'correlation.csv',
  columns: (keys) => [...VIEW, ...keys, ...CORRELATION_COLUMNS],
  *rows(result) {
    for (const r of result.correlation) {
      const head = [
        ...viewCells(r),
        cell(r.sample),
        cell(r.recipient),
        cell(r.sender),
        r.wrong >= 0 ? cell(r.wrong) : '',
        cell(r.windowNs / NS_PER_S),
        cell(r.shiftNs / NS_PER_S),
        cell(r.windows),
        cell(r.rSender),
        cell(r.rWrong),
      ];
      // A sample the adversary saw nothing of still has its row (empty window and counts).
      if (r.window.length === 0) yield [...head, '', '', '', '', ''];
      for (let k = 0; k < r.window.length; k++)
        yield [
          ...head,
          cell(r.window[k]),
          cell((r.window[k] * r.windowNs) / NS_PER_S),
          cell(r.recipientCount[k]),
          cell(r.senderCount[k]),
          r.wrong >= 0 ? cell(r.wrongCount[k]) : '',
        ];
    }
  },
};

export const CANDIDATES: DetailFile = {
  name: 'candidates.csv',
  columns: (keys) => [...VIEW, ...keys, ...CANDIDATE_COLUMNS],
  *rows(result) {
    for (const r of result.candidates) {
      const head = [
        ...viewCells(r),
        cell(r.sample),
        cell(r.message),
        cell(r.recipient),
        cell(r.sender),
        cell(r.anchorNs / NS_PER_MS),
        cell(r.spanNs / NS_PER_S),
        cell(r.otherMass),
        cell(r.otherUsers),
      ];
      for (const c of r.candidates) {
        const who = [cell(c.user), cell(c.posterior), cell(c.isTrue)];
        // A candidate without a send in the span still has its row (empty send columns).
        if (c.before.length === 0) yield [...head, ...who, '', ''];
        for (let k = 0; k < c.before.length; k++)
          yield [...head, ...who, cell(c.before[k] / NS_PER_MS), cell(c.density[k] * NS_PER_S)];
      }
    }
  },
};

/** Every detail file but messages.csv (written only with --messages), in writing order. */
export const DETAIL_FILES: readonly DetailFile[] = [PAIRS, TTFD, ROC, DISTRIBUTIONS, CORRELATION, CANDIDATES];
