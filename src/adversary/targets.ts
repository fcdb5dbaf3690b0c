/**
 * Turns ground-truth deliveries into the questions put to an adversary (Targets) and measures
 * the delay models it is assumed to know. This is the only adversary-side module that reads
 * ground truth; it passes on observed row indices and population statistics only.
 */
import { type DelayModel, dwellKind, type SizeModel, type Targets } from '../attacks/attack.js';
import type { ObservationLog } from '../net/log.js';
import type { GroundTruth } from '../net/truth.js';
import { histogramModel } from './delay-model.js';
import type { ObservedLog } from './view.js';

/** Indices of ground-truth deliveries that are scored: delivered at or after `warmup`. */
export function scoredDeliveries(truth: GroundTruth, warmup: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth.tDeliver[i] >= warmup) out.push(i);
  return Int32Array.from(out);
}

/** Log row → observed row (−1 where the view does not see it), from observed row → log row. */
function inverse(rowOf: Int32Array, logLength: number): Int32Array {
  const obsOf = new Int32Array(logLength).fill(-1);
  for (let j = 0; j < rowOf.length; j++) obsOf[rowOf[j]] = j;
  return obsOf;
}

/** The origin row of a payload: follow `prev` to the hop that left the sender's device. */
export function originRow(log: ObservationLog, row: number): number {
  let r = row;
  while (log.prev[r] >= 0) r = log.prev[r];
  return r;
}

export function buildTargets(
  log: ObservationLog,
  truth: GroundTruth,
  scored: Int32Array,
  obs: ObservedLog,
  obsOf: Int32Array,
): Targets {
  const n = scored.length;
  const anchor = new Int32Array(n).fill(-1);
  const recipient = new Int32Array(n);
  const tDeliver = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const d = scored[k];
    const r = truth.recipient[d];
    recipient[k] = r;
    tDeliver[k] = truth.tDeliver[d];
    for (let row = truth.finalRow[d]; row >= 0; row = log.prev[row]) {
      const j = obsOf[row];
      if (j >= 0 && (obs.to[j] === r || obs.rAcct[j] === r)) {
        anchor[k] = j;
        break;
      }
    }
  }
  return { count: n, anchor, recipient, tDeliver };
}

/** Time at which the adversary saw the anchor row: arrival if it sees that end, else departure. */
export function anchorTime(obs: ObservedLog, j: number): number {
  return obs.tRx[j];
}

/**
 * Delay from the sender's departure, as this view sees that departure row (a receiving-only
 * party sees it at its arrival), to the anchor sighting, over the view's anchored targets whose
 * departure it observed; the model is only ever applied to departures the view sees.
 * NOTE: on the attacked run this is in-sample (each delivery's own delay is in its histogram), a
 * bias in the adversary's favour at low sample counts; timing `calibration: independent-run`
 * builds it on a second simulation instead (docs/attacks.md), as the validation tests do.
 */
export function endToEndModel(
  log: ObservationLog,
  obs: ObservedLog,
  rowOf: Int32Array,
  targets: Targets,
  obsOf = inverse(rowOf, log.length),
): DelayModel {
  const samples: number[] = [];
  forSeenDepartures(log, rowOf, obsOf, targets, (j, jo) => samples.push(anchorTime(obs, j) - obs.tTx[jo]));
  return histogramModel(samples);
}

/** `f(j, jo)` for each anchored target whose departure row the view sees: anchor j, departure jo (observed rows). */
function forSeenDepartures(
  log: ObservationLog,
  rowOf: Int32Array,
  obsOf: Int32Array,
  targets: Targets,
  f: (j: number, jo: number) => void,
): void {
  for (let k = 0; k < targets.count; k++) {
    const j = targets.anchor[k];
    if (j < 0) continue;
    const jo = obsOf[originRow(log, rowOf[j])];
    if (jo >= 0) f(j, jo);
  }
}

