/**
 * Turns ground-truth deliveries into the questions put to an adversary (Targets) and measures
 * the delay models it is assumed to know. This is the only adversary-side module that reads
 * ground truth; it passes on observed row indices and population statistics only.
 */
import { Kind, type ObservationLog } from '../net/log.js';
import type { GroundTruth } from '../net/truth.js';
import { histogramModel } from './delay-model.js';
import { type DelayModel, dwellKind, type PayloadSizes, type SizeModel, type Targets } from './knowledge.js';
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

/** What buildTargets needs to know about the view and the design beyond the logs. */
export interface AnchorOptions {
  /** Observed row → log row (derived from `obsOf` when absent). */
  rowOf?: Int32Array;
  /**
   * A party that reads a group payload's object id (a Matrix room, a Signal multi-recipient set)
   * also reads every member it goes to (room state, the upload's recipient list): it can tell
   * that its copy concerns each member. False where the object id names no members (Session's
   * group account, SimpleX queues). From `BuiltDesign.groupMembersReadable`.
   */
  groupMembersReadable?: boolean;
}

/**
 * Log kinds whose rows carry the message's payload itself (its ciphertext, hence its identity:
 * a Matrix event id, the hash a Session swarm stores it under). A receipt, typing notice, sync
 * copy or push about the message is another payload and cannot be joined to it by identity.
 */
const PAYLOAD = new Uint8Array(256);
PAYLOAD[Kind.message] = 1;
PAYLOAD[Kind.replicate] = 1;
PAYLOAD[Kind.fetch] = 1;

/**
 * The questions put to the adversary, one per scored delivery d (message m to recipient R), and
 * the rows where it saw that payload and can tell it concerns R (its anchors):
 * - on the delivered copy's own chain (ground truth `prev` from `finalRow`): rows into R's device
 *   (any observer of that link) and rows on which it reads R's account;
 * - any other copy of m it reads identifiers on, joined by the payload's identity (Matrix event
 *   id, Session message hash): a copy on which it reads R's account (Session replicas naming R,
 *   a federation transaction to R's homeserver), and — where the design says object ids name
 *   their members (`groupMembersReadable`) — a copy of a group payload whose object id (room) it
 *   reads (fan-out to a third member's homeserver).
 * A copy may be sighted after the delivery (a federation transaction reaching a third
 * homeserver after R's own /sync): it counts for the scores, not for the causal top, which
 * attacks take from `causalAnchor` and the anchors seen by the delivery time. The primary
 * anchor (`anchor`) is the sighting that tells most: one whose exact chain (the view's own
 * `prev`) reaches the sender's device — the latest such, which answers as exactly as any and
 * keeps the end-to-end law about the delivery (flow and disclosure read it as the delivery
 * delay) — else the earliest sighting (the closest to the send, so the narrowest end-to-end
 * law); ties by row. All anchors are listed in `anchors` (primary first, then by sighting time);
 * `causalAnchor` is the same choice among the sightings made by the delivery time (−1: none).
 */
