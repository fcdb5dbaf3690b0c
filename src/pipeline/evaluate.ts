/**
 * Bridges attacks and metrics for the pipeline: one AttackResult becomes the metric columns of
 * summary.csv, the ttfd and messages rows, the top pairs for pairs.csv, the ROC for roc.csv, the
 * per-delivery quantiles for distributions.csv and, when asked, the sampled series of the
 * correlation figures (samples.ts).
 */
import type { AttackInput, AttackResult, Targets } from '../attacks/attack.js';
import {
  type AttackMetrics,
  DISTRIBUTION_METRICS,
  evaluate,
  quantiles,
  type RocCurve,
  topPairs,
} from '../metrics/index.js';
import type { GroundTruth } from '../net/truth.js';
import { computeSamples, type Samples, type SampleTruth, sampleTruth } from './samples.js';
import type { DistributionRow, MessageRow, PairRow, TtfdRow, ViewTag } from './types.js';

type Untagged<T> = Omit<T, keyof ViewTag>;

export interface Evaluation {
  metrics: AttackMetrics;
  ttfd: Untagged<TtfdRow>[];
  /** messages.csv rows; empty unless asked for (`keep.messages`). */
  messages: Untagged<MessageRow>[];
  /** The `keep.pairs` best pairs (pairs.csv), taken at once so the attack's result can be freed. */
  pairs: Omit<PairRow, 'design' | 'adversary' | 'attack' | 'cell' | 'sweep'>[];
  roc: RocCurve | null;
  distributions: Untagged<DistributionRow>[];
  /** Sampled series for the correlation figures; null when not asked for. */
  samples: Samples | null;
  /** Targets each work cap cut (AttackResult.caps); empty when none bound. */
  caps: Record<string, number>;
}

/** What the figures' samples need of the attacked view (every field is the attack's own input). */
export type SampleView = Pick<AttackInput, 'users' | 'obs' | 'hostIp' | 'duration' | 'params' | 'endToEnd' | 'targets'>;

/**
 * What an evaluation keeps besides the metrics: messages.csv rows, how many top pairs, and the
 * view for the figures' samples. Nothing of `result` is kept beyond these, so a job that caches
 * its evaluations holds rows, not every attack's per-target lists and pair scores (at 10^4 users
 * those are hundreds of MB per windowed evaluation).
 */
export interface Keep {
  messages: boolean;
  pairs: number;
  sampleView: SampleView | null;
}

/**
 * What every evaluation of one run and warm-up reads of ground truth, built once per `scored`
 * array (the job passes one array per warm-up): the targets' true senders and messages, and the
 * samples' pairs. Read only.
 */
interface ScoredTruth {
  /** The ground truth `scored` indexes (a cached entry serves no other). */
  truth: GroundTruth;
  sender: Int32Array;
  message: Int32Array;
  samples: SampleTruth | null;
}
const scoredTruth = new WeakMap<Int32Array, ScoredTruth>();

function truthOf(truth: GroundTruth, scored: Int32Array): ScoredTruth {
  let t = scoredTruth.get(scored);
  if (t?.truth !== truth) {
    const sender = new Int32Array(scored.length);
    for (let i = 0; i < scored.length; i++) sender[i] = truth.sender[scored[i]];
    const message = new Int32Array(scored.length);
    for (let i = 0; i < scored.length; i++) message[i] = truth.msg[scored[i]];
    t = { truth, sender, message, samples: null };
    scoredTruth.set(scored, t);
  }
  return t;
}

export function evaluateAttack(
  result: AttackResult,
  targets: Targets,
  truth: GroundTruth,
  scored: Int32Array,
  users: number,
  keep: Keep = { messages: false, pairs: 0, sampleView: null },
): Evaluation {
  const shared = truthOf(truth, scored);
  const { sender, message } = shared;
  const e = evaluate(result, targets, sender, users);
  const { trueRank, candidates, entropyBits } = e.perTarget;
  const perDelivery: Record<(typeof DISTRIBUTION_METRICS)[number], ArrayLike<number>> = {
    entropy_bits: entropyBits,
    anonymity_set: entropyBits.map((h) => 2 ** h),
    candidates,
    true_rank: trueRank,
  };
  let samples: Samples | null = null;
  if (keep.sampleView) {
    // From ground truth, so the entry holds for any view: every view's targets are the scored
    // deliveries, recipient[i] = truth.recipient[scored[i]] and tDeliver likewise (targets.ts).
    shared.samples ??= sampleTruth(
      sender,
      Int32Array.from(scored, (d) => truth.recipient[d]),
      Float64Array.from(scored, (d) => truth.tDeliver[d]),
      users,
    );
    samples = computeSamples(keep.sampleView, result, sender, message, shared.samples);
  }
  return {
    metrics: e.metrics,
    ttfd: e.ttfd,
    messages: !keep.messages
      ? []
      : Array.from(scored, (d, i) => ({
          message: truth.msg[d],
          sender: sender[i],
          recipient: truth.recipient[d],
          sent_ms: truth.tSend[d] / 1e6,
          delivered_ms: truth.tDeliver[d] / 1e6,
          true_rank: trueRank[i],
          candidates: candidates[i],
          entropy_bits: entropyBits[i],
        })),
    pairs: keep.pairs > 0 ? topPairs(result, targets, sender, users, keep.pairs) : [],
    roc: e.roc,
    distributions: DISTRIBUTION_METRICS.map((metric) => ({
      metric,
      deliveries: scored.length,
      q: quantiles(perDelivery[metric]),
    })),
    samples,
    caps: result.caps ?? {},
  };
}