/**
 * Dwell time per kind of forward (dwellKind): relaying to the next party, answering a device's
 * poll from storage and pushing to an online device are different laws, which one pooled model
 * mixes into a window as wide as the slowest.
 */
export function dwellKindModels(log: ObservationLog, users: number, role: ArrayLike<number>): DelayModel[] {
  const samples: number[][] = [];
  for (let i = 0; i < log.length; i++) {
    const p = log.prev[i];
    if (p < 0 || log.from[i] < users) continue;
    const k = dwellKind(role[log.from[i]], log.to[i] < users);
    (samples[k] ??= []).push(log.tTx[i] - log.tRx[p]);
  }
  return Array.from(samples, (s) => histogramModel(s ?? []));
}

/**
 * Delay from the sender's departure to the break row, as the view sees both: going back from
 * the anchor along causes the view knows exactly (`obs.prev`), the first row whose cause it does
 * not know. Over the view's anchored targets whose departure it observed and whose chain breaks
 * (a chain known back to the device needs no fallback).
 */
export function breakModel(
  log: ObservationLog,
  obs: ObservedLog,
  rowOf: Int32Array,
  obsOf: Int32Array,
  targets: Targets,
  users: number,
): DelayModel {
  const samples: number[] = [];
  forSeenDepartures(log, rowOf, obsOf, targets, (j, jo) => {
    let b = j;
    for (let p = obs.prev[b]; p >= 0 && p < b; p = obs.prev[b]) b = p;
    if (obs.from[b] >= users) samples.push(obs.tTx[b] - obs.tTx[jo]);
  });
  return histogramModel(samples);
}

/** Dwell time at infrastructure parties (tTx of a forwarded row − tRx of its cause), all rows. */
export function dwellModel(log: ObservationLog, users: number): DelayModel {
  return histogramModel(forwarded(log, users, (row, cause) => log.tTx[row] - log.tRx[cause]));
}

/** `f(row, cause)` for every row an infrastructure party forwarded (its `prev` is the row that brought the payload). */
function forwarded(log: ObservationLog, users: number, f: (row: number, cause: number) => number): Float64Array {
  // Counted first so the samples take one exact-size typed array (10^7–10^8 rows at 10^5 users).
  let n = 0;
  for (let i = 0; i < log.length; i++) if (log.prev[i] >= 0 && log.from[i] >= users) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < log.length; i++) {
    const p = log.prev[i];
    if (p >= 0 && log.from[i] >= users) out[k++] = f(i, p);
  }
  return out;
}

/**
 * An empirical size-change law: the frequency of each observed change, and half a sample's worth
 * for a change never seen (a rare framing the calibration missed must stay possible).
 */
export function sizeModel(samples: ArrayLike<number>): SizeModel {
  const n = samples.length;
  if (n === 0) return { p: () => 1, samples: 0 };
  const count = new Map<number, number>();
  for (let i = 0; i < n; i++) count.set(samples[i], (count.get(samples[i]) ?? 0) + 1);
  const floor = 0.5 / n;
  return { p: (d) => (count.get(d) ?? 0) / n || floor, samples: n };
}

/** Size change at infrastructure parties (bytes of a forwarded row − bytes of its cause), all rows. */
export function hopSizeModel(log: ObservationLog, users: number): SizeModel {
  return sizeModel(forwarded(log, users, (row, cause) => log.bytes[row] - log.bytes[cause]));
}

/** Size change from the sender's departure row to the anchor row, over the view's anchored targets (as endToEndModel). */
export function endToEndSizeModel(
  log: ObservationLog,
  obs: ObservedLog,
  rowOf: Int32Array,
  targets: Targets,
): SizeModel {
  const samples: number[] = [];
  for (let k = 0; k < targets.count; k++) {
    const j = targets.anchor[k];
    if (j < 0) continue;
    const origin = originRow(log, rowOf[j]);
    samples.push(obs.bytes[j] - log.bytes[origin]);
  }
  return sizeModel(samples);
}