export function buildTargets(
  log: ObservationLog,
  truth: GroundTruth,
  scored: Int32Array,
  obs: ObservedLog,
  obsOf: Int32Array,
  opts: AnchorOptions = {},
): Targets {
  const n = scored.length;
  const anchor = new Int32Array(n).fill(-1);
  const causalAnchor = new Int32Array(n).fill(-1);
  const anchorStart = new Int32Array(n + 1);
  const recipient = new Int32Array(n);
  const tDeliver = new Float64Array(n);
  const copies = payloadCopies(log, obs, opts.rowOf ?? rowsOf(obsOf, obs.length));
  // Host ids below `users` are devices; every scored sender is a device, which is all exactness needs.
  let users = 0;
  for (let k = 0; k < n; k++) users = Math.max(users, truth.sender[scored[k]] + 1, truth.recipient[scored[k]] + 1);
  const list: number[] = [];
  const all: number[] = [];
  for (let k = 0; k < n; k++) {
    const d = scored[k];
    const r = truth.recipient[d];
    const t = truth.tDeliver[d];
    recipient[k] = r;
    tDeliver[k] = t;
    list.length = 0;
    for (let row = truth.finalRow[d]; row >= 0; row = log.prev[row]) {
      const j = obsOf[row];
      if (j >= 0 && (obs.to[j] === r || obs.rAcct[j] === r)) list.push(j);
    }
    const m = truth.msg[d];
    if (copies && m >= 0 && m + 1 < copies.start.length) {
      const group = truth.group[d] >= 0 && opts.groupMembersReadable === true;
      for (let c = copies.start[m]; c < copies.start[m + 1]; c++) {
        const j = copies.rows[c];
        if ((obs.rAcct[j] === r || (group && obs.obj[j] >= 0)) && !list.includes(j)) list.push(j);
      }
    }
    list.sort((a, b) => obs.tRx[a] - obs.tRx[b] || a - b);
    const primary = primaryOf(obs, list, list.length, users);
    anchor[k] = primary;
    let seenBy = 0;
    while (seenBy < list.length && obs.tRx[list[seenBy]] <= t) seenBy++;
    causalAnchor[k] = seenBy === list.length ? primary : primaryOf(obs, list, seenBy, users);
    if (primary >= 0) all.push(primary);
    for (const j of list) if (j !== primary) all.push(j);
    anchorStart[k + 1] = all.length;
  }
  return { count: n, anchor, recipient, tDeliver, anchorStart, anchors: Int32Array.from(all), causalAnchor };
}

/**
 * The sighting among list[0 .. n) (sorted by sighting time) that tells most: the latest whose
 * exact chain reaches a device, else the earliest; -1 when n = 0.
 */
function primaryOf(obs: ObservedLog, list: number[], n: number, users: number): number {
  for (let x = n - 1; x >= 0; x--) if (exactToDevice(obs, list[x], users)) return list[x];
  return n > 0 ? list[0] : -1;
}

/** True when the view's exact chain back from observed row j (its own `prev`) reaches a row leaving a device. */
function exactToDevice(obs: ObservedLog, j: number, users: number): boolean {
  let b = j;
  for (let p = obs.prev[b]; p >= 0 && p < b; p = obs.prev[b]) b = p;
  return obs.from[b] < users;
}

/** Observed row → log row, from log row → observed row. */
function rowsOf(obsOf: Int32Array, length: number): Int32Array {
  const rowOf = new Int32Array(length);
  for (let i = 0; i < obsOf.length; i++) if (obsOf[i] >= 0) rowOf[obsOf[i]] = i;
  return rowOf;
}

/**
 * Observed payload rows on which the view reads an identifier (account or object id), grouped
 * by message (CSR over message ids); null when there are none (a pure link observer reads no
 * identifier). These are the copies the view can join to a delivery by the payload's identity.
 */
