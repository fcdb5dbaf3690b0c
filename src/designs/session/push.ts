/**
 * Session's optional push (SPNS): the snode that stores a message for a subscribed account
 * notifies SPNS, which pushes through FCM/APNs to the device; an offline device woken this way
 * fetches at once (one poll of the account the push was for). SPNS knows the Session ID behind
 * each device token; the provider reads the token only.
 */
import type { Dist } from '../../core/dist.js';
import type { Rng } from '../../core/rng.js';
import { Kind, VIS_TX } from '../../net/log.js';
import { isOnline } from '../../workload/generate.js';
import { Platform } from '../../workload/types.js';
import type { DesignContext } from '../design.js';
import type { ScratchIds } from '../parts/ids.js';
import { PushChain } from '../parts/push.js';
import { NOTIFY_BYTES, PUSH_BYTES } from './sizes.js';
import type { SessionHosts } from './topology.js';

export interface SpnsPush {
  /** Whether user u's device is subscribed (push on, and not a desktop). */
  subscribed(u: number): boolean;
  /** Snode `node` stored m (row `storeRow`) for account `acct` / object `obj`: it notifies SPNS. */
  notify(node: number, storeRow: number, m: number, acct: number, obj: number): void;
}

export interface SpnsOptions {
  push: boolean;
  pushLatency: Dist;
  pushRng: Rng;
  procRng: Rng;
  /** Poller of user u's own swarm is u; of its membership k of a group, users + k. */
  pollNow(ps: number): void;
}

export function spnsPush(ctx: DesignContext, h: SessionHosts, ids: ScratchIds, o: SpnsOptions): SpnsPush {
  const { sim, net, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const proc = ctx.processing;
  const { push, pushLatency, pushRng, procRng } = o;
  const { spns, fcm, apns } = h;

  const subscribed = (u: number): boolean => push && w.platform[u] !== Platform.desktop;

  const notify = (node: number, storeRow: number, m: number, acct: number, obj: number): void => {
    const row = net.hop(node, spns, NOTIFY_BYTES, Kind.push, storeRow, m, ids.set(-1, acct, obj, 3), null);
    sim.after(log.tRx[row], proc.sample(procRng), onSpns, row);
  };

  const onSpns = (row: number): void => {
    const m = log.msg[row];
    const g = w.group[m];
    if (g < 0) {
      pushTo(w.recipient[m], row);
      return;
    }
    for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) {
      const u = w.groupMembers[k];
      if (u !== w.sender[m] && subscribed(u)) pushTo(u, row);
    }
  };

  /** SPNS → FCM/APNs → device: SPNS knows the Session ID behind the device token; the provider reads the token only. */
  const pushes = new PushChain(sim, net, w, {
    fcm,
    apns,
    latency: pushLatency,
    rng: pushRng,
    userOf: (row) => log.rAcct[row],
    deviceBytes: PUSH_BYTES,
    deviceIds: () => undefined,
    onDevice: (row) => onPushDevice(row),
  });
  const pushTo = (u: number, row: number): void => {
    pushes.send(spns, u, PUSH_BYTES, row, log.msg[row], ids.set(-1, u, -1, VIS_TX));
  };

  /** An offline device woken by a push fetches at once (one poll of the account the push was for). */
  const onPushDevice = (row: number): void => {
    const u = log.to[row];
    if (isOnline(w, u, sim.now)) return;
    const g = w.group[log.msg[row]];
    let ps = u;
    if (g >= 0) for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) if (w.groupMembers[k] === u) ps = U + k;
    o.pollNow(ps);
  };

  return { subscribed, notify };
}
