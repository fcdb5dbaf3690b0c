/**
 * SimpleX's event handlers, as one chain. A message leaves the sender on its queue (through its
 * sticky proxy with private routing: PFWD → proxy → RFWD, `sendOnQueue`), is stored at the
 * destination relay (`onStore`, answered with OK or RRES → PRES), becomes deliverable after any
 * mixing hold (`release`) and is handed to a subscribed recipient one at a time (`tryServe`,
 * the next after the ACK, `onAck`). An offline recipient's queues are parked until it comes back
 * and subscribes (`park`, `onReconnect`, `onSubscribe`); an iOS recipient is woken by a push and
 * drains the queue with GET (`onWake`, `onGet`). Arrival and processing at a relay are one event.
 */
import type { Rng } from '../../core/rng.js';
import { type HopIds, Kind, type KindId, VIS_RX, VIS_TX } from '../../net/log.js';
import { isOnline, nextOnline } from '../../workload/generate.js';
import { Platform } from '../../workload/types.js';
import { feedWorkload } from '../common.js';
import { afterHoldOf } from '../countermeasures.js';
import type { DesignContext } from '../design.js';
import type { ScratchIds } from '../parts/ids.js';
import type { SimplexParams } from './params.js';
import { iosPush } from './push.js';
import { queueOf } from './queues.js';
import { RelayQueues } from './relay-queues.js';
import type { SimplexTopology } from './topology.js';
import type { Tor } from './tor.js';

const BOTH = VIS_RX | VIS_TX;
const NO_SIDE = -2;

