/**
 * SimpleX's iOS notifications: the storage relay sends NMSG to the notification server (batched
 * on the relay's delivery interval), which pushes through APNs to the device; `onWake` gets the
 * APNs → device row. The notifier id of queue q is object queues + q; the APNs token of user u
 * is 2 × queues + u.
 */
import type { Dist } from '../../core/dist.js';
import type { Rng } from '../../core/rng.js';
import { Kind, VIS_RX, VIS_TX } from '../../net/log.js';
import type { DesignContext } from '../design.js';
import type { ScratchIds } from '../parts/ids.js';
import { PushChain } from '../parts/push.js';
import type { RelayQueues } from './relay-queues.js';
import type { SimplexTopology } from './topology.js';

/** Bytes of an APNs request / delivery (HTTP/2 + encrypted notification metadata). [assumption] */
const PUSH_BYTES = 512;
const BOTH = VIS_RX | VIS_TX;

export interface IosPushOptions {
  block: number;
  ntfRng: Rng;
  pushLatency: Dist;
  apnsRng: Rng;
  /** The device got the push (the row APNs → device, whose aux is the queue). */
  onWake: (row: number) => void;
}

/** Returns the relay's NMSG step: `relayNmsg(storeRow)` for a message stored on an iOS recipient's queue. */
export function iosPush(
  ctx: DesignContext,
  t: SimplexTopology,
  rq: RelayQueues,
  ids: ScratchIds,
  o: IosPushOptions,
): (storeRow: number) => void {
  const { sim, net } = ctx;
  const log = net.log;
  const proc = ctx.processing;
  const { ntf, apns } = t;
  const Q = t.qt.count;
  const qRecipient = t.qt.recipient;
  const { block, ntfRng, pushLatency, apnsRng, onWake } = o;

  const relayNmsg = (storeRow: number): void => {
    const q = log.obj[storeRow];
    const row = net.hop(
      log.to[storeRow],
      ntf,
      block,
      Kind.push,
      storeRow,
      log.msg[storeRow],
      ids.set(-1, -1, Q + q, BOTH),
      null,
    );
    sim.after(log.tRx[row], proc.sample(ntfRng), ntfPush, row);
  };

  // NTF → APNs → device (only iOS recipients are notified, so the provider is always APNs).
  // The rows name the device token, not the queue: the queue rides along in the aux table.
  const pushes = new PushChain(sim, net, ctx.workload, {
    fcm: -1,
    apns,
    latency: pushLatency,
    rng: apnsRng,
    userOf: (row) => qRecipient[rq.aux[row]],
    deviceBytes: PUSH_BYTES,
    deviceIds: (r) => ids.set(-1, -1, 2 * Q + r, BOTH),
    onDevice: onWake,
    logged: (row, providerRow) => rq.setAux(row, rq.aux[providerRow]),
  });

  const ntfPush = (row: number): void => {
    const q = log.obj[row] - Q;
    const r = qRecipient[q];
    rq.setAux(pushes.send(ntf, r, PUSH_BYTES, row, log.msg[row], ids.set(-1, -1, 2 * Q + r, BOTH)), q);
  };

  return relayNmsg;
}
