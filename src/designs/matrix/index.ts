/**
 * Matrix: a federated full mesh of homeservers. Each user talks only to its own homeserver;
 * every 1:1 contact pair and every group is a room. An event goes sender device → own
 * homeserver (which knows all room state and membership) → one federation transaction to every
 * OTHER homeserver with a member in the room → each member's device via its waiting /sync
 * long-poll. Homeservers outside the room receive nothing. Events are not padded. Ephemeral
 * EDUs (read receipts, typing) and Megolm key shares follow the same fan-out; offline mobile
 * members are woken through the push gateway (Sygnal) and FCM/APNs.
 * Protocol facts with their primary sources, details and simplifications: docs/designs/matrix.md.
 *
 * Identifier numbering (`obj`): the DM room of contact pair {u, v} → its index among the
 * contact-graph edges (0..E-1, in (min, max) order); the room of group g → E + g. `sAcct` is the
 * event's sender (MXID); `rAcct` the recipient where the parties can name one: the member a
 * /sync response goes to, the target of a to-device message, and — because room state lists
 * the members — the other member of a DM room, or a room's only member on a destination
 * homeserver.
 * Row kinds: message (m.room.encrypted PDU: PUT, federation, /sync), ack (200 to the PUT),
 * ephemeral (m.receipt / m.typing EDUs), keyShare (m.room_key to-device), push (homeserver →
 * Sygnal → FCM/APNs → device), fetch (a woken device's /sync). Idle /sync long-polls are
 * periodic flows.
 *
 * Parts: params.ts (parameters and their checks), topology.ts (homeservers, placement, rooms;
 * no simulator), wire.ts (the event handlers), sizes.ts (what each exchange weighs); offline
 * members' mailboxes and the push chain are shared with other designs (../parts/mailbox.ts,
 * ../parts/push.ts).
 */
import { Kind } from '../../net/log.js';
import { connectionPhase, padTo } from '../common.js';
import { withCountermeasures } from '../countermeasures.js';
import type { BuiltDesign, DesignContext, DesignModule } from '../design.js';
import { checkMatrix, type MatrixParams, PARAMS } from './params.js';
import { SYNC_IDLE_BYTES } from './sizes.js';
import { addMatrixHosts, centralHomeserver, placeUsers, Rooms } from './topology.js';
import { wireMatrix } from './wire.js';

export const matrix: DesignModule = withCountermeasures({
  id: 'matrix',
  summary:
    'Matrix: federated homeservers; every homeserver in a room receives sender, room and timing of every event; /sync long-polls; Sygnal push',
  params: PARAMS,
  processing: {
    default: 'uniform(20ms, 200ms)',
    source:
      '[assumption] 20–200 ms per event at a homeserver (event authorisation, state checks, storage); no published measurement',
  },
  check: checkMatrix,
  /** Every homeserver. */
  infraHosts: (p) => p.homeservers,
  build: buildMatrix,
});

function buildMatrix(ctx: DesignContext, p: MatrixParams): BuiltDesign {
  const { net, workload: w } = ctx;
  const U = w.users;
  const H = p.homeservers;
  const push = p.push;
  const end = ctx.duration;
  // Every transmission goes through `hop`: with padAll it leaves padded to paddingBlock.
  const wire = (bytes: number): number => (p.padAll ? padTo(bytes, p.paddingBlock) : bytes);
  const hop: typeof net.hop = p.padAll
    ? (from, to, bytes, kind, prev, msg, ids, onArrive) =>
        net.hop(from, to, wire(bytes), kind, prev, msg, ids, onArrive)
    : net.hop.bind(net);

  const h = addMatrixHosts(ctx.hosts, H, push);
  const hsOf = placeUsers(ctx.streams, U, h.base, H, p.placement === 'zipf' ? p.zipfExponent : null);
  const rooms = new Rooms(w, hsOf);
  wireMatrix(ctx, p, h, hsOf, rooms, hop);

  // Idle /sync long-polls while online: one exchange per syncTimeout.
  const period = p.syncTimeout;
  for (let u = 0; u < U; u++) {
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const start = w.onStart[k];
      const stop = Math.min(w.onEnd[k], end);
      if (stop <= start) continue;
      net.periodic.add({
        path: Int32Array.of(u, hsOf[u]),
        period,
        phase: connectionPhase(ctx, u, start, period),
        start,
        end: stop,
        bytesPerLink: wire(SYNC_IDLE_BYTES),
        kind: Kind.poll,
      });
    }
  }

  return {
    infra: Array.from({ length: H }, (_, i) => h.base + i),
    central: centralHomeserver(hsOf, h.base, H),
    realWorldIdentifier: p.threepidFraction,
    pushHosts: push ? [h.fcm, h.apns] : [],
    // Every participating homeserver holds the room state: the member list of each room id.
    groupMembersReadable: true,
  };
}
