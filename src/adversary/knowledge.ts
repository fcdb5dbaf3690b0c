/**
 * What an adversary knows besides the rows of its view: the deliveries it is asked about
 * (`Targets`, built by targets.ts) and the delay and size laws it measured with its own test
 * traffic (delay-model.ts, targets.ts). Attacks read these through `AttackInput`; the pipeline
 * builds them; neither side defines them, so attacks depend on adversary and never the reverse.
 */

/**
 * The deliveries the adversary is asked about: "who sent what `recipient` received at
 * `tDeliver`?". Its anchors are the observed rows where the adversary
 * saw this payload and can tell it concerns the recipient: the hop into the recipient's device,
 * a row on which it reads the recipient's account, or a copy of the same payload it can join to
 * the delivery by the payload's identity (`buildTargets`, src/adversary/targets.ts); a copy may be
 * sighted after the delivery. `anchor` is the primary one (the latest sighting whose exact chain
 * reaches a device, else the earliest); -1 when the adversary saw none of it.
 */
export interface Targets {
  count: number;
  anchor: Int32Array;
  recipient: Int32Array;
  tDeliver: Float64Array;
  /**
   * Every anchor of target i: anchors[anchorStart[i] .. anchorStart[i+1]), the primary first.
   * Absent (hand-built targets) ⇒ the primary is the only anchor.
   */
  anchorStart?: Int32Array;
  anchors?: Int32Array;
  /**
   * The primary anchor among those sighted by `tDeliver` (what `causalTop` may use; −1: none).
   * Absent ⇒ `anchor`, which is then sighted by the delivery time.
   */
  causalAnchor?: Int32Array;
}

/** An empirical density the adversary knows (measured with its own test traffic). */
export interface DelayModel {
  /** Density at x (ns⁻¹); 0 outside [lo, hi]. */
  pdf(x: number): number;
  lo: number;
  hi: number;
  /** Number of samples it was estimated from (0 = no model). */
  samples: number;
  /** The largest density at delays in [a, b] (optional; absent ⇒ unknown, any cut may matter). */
  maxOver?(a: number, b: number): number;
  /**
   * Optional, for speed: out[o − k] = pdf(t − times[k]) for k in [a, b), `times` ascending (so the
   * delays descend), bit for bit what `pdf` gives.
   */
  pdfRun?(t: number, times: Float64Array, a: number, b: number, out: Float64Array, o: number): void;
}

/**
 * The law of size changes along a payload's path (bytes of a row minus bytes of the row that
 * caused it), as the adversary measures it with its own traffic: a party that re-frames a payload
 * (a homeserver wrapping an event into a federation PDU) changes its size by a fixed amount.
 */
export interface SizeModel {
  /** Probability of a change of d bytes; never 0 (an unseen change keeps a floor). */
  p(d: number): number;
  /**
   * Whether d was ever measured (true for every d without a model): what a protocol-aware observer
   * counts as possible at all, where `p` only weighs (src/attacks/wire-rows.ts).
   */
  seen(d: number): boolean;
  /** The largest `p` (1 without a model): what a size weight can be at most, for the work caps' bounds. */
  max: number;
  /** Number of samples it was estimated from (0 = no model). */
  samples: number;
}

/** The size laws of payload rows at user devices (AttackInput.payloadSizes). */
export interface PayloadSizes {
  departure: SizeModel;
  arrival: SizeModel;
}

/** Index of a kind of forward in `AttackInput.dwellByKind.models`: the forwarding party's role, and whether the row goes to a device. */
export function dwellKind(role: number, toDevice: boolean): number {
  return 2 * role + (toDevice ? 1 : 0);
}
