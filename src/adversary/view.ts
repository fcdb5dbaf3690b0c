/**
 * Adversary views: what one adversary observes of a design's run, as a filtered copy of the
 * observation log. Attacks receive only an `ObservedLog` and so cannot read ground truth.
 *
 * - A party holding host h sees every row with from = h or to = h: times, hosts, size; the
 *   identifiers its side of the hop can read (see `idVis`); and, for rows it sent, which row it
 *   received that caused them (`prev`), since it processed that payload itself.
 * - A global passive adversary sees every row's times, hosts and size, and no identifiers
 *   (every link is encrypted) and no `prev` (it must infer forwarding from timing).
 * - Times: a party that holds only the receiving end knows when the row arrived, not when it
 *   left, so its `tTx` is set to `tRx`; a party holding only the sending end has `tRx = tTx`.
 *   A global observer sees both ends of the link.
 */
import { type ObservationLog, VIS_RX, VIS_TX } from '../net/log.js';
import type { AdversarySpec } from './registry.js';

export interface View {
  name: string;
  kind: AdversarySpec['kind'];
  /** 1 for every host the adversary holds. */
  held: Uint8Array;
  global: boolean;
}

/** The rows one view sees. Index space is the view's own (0..length-1), in log order. */
export interface ObservedLog {
  length: number;
  tTx: Float64Array;
  tRx: Float64Array;
  from: Int32Array;
  to: Int32Array;
  bytes: Int32Array;
  /** Observed index of the row that caused this one at `from`, when the adversary holds `from`; else -1. */
  prev: Int32Array;
  sAcct: Int32Array;
  rAcct: Int32Array;
  obj: Int32Array;
  /** 1 when the adversary holds `from` (it can link this row to its cause). */
  heldFrom: Uint8Array;
  /** 1 when the adversary holds `to`. */
  heldTo: Uint8Array;
}

/**
 * Filters `log` through `view`; also returns the map from observed index to log row. The arrays
 * are read-only for their users: a pure link observer's view shares the log's own columns.
 */
export function observe(log: ObservationLog, view: View): { obs: ObservedLog; rowOf: Int32Array; obsOf: Int32Array } {
  if (view.global && view.kind !== 'none' && !view.held.includes(1)) return observeLinks(log);
  const n = log.length;
  const obsOf = new Int32Array(n).fill(-1);
  let m = 0;
  if (view.kind !== 'none') {
    for (let i = 0; i < n; i++) {
      if (view.global || view.held[log.from[i]] || view.held[log.to[i]]) obsOf[i] = m++;
    }
  }
  const rowOf = new Int32Array(m);
  const obs: ObservedLog = {
    length: m,
    tTx: new Float64Array(m),
    tRx: new Float64Array(m),
    from: new Int32Array(m),
    to: new Int32Array(m),
    bytes: new Int32Array(m),
    prev: new Int32Array(m),
    sAcct: new Int32Array(m),
    rAcct: new Int32Array(m),
    obj: new Int32Array(m),
    heldFrom: new Uint8Array(m),
    heldTo: new Uint8Array(m),
  };
  for (let i = 0; i < n; i++) {
    const j = obsOf[i];
    if (j < 0) continue;
    rowOf[j] = i;
    const f = log.from[i];
    const t = log.to[i];
    const hf = view.held[f] === 1;
    const ht = view.held[t] === 1;
    const seesTx = view.global || hf;
    const seesRx = view.global || ht;
    obs.tTx[j] = seesTx ? log.tTx[i] : log.tRx[i];
    obs.tRx[j] = seesRx ? log.tRx[i] : log.tTx[i];
    obs.from[j] = f;
    obs.to[j] = t;
    obs.bytes[j] = log.bytes[i];
    obs.heldFrom[j] = hf ? 1 : 0;
    obs.heldTo[j] = ht ? 1 : 0;
    const p = log.prev[i];
    obs.prev[j] = hf && p >= 0 ? obsOf[p] : -1;
    const vis = log.idVis[i];
    const seesIds = (ht && (vis & VIS_RX) !== 0) || (hf && (vis & VIS_TX) !== 0);
    obs.sAcct[j] = seesIds ? log.sAcct[i] : -1;
    obs.rAcct[j] = seesIds ? log.rAcct[i] : -1;
    obs.obj[j] = seesIds ? log.obj[i] : -1;
  }
  return { obs, rowOf, obsOf };
}

/**
 * A global passive observer that holds no party sees every row's times, hosts and size and
 * nothing else: the log's own columns (no copy; at 10^5 users the log has ~10^8 rows), with
 * one shared array of −1 for every identifier and cause and one of 0 for the held flags.
 */
function observeLinks(log: ObservationLog): { obs: ObservedLog; rowOf: Int32Array; obsOf: Int32Array } {
  const n = log.length;
  const none = new Int32Array(n).fill(-1);
  const zero = new Uint8Array(n);
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const obs: ObservedLog = {
    length: n,
    tTx: log.tTx.subarray(0, n),
    tRx: log.tRx.subarray(0, n),
    from: log.from.subarray(0, n),
    to: log.to.subarray(0, n),
    bytes: log.bytes.subarray(0, n),
    prev: none,
    sAcct: none,
    rAcct: none,
    obj: none,
    heldFrom: zero,
    heldTo: zero,
  };
  return { obs, rowOf: identity, obsOf: identity };
}