function payloadCopies(
  log: ObservationLog,
  obs: ObservedLog,
  rowOf: Int32Array,
): { start: Int32Array; rows: Int32Array } | null {
  let count = 0;
  let maxMsg = -1;
  const readable = (j: number): number => {
    if (obs.rAcct[j] < 0 && obs.obj[j] < 0) return -1;
    const i = rowOf[j];
    return PAYLOAD[log.kind[i]] === 1 ? log.msg[i] : -1;
  };
  for (let j = 0; j < obs.length; j++) {
    const m = readable(j);
    if (m < 0) continue;
    count++;
    if (m > maxMsg) maxMsg = m;
  }
  if (count === 0) return null;
  const start = new Int32Array(maxMsg + 2);
  for (let j = 0; j < obs.length; j++) {
    const m = readable(j);
    if (m >= 0) start[m + 1]++;
  }
  for (let m = 0; m <= maxMsg; m++) start[m + 1] += start[m];
  const fill = start.slice(0, maxMsg + 1);
  const rows = new Int32Array(count);
  for (let j = 0; j < obs.length; j++) {
    const m = readable(j);
    if (m >= 0) rows[fill[m]++] = j;
  }
  return { start, rows };
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
 * Where the causes of each kind of forward (dwellKind) come from: `p[2·kind + 1]` = the share of
 * forwards of that kind whose cause arrived from a device, `p[2·kind]` from another party, with
 * half a sample's worth for a class never seen (like the size law). Both ends are public: which
 * party forwards, whether the row goes to a device, and whether the incoming row came from one.
 * A protocol-aware observer learns this from the protocol's own traffic, e.g. that a provider
 * hands a device only what came from a mix, never another device's upload.
 */
export function causeClassLaw(log: ObservationLog, users: number, role: ArrayLike<number>): Float64Array {
  const counts: number[] = [];
  for (let i = 0; i < log.length; i++) {
    const p = log.prev[i];
    if (p < 0 || log.from[i] < users) continue;
    const k = 2 * dwellKind(role[log.from[i]], log.to[i] < users) + (log.from[p] < users ? 1 : 0);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const p = new Float64Array(counts.length + (counts.length % 2));
  for (let k = 0; k < p.length; k += 2) {
    const n = (counts[k] ?? 0) + (counts[k + 1] ?? 0);
    if (n === 0) {
      p[k] = 1;
      p[k + 1] = 1;
      continue;
    }
    p[k] = (counts[k] ?? 0) / n || 0.5 / n;
    p[k + 1] = (counts[k + 1] ?? 0) / n || 0.5 / n;
  }
  return p;
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
  if (n === 0) return { p: () => 1, seen: () => true, max: 1, samples: 0 };
  const count = new Map<number, number>();
  for (let i = 0; i < n; i++) count.set(samples[i], (count.get(samples[i]) ?? 0) + 1);
  const floor = 0.5 / n;
  let most = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const [d, c] of count) {
    most = Math.max(most, c);
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  const p = (d: number) => (count.get(d) ?? 0) / n || floor;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && hi - lo < DENSE_SIZES)) {
    return { p, seen: (d) => count.has(d), max: most / n, samples: n };
  }
  // The same values as `p` in a table over the measured range: the timing attack weighs every
  // candidate by one, and a Map lookup per candidate was a tenth of its cost at 10^4 users.
  const table = new Float64Array(hi - lo + 1);
  for (let i = 0; i < table.length; i++) table[i] = p(lo + i);
  return {
    // (i >>> 0) === i: i is an integer ≥ 0 (−0 reads index 0, as the Map reads −0 as 0).
    p: (d) => {
      const i = d - lo;
      return i >>> 0 === i && i < table.length ? table[i] : floor;
    },
    seen: (d) => count.has(d),
    max: most / n,
    samples: n,
  };
}

/** Size laws whose measured changes span fewer bytes than this are read from a table (`sizeModel`). */
const DENSE_SIZES = 1 << 17;

/**
 * Sizes of payload rows at user devices, over every delivery of the world (the adversary's own
 * test traffic: it knows the protocol's framing and padding, not this run's messages): the row that
 * left the sender's device (`departure`) and the row that handed the payload to the recipient's
 * device (`arrival`). Acks, receipts, polls, keepalives and pushes have sizes of their own unless
 * padding hides them (SimpleX pads every block to 16 KiB).
 */
export function payloadSizeLaws(log: ObservationLog, truth: GroundTruth): PayloadSizes {
  const departure = new Int32Array(truth.length);
  const arrival = new Int32Array(truth.length);
  for (let d = 0; d < truth.length; d++) {
    const row = truth.finalRow[d];
    arrival[d] = log.bytes[row];
    departure[d] = log.bytes[originRow(log, row)];
  }
  return { departure: sizeModel(departure), arrival: sizeModel(arrival) };
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