/** Sets up every handler and feeds the workload (the sends are scheduled from here). */
export function wireSimplex(
  ctx: DesignContext,
  p: SimplexParams,
  t: SimplexTopology,
  tor: Tor | null,
  ids: ScratchIds,
): void {
  const { sim, net, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const { R, S, relay0, qt } = t;
  const Q = qt.count;
  const qRelay = qt.relay;
  const qSender = qt.sender;
  const qRecipient = qt.recipient;
  const proxyOf = t.proxyOf;
  const proxied = p.privateRouting === 'always';
  // `unknown` proxies only to relays that are not among the sender's configured servers. Every
  // user runs the preset list, and queues live only on preset storage relays, so it is direct.
  const receipts = p.deliveryReceipts;
  const receiptDelay = p.receiptDelay;
  const block = p.blockBytes;
  const iosNtf = p.iosNotifications;
  const ntfInterval = p.ntfDeliveryInterval;
  const end = ctx.duration;
  const proc = ctx.processing;

  const relayRng: Rng[] = [];
  const ntfPhase = new Float64Array(R);
  for (let i = 0; i < R; i++) {
    relayRng.push(ctx.streams.stream(`relay/${i}/processing`));
    ntfPhase[i] = Math.floor(ctx.streams.stream(`relay/${i}/ntf-phase`)() * ntfInterval);
  }
  const ntfRng = ctx.streams.stream('ntf/processing');
  const apnsRng = ctx.streams.stream('apns/latency');

  const tSend = new Float64Array(w.count);
  const rq = new RelayQueues(Q);
  const { head, inFlight, draining, parked } = rq;
  const userParked: (number[] | undefined)[] = new Array(U);
  const reconnectAt = new Uint8Array(U);
  /** Queues each pending SUB batch covers, by batch id (the SUB row's aux). */
  const subQueues = new Map<number, number[]>();
  let nextSub = 0;

  const objIds = (o: number, vis: number): HopIds => ids.set(-1, -1, o, vis);

  // --- links to and from relays ---------------------------------------------------------------

  /**
   * Logs one block into relay `d` (over Tor when the sender is a user and `tor` is on); `then(row)`
   * runs once the relay has processed it, and `side` (if given) becomes the arriving row's aux.
   * Arrival and processing are one event (at tRx + the relay's processing delay), and whatever
   * the relay sends in reaction leaves then.
   */
  const toRelay = (
    from: number,
    d: number,
    kind: KindId,
    prev: number,
    msg: number,
    i: HopIds | undefined,
    then: (row: number) => void,
    side = NO_SIDE,
  ): void => {
    if (tor && from < U)
      tor.transit(tor.circuit(from, d), false, kind, prev, msg, i?.obj ?? -1, (row) => atRelay(row, d, then, side));
    else atRelay(net.hop(from, relay0 + d, block, kind, prev, msg, i, null), d, then, side);
  };

  /** Relay `d` received `row`: record its side data, then act after processing. */
  const atRelay = (row: number, d: number, then: (row: number) => void, side: number): void => {
    if (side !== NO_SIDE) rq.setAux(row, side);
    sim.after(log.tRx[row], proc.sample(relayRng[d]), then, row);
  };

  /** Sends one block from relay host `from` to user `u` (back along u's circuit when `tor` is on). */
  const toUser = (
    from: number,
    u: number,
    kind: KindId,
    prev: number,
    msg: number,
    i: HopIds | undefined,
    onArrive: ((row: number) => void) | null,
  ): void => {
    if (!tor) {
      net.hop(from, u, block, kind, prev, msg, i, onArrive);
      return;
    }
    tor.transit(tor.circuit(u, relayOfHost(from)), true, kind, prev, msg, i?.obj ?? -1, (row) => {
      if (onArrive) sim.at(log.tRx[row], onArrive, row);
    });
  };

  const relayOfHost = (h: number): number => h - relay0;

  // --- sending -------------------------------------------------------------------------------

  const sendOnQueue = (q: number, kind: KindId, m: number): void => {
    const s = qSender[q];
    const d = qRelay[q];
    if (proxied) {
      toRelay(s, proxyOf[s * S + d], kind, -1, m, undefined, proxyForward, q);
    } else {
      toRelay(s, d, kind, -1, m, objIds(q, BOTH), onStore);
    }
  };

  const send = (m: number): void => {
    tSend[m] = sim.now;
    const s = w.sender[m];
    const g = w.group[m];
    if (g < 0) {
      sendOnQueue(queueOf(qt, w, -1, s, w.recipient[m]), Kind.message, m);
      return;
    }
    // Classic groups: the sender itself sends one copy over each member connection.
    for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) {
      const r = w.groupMembers[k];
      if (r !== s) sendOnQueue(queueOf(qt, w, g, s, r), Kind.message, m);
    }
  };

  // --- proxy relay ---------------------------------------------------------------------------

  // A proxy holds what it forwards both ways (PFWD → RFWD, RRES → PRES); a destination relay
  // answers OK/RRES at once and holds the message before it can be delivered.
  const holdAt = Array.from({ length: R }, (_, i) =>
    afterHoldOf(sim, ctx.mix, ctx.streams.stream(`relay/${i}/mixing`)),
  );
  const afterHold = (d: number, fn: (row: number) => void, row: number): void => holdAt[d](fn, row);

  const proxyForward = (row: number): void => afterHold(relayOfHost(log.to[row]), proxyRfwd, row);
  const proxyRfwd = (row: number): void => {
    const q = rq.aux[row];
    // RFWD: the queue's sender id is inside the layer only the destination opens.
    toRelay(log.to[row], qRelay[q], log.kind[row] as KindId, row, log.msg[row], objIds(q, VIS_RX), onStore);
  };

  const proxyRespond = (row: number): void => afterHold(relayOfHost(log.to[row]), proxyPres, row);
  const proxyPres = (row: number): void => {
    // RRES ← RFWD ← PFWD: the PFWD carried queue q from its sender.
    const sender = qSender[rq.aux[log.prev[log.prev[row]]]];
    toUser(log.to[row], sender, Kind.ack, row, -1, undefined, null);
  };

  // --- destination (storage) relay -----------------------------------------------------------

  const onStore = (row: number): void => {
    const q = log.obj[row];
    // OK (direct) or RRES (to the proxy) for the SEND.
    const from = log.from[row];
    const viaProxy = from >= relay0 && from < relay0 + R;
    if (viaProxy) toRelay(log.to[row], relayOfHost(from), Kind.ack, row, -1, objIds(q, VIS_TX), proxyRespond);
    else toUser(log.to[row], qSender[q], Kind.ack, row, -1, objIds(q, BOTH), null);
    afterHold(relayOfHost(log.to[row]), release, row);
  };

  /** The stored message of `row` becomes deliverable: queue it, notify iOS, serve it. */
  const release = (row: number): void => {
    const q = log.obj[row];
    const d = relayOfHost(log.to[row]);
    rq.enqueue(q, row);
    if (iosNtf && log.kind[row] === Kind.message && w.platform[qRecipient[q]] === Platform.ios) {
      // NMSG is queued on every SEND with the notification flag, subscribed recipient or not.
      const ph = ntfPhase[d];
      const t = ntfInterval > 0 ? ph + Math.ceil((sim.now - ph) / ntfInterval) * ntfInterval : sim.now;
      sim.at(t, relayNmsg, row);
    }
    tryServe(q);
  };

  /** Hands the head of queue q to its recipient if it is subscribed (or draining with GET), else parks it. */
  const tryServe = (q: number): void => {
    if (inFlight[q]) return;
    if (head[q] < 0) {
      draining[q] = 0;
      return;
    }
    const r = qRecipient[q];
    if (!draining[q] && !isOnline(w, r, sim.now)) {
      park(r, q);
      return;
    }
    inFlight[q] = 1;
    const row = rq.dequeue(q);
    toUser(relay0 + qRelay[q], qRecipient[q], log.kind[row] as KindId, row, log.msg[row], objIds(q, BOTH), onRecipient);
  };

  const onAck = (row: number): void => {
    const q = log.obj[row];
    inFlight[q] = 0;
    tryServe(q);
  };

  const park = (r: number, q: number): void => {
    if (!parked[q]) {
      parked[q] = 1;
      (userParked[r] ??= []).push(q);
    }
    if (!reconnectAt[r]) {
      const t = nextOnline(w, r, sim.now);
      if (t < end) {
        reconnectAt[r] = 1;
        sim.at(t, onReconnect, r);
      }
    }
  };

  // --- recipient device ----------------------------------------------------------------------

  const onRecipient = (row: number): void => {
    const u = log.to[row];
    const q = log.obj[row];
    const m = log.msg[row];
    toRelay(u, qRelay[q], Kind.ack, -1, -1, objIds(q, BOTH), onAck);
    if (log.kind[row] !== Kind.message) return;
    const g = w.group[m];
    net.deliver(m, w.sender[m], u, g, tSend[m], row);
    if (!receipts || g >= 0) return;
    if (receiptDelay.mean > 0) {
      const rng = (receiptRng[u] ??= ctx.streams.stream(`user/${u}/receipt-delay`));
      const t = nextOnline(w, u, sim.now + Math.round(receiptDelay.sample(rng)));
      if (t < end) sim.at(t, sendReceipt, m);
    } else sendReceipt(m);
  };

  const receiptRng: Rng[] = new Array(U);
  /** The recipient of 1:1 message m confirms it over the reply queue of the same contact. */
  const sendReceipt = (m: number): void => {
    sendOnQueue(queueOf(qt, w, -1, w.recipient[m], w.sender[m]), Kind.receipt, m);
  };

  /** A returning recipient subscribes (one SUB batch per relay) where messages wait for it. */
  const onReconnect = (u: number): void => {
    reconnectAt[u] = 0;
    const list = userParked[u];
    if (!list || list.length === 0) return;
    userParked[u] = undefined;
    const byRelay: (number[] | undefined)[] = new Array(S);
    for (const q of list) {
      parked[q] = 0;
      if (head[q] >= 0) (byRelay[qRelay[q]] ??= []).push(q);
    }
    for (let d = 0; d < S; d++) {
      const qs = byRelay[d];
      if (!qs) continue;
      const id = nextSub++;
      subQueues.set(id, qs);
      toRelay(u, d, Kind.subscribe, -1, -1, undefined, onSubscribe, id);
    }
  };

  const onSubscribe = (row: number): void => {
    const qs = subQueues.get(rq.aux[row]) as number[];
    subQueues.delete(rq.aux[row]);
    for (const q of qs) tryServe(q);
  };

  // --- iOS notifications (push.ts) -------------------------------------------------------------

  const onWake = (row: number): void => {
    const r = log.to[row];
    // A subscribed app already has the message; a suspended one wakes its extension, which GETs.
    if (isOnline(w, r, sim.now)) return;
    const q = rq.aux[row];
    toRelay(r, qRelay[q], Kind.fetch, -1, -1, objIds(q, BOTH), onGet);
  };

  const onGet = (row: number): void => {
    const q = log.obj[row];
    if (head[q] < 0) return;
    // The notification extension GETs until it has the notified message; a receipt or an
    // earlier message may come first, so it drains the queue.
    draining[q] = 1;
    tryServe(q);
  };

  const relayNmsg = iosPush(ctx, t, rq, ids, {
    block,
    ntfRng,
    pushLatency: p.pushLatency,
    apnsRng,
    onWake,
  });

  feedWorkload(ctx, send);
}
