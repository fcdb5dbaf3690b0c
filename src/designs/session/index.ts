/**
 * Session: decentralised store-and-forward over ~2000 service nodes ("snodes") partitioned into
 * swarms of ~7. Every request (store, retrieve) is an onion request: device → guard → relay →
 * exit → destination snode, and the response returns along the same path. A 1:1 message is
 * stored at one random node of the recipient's swarm, which replicates it to the other
 * members; the sender then stores a sync copy in its own swarm. Recipients poll their swarm
 * every 5 s (two random members per poll) while online; a message is picked up by the first
 * poll after it is stored at a queried node. New closed groups are stored once in the group's
 * swarm and every member polls that swarm. Optional SPNS push and Android background polls.
 * Protocol facts with their primary sources, details and simplifications: docs/designs/session.md.
 *
 * Identifier numbering (`obj`): swarm s → s (0..swarms-1); the account of group g (its 03…
 * key) → swarms + g. `rAcct` is a user id (the 05… Session ID) where a snode reads one.
 * Row kinds: message / sync (store requests: forward legs of the onion), replicate (swarm
 * member to member), ack (store responses), poll (retrieve requests that return a payload),
 * fetch (their responses, carrying the stored message), push (snode → SPNS → FCM/APNs →
 * device). Retrieves that return nothing are periodic flows, not rows.
 *
 * Performance: one simulator event per hop (the next leg is scheduled at arrival + processing,
 * no arrival callback); onion requests, stored items and pickups live in typed-array slot pools
 * reused through free lists, so memory follows what is in flight or stored, not the run. Polls
 * are never simulated one by one: the next useful poll time is computed from the user's phase
 * and online intervals, and only when something is waiting for that poller.
 *
 * Parts: params.ts (parameters and their checks), topology.ts (nodes, swarms, per-user paths and
 * phases; no simulator), wire.ts (the event handlers), requests.ts / store.ts / pollers.ts (the
 * onion requests, stored items and pickups, and pollers they work on), push.ts (SPNS),
 * flows.ts (background polls as periodic flows), paths.ts / timeline.ts (path selection and
 * churn, shared with the validation tests), sizes.ts (framing sizes).
 */
import { withCountermeasures } from '../countermeasures.js';
import type { BuiltDesign, DesignContext, DesignModule } from '../design.js';
import { addPollFlows } from './flows.js';
import { checkSession, PARAMS, type SessionParams } from './params.js';
import { Pollers } from './pollers.js';
import { OnionRequests } from './requests.js';
import { Pickups, StoredItems } from './store.js';
import { addSessionHosts, buildSwarms, centralNode, drawUsers } from './topology.js';
import { wireSession } from './wire.js';

export const session: DesignModule = withCountermeasures({
  id: 'session',
  summary:
    'Session: swarms of service nodes, onion-routed stores via persistent guards, recipients poll every 5 s, sync copy to own swarm',
  params: PARAMS,
  processing: {
    default: 'uniform(5ms, 50ms)',
    source:
      '[assumption] 5–50 ms per service node for onion decryption, processing and queueing; no published measurement',
  },
  check: checkSession,
  /** Every service node. */
  infraHosts: (p) => p.nodes,
  build: buildSession,
});

function buildSession(ctx: DesignContext, p: SessionParams): BuiltDesign {
  const { net, workload: w } = ctx;
  const N = p.nodes;
  const G = p.guards;
  const L = p.pathLength;
  const gRot = p.guardRotation;
  // Paths are rebuilt every `rot` (the shorter of the two periods); guards are redrawn at the
  // first rebuild that starts in a new guard period.
  const pathRot = p.pathRotation;
  const rot = pathRot > 0 && gRot > 0 ? Math.min(pathRot, gRot) : pathRot > 0 ? pathRot : gRot;
  const P = p.pollInterval;
  const B = p.backgroundPoll;
  const push = p.push;
  const end = ctx.duration;

  const hosts = addSessionHosts(ctx.hosts, N, push);
  const swarms = buildSwarms(ctx.streams, w, N, p.swarmSize);
  const draws = drawUsers(ctx.streams, w, {
    nodes: N,
    guards: G,
    pathLength: L,
    rotation: rot,
    guardRotation: gRot,
    pollInterval: P,
    backgroundPoll: B,
    nodeFailureRate: p.nodeFailureRate,
    nodeDowntime: p.nodeDowntime,
    end,
  });

  wireSession(ctx, p, {
    hosts,
    swarms,
    pollers: new Pollers(w, swarms, P, p.groupPollInterval, B, draws.phase, draws.bgPhase),
    requests: new OnionRequests(L, G, N, hosts.base, draws.timeline),
    items: new StoredItems(swarms.maxSize),
    pickups: new Pickups(),
  });

  addPollFlows(net, w, swarms, draws, {
    nodes: N,
    guards: G,
    pathLength: L,
    retrieveNodes: p.retrieveNodes,
    rotation: rot,
    pollInterval: P,
    groupPollInterval: p.groupPollInterval,
    backgroundPoll: B,
    onionLayerBytes: p.onionLayerBytes,
    onionPadding: p.onionPadding,
    base: hosts.base,
    end,
  });

  const infra = Array.from({ length: N }, (_, i) => hosts.base + i);
  return {
    infra,
    central: centralNode(swarms, hosts.base),
    realWorldIdentifier: 0,
    pushHosts: push ? [hosts.fcm, hosts.apns] : [],
  };
}
