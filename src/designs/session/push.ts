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

  /** SPNS → FCM/APNs: SPNS knows the Session ID behind the device token; the provider reads the token only. */
  const pushTo = (u: number, row: number): void => {
    const provider = w.platform[u] === Platform.ios ? apns : fcm;
    const r2 = net.hop(spns, provider, PUSH_BYTES, Kind.push, row, log.msg[row], ids.set(-1, u, -1, VIS_TX), null);
    sim.after(log.tRx[r2], pushLatency.sample(pushRng), onProvider, r2);
  };

  const onProvider = (row: number): void => {
    const u = log.rAcct[row];
    const r3 = net.hop(log.to[row], u, PUSH_BYTES, Kind.push, row, log.msg[row], undefined, null);
    sim.at(log.tRx[r3], onPushDevice, r3);
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
