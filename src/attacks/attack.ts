/**
 * The one interface every attack implements. An attack reads only an adversary's
 * `ObservedLog` (never ground truth) plus the delay model the adversary is assumed to know,
 * and scores candidate senders for each target delivery and candidate (sender, recipient) pairs.
 */
import type { Background } from '../adversary/background.js';
import type { DelayModel, PayloadSizes, SizeModel, Targets } from '../adversary/knowledge.js';
import type { ObservedLog } from '../adversary/view.js';
import type { ParamSpec } from '../params/spec.js';

// What the adversary knows besides its view (targets, delay and size laws) lives with the
// adversary; re-exported here because every attack reads it.
export {
  type DelayModel,
  dwellKind,
  type PayloadSizes,
  type SizeModel,
  type Targets,
} from '../adversary/knowledge.js';

export interface AttackInput {
  users: number;
  obs: ObservedLog;
  /** Network address of each host; users behind one NAT share it. */
  hostIp: Int32Array;
  /** Users at each ip, CSR: ipUsers[ipStart[ip] .. ipStart[ip+1]). */
  ipStart: Int32Array;
  ipUsers: Int32Array;
  targets: Targets;
  /** Delay from a payload leaving its sender's device to the adversary's anchor sighting. */
  endToEnd: DelayModel;
  /**
   * Delay from a payload leaving its sender's device to the row where the view's exact chain
   * back from the anchor breaks (the first row, going back, whose cause the view cannot name),
   * both as the view sees them; optional (timing `fallback: break` only).
   */
  fromBreak?: DelayModel;
  /** Time a payload dwells at a party: tTx of the forwarded row minus tRx of the incoming row. */
  dwell: DelayModel;
  /**
   * Dwell per kind of forward (optional: timing `dwell: per-kind` only): `models[dwellKind(role[h],
   * to is a user device)]` for a row forwarded by host h. Both features are public: a party's role
   * and whether the row goes to a device or to another party.
   */
  dwellByKind?: { role: Uint8Array; models: readonly DelayModel[] };
  /**
   * Where the causes of each kind of forward come from (optional; `causeClassLaw` in
   * src/adversary/targets.ts): for a row forwarded by host h, `p[2·dwellKind(role[h], to is a
   * device) + (cause came from a device ? 1 : 0)]`. Read by the timing attack's protocol-aware
   * observer.
   */
  causeClasses?: { role: Uint8Array; p: Float64Array };
  /** Size change from a party's incoming row to the row it forwards (optional: size-reading attacks only). */
  hopSizes?: SizeModel;
  /** Size change from the sender's departure row to the anchor row (optional, as hopSizes). */
  endToEndSizes?: SizeModel;
  /**
   * The view's background traffic (periodic flows) as descriptors, expanded only in the windows
   * an attack reads (src/adversary/background.ts); absent = none seen.
   */
  background?: Background;
  /**
   * Sizes of the rows that carry a payload off the sender's device (`departure`) and onto the
   * recipient's (`arrival`), as the adversary measures them with its own traffic (optional: the
   * windowed attacks' protocol-aware observer, src/attacks/wire-rows.ts). Here `SizeModel` is a law
   * of sizes, not of changes.
   */
  payloadSizes?: PayloadSizes;
  duration: number;
  params: Record<string, number | string | boolean>;
}

/**
 * Sparse scores per target: target i scores cand[k] with score[k] for k in
 * offsets[i] .. offsets[i+1]; every user not listed scores base[i]. Scores are ≥ 0 and are
 * normalised into a posterior by the metrics. All-equal scores mean "no information".
 */
export interface Scores {
  offsets: Int32Array;
  cand: Int32Array;
  score: Float64Array;
  base: Float64Array;
}

export interface AttackResult {
  perTarget: Scores;
  /**
   * For time-to-first-deanonymisation: the unique top-ranked candidate for each target when
   * ranked only with what the adversary had observed up to that delivery; -1 on a tie or none.
   */
  causalTop: Int32Array;
  /**
   * Optional, for the tie-aware time to first deanonymisation: for each target whose causal top
   * is a tie of at most MAX_CAUSAL_TIE candidates (e.g. users behind one NAT), those candidates in
   * CSR form, cand[offsets[i] .. offsets[i+1]), ascending; no entries for a unique top, no
   * candidate, or a wider tie. Attacks that do not fill it count such ties as unidentified.
   */
  causalTie?: { offsets: Int32Array; cand: Int32Array };
  /** Pair scores (sender, recipient); pairs not listed score 0. No duplicates. */
  pairs: { sender: Int32Array; recipient: Int32Array; score: Float64Array };
  /**
   * Optional: the work caps that bound this run, by name (e.g. timing's `scan`, `beam`,
   * `budget`, `depth`), each with the number of targets whose posterior it cut by more than
   * CAP_MASS of its mass (an upper bound on what the rows or hypotheses it left out could have
   * weighed). Only caps that bound at least once are listed; reported in manifest.json.
   */
  caps?: Record<string, number>;
}

/** Widest causal tie an attack records in AttackResult.causalTie (1/16 is where a tie stops naming anyone). */
export const MAX_CAUSAL_TIE = 16;

/** Posterior mass a work cap may leave out of a target before the target counts as capped. */
export const CAP_MASS = 1e-3;

/**
 * What an attack needs from the pipeline beyond its view and the laws every attack may read
 * (lazily) in `AttackInput`. The pipeline provides exactly this and never reads attack parameters.
 */
export interface AttackNeeds {
  /**
   * Where the delay and size laws come from: the run under attack ('run', in-sample), or an
   * independent simulation of the same design and adversary with the replicate's `calibration`
   * streams ('independent-run', out-of-sample; costs a second simulation).
   */
  laws: 'run' | 'independent-run';
}

/** The needs of an attack that declares none: laws learnt on the run under attack. */
export const NO_NEEDS: AttackNeeds = { laws: 'run' };

export interface AttackModule {
  id: string;
  summary: string;
  params: readonly ParamSpec[];
  /** What the attack needs for these parameters (absent: NO_NEEDS). */
  needs?(params: AttackInput['params']): AttackNeeds;
  run(input: AttackInput): AttackResult;
}

/** The needs of `attack` for `params`. */
export function attackNeeds(attack: AttackModule, params: AttackInput['params']): AttackNeeds {
  return attack.needs?.(params) ?? NO_NEEDS;
}
