/**
 * SimpleX Chat (SMP): no user identifiers, only one-way queues on relays. Each contact (and
 * each pair of members of a group) is two queues, each on a storage relay chosen by the side
 * that receives on it. With private routing the sender reaches the destination relay through a
 * sticky proxy relay of another operator, so the destination relay sees the queue but not the
 * sender's address and the proxy sees the address but not the queue. The destination relay
 * pushes each message down the recipient's one subscription connection per (recipient, relay),
 * which links all of that recipient's queues there. iOS recipients get an NMSG → notification
 * server → APNs wake-up for every message; offline Android/desktop recipients receive when they
 * next come online. Every SMP transmission is one fixed 16,384-byte block.
 * Protocol facts with their primary sources: docs/designs/simplex.md.
 *
 * Identifier numbering (`obj`): queue q → q (the relay pairs the sender id and recipient id of
 * one queue, so both sides of the relay carry the same number); notifier id of queue q →
 * queues + q; APNs device token of user u → 2 × queues + u. Queues are numbered in creation
 * order: for each contact pair (a < b; a is taken as the inviter) then each group's member
 * pairs, first a's receive queue, then b's.
 * Row kinds: message / receipt (SEND, PFWD/RFWD, MSG), ack (ACK from the recipient; OK, RRES and
 * PRES responses), push (NMSG, NTF → APNs, APNs → device), fetch (GET after an iOS wake-up),
 * subscribe (SUB of a returning recipient to a relay holding messages for it).
 *
 * Parts: params.ts (parameters and their checks), queues.ts (every queue, pure), topology.ts
 * (relays, sticky proxies, connections; no simulator), wire.ts (the event handlers),
 * relay-queues.ts (stored rows per queue), tor.ts (circuits, countermeasure), push.ts (iOS
 * notifications), flows.ts (keepalives as periodic flows).
 */
import { withCountermeasures } from '../countermeasures.js';
import type { BuiltDesign, DesignContext, DesignModule } from '../design.js';
import { ScratchIds } from '../parts/ids.js';
import { addPingFlows } from './flows.js';
import { checkSimplex, PARAMS, type SimplexParams } from './params.js';
import { buildTopology, centralRelay } from './topology.js';
import { Tor } from './tor.js';
import { wireSimplex } from './wire.js';

export const simplex: DesignModule = withCountermeasures({
  id: 'simplex',
  summary: 'SimpleX Chat: per-contact one-way queues on recipient-chosen relays, 2-hop private routing, 16 KB blocks',
  params: PARAMS,
  processing: {
    default: 'uniform(1ms, 10ms)',
    source: '[assumption] 1–10 ms of processing and queueing at a relay; no published measurement',
  },
  check: checkSimplex,
  /** Every relay of the preset list (storage and proxy-only) and the notification server. */
  infraHosts: (p) => p.relays + 1,
  build: buildSimplex,
});

function buildSimplex(ctx: DesignContext, p: SimplexParams): BuiltDesign {
  const { sim, net, workload: w } = ctx;
  const useTor = p.tor;
  const t = buildTopology(ctx.hosts, ctx.streams, w, {
    relays: p.relays,
    proxyOnlyRelays: p.proxyOnlyRelays,
    proxied: p.privateRouting === 'always',
    torRelays: useTor ? p.torRelays : 0,
  });
  // One scratch ids object for every hop (parts/ids.ts), Tor legs included.
  const ids = new ScratchIds();
  const tor = useTor
    ? new Tor(sim, net, ids, {
        users: w.users,
        relays: t.R,
        torRelays: t.T,
        tor0: t.tor0,
        relay0: t.relay0,
        lifetime: p.torCircuitLifetime,
        delay: p.torRelayDelay,
        delayRng: ctx.streams.stream('tor/delay'),
        block: p.blockBytes,
        userRng: t.userRng,
      })
    : null;
  wireSimplex(ctx, p, t, tor, ids);
  addPingFlows(ctx, t, tor, { period: p.pingInterval, block: p.blockBytes, end: ctx.duration });

  const infra: number[] = [];
  for (let i = 0; i < t.R; i++) infra.push(t.relay0 + i);
  infra.push(t.ntf);
  return { infra, central: centralRelay(t), realWorldIdentifier: 0, pushHosts: [t.apns] };
}
