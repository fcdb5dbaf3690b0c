/**
 * Matrix's event handlers, as one chain. A room payload (event, receipt or typing EDU) goes up
 * from the sender's device to its homeserver (`upload`, `atOrigin`: the 200 at once), which after
 * any mixing hold fans it out (`fromOrigin`, `fanOut`): one federation transaction to every other
 * homeserver in the room (`federate`, `atRemote`) and the hand-off to its own members
 * (`handOff`, `toMember`): over the member's /sync if online, else stored until it reconnects or
 * is woken by a push (parts/mailbox.ts, parts/push.ts). Megolm key shares (to-device) take the
 * same way with their own fan-out (`shareKey`, `keyShareOut`, `atRemoteKey`, `toMemberKey`).
 */
import type { Rng } from '../../core/rng.js';
import { Kind, type KindId } from '../../net/log.js';
import type { Net } from '../../net/net.js';
import { isOnline, nextOnline } from '../../workload/generate.js';
import { Platform } from '../../workload/types.js';
import { feedWorkload, padTo } from '../common.js';
import { afterHoldOf, holdOf } from '../countermeasures.js';
import type { DesignContext } from '../design.js';
import { ScratchIds } from '../parts/ids.js';
import { Mailboxes } from '../parts/mailbox.js';
import { PushChain } from '../parts/push.js';
import type { MatrixParams } from './params.js';
import {
  ACK_BYTES,
  EDU_CLIENT_BYTES,
  EDU_FED_BYTES,
  EDU_SYNC_BYTES,
  KEY_SHARE_BYTES,
  MEGOLM_FRAMING,
  NOTIFY_BYTES,
  PLAINTEXT_JSON,
  PUSH_BYTES,
  SYNC_EVENT_BYTES,
  SYNC_REQUEST_BYTES,
  WAKE_BYTES,
} from './sizes.js';
import type { MatrixHosts, Rooms } from './topology.js';

/** Sets up every handler and feeds the workload (the sends and typing notices are scheduled from here). */
export function wireMatrix(
  ctx: DesignContext,
  p: MatrixParams,
  h: MatrixHosts,
  hsOf: Int32Array,
  rooms: Rooms,
  hop: Net['hop'],
): void {
  const { sim, net, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const NG = w.groupStart.length - 1;
  const readReceipts = p.readReceipts;
  const readDelay = p.readDelay;
  const typing = p.typingNotifications;
  const typingLead = p.typingLead;
  const rotation = p.megolmRotation;
  const push = p.push;
  const eventOverhead = p.eventOverhead;
  const pduOverhead = p.pduOverhead;
  const end = ctx.duration;
  const proc = ctx.processing;
  const procRng = ctx.streams.stream('homeserver/processing');
  // A homeserver holds each event or to-device payload before forwarding it (to other servers
  // or to its members); its 200 to the uploading client is not held.
  const mixRng = ctx.streams.stream('homeserver/mixing');
  const hold = holdOf(ctx.mix, mixRng);
  const afterHold = afterHoldOf(sim, ctx.mix, mixRng);
  const pushRng = ctx.streams.stream('push/latency');
  /** Each user's own stream for its draws during the run (read delays, typing leads, Megolm phases). */
  const userRngs: (Rng | undefined)[] = new Array(U);
  const userRng = (u: number): Rng => (userRngs[u] ??= ctx.streams.stream(`user/${u}`));

  const { E, gMembers, segStart, segHs, segFrom, segTo } = rooms;
  const ids = new ScratchIds();
  const setIds = (s: number, r: number, o: number) => ids.set(s, r, o);
  /** Megolm ciphertext of m, base64: AES-CBC (PKCS#7, 16-byte blocks) + framing; plaintext padded to paddingBlock when set. */
  const padBlock = p.paddingBlock;
  const megolm = (m: number): number => {
    const plain = w.size[m] + PLAINTEXT_JSON;
    // With padAll the whole transmission is padded on the wire instead (a padded plaintext would
    // grow past the block after encryption and base64, and so stand out).
    const padded = padBlock > 0 && !p.padAll ? padTo(plain, padBlock) : plain;
    const ct = 16 * (Math.floor(padded / 16) + 1) + MEGOLM_FRAMING;
    return Math.ceil((ct * 4) / 3);
  };

  const tSend = new Float64Array(w.count);
  const isMobile = (u: number): boolean => w.platform[u] !== Platform.desktop;

  // --- fan-out within a room ---------------------------------------------------------------

  /**
   * The origin homeserver `origin` received a room payload via `row` (after processing): one
   * federation transaction to every other participating homeserver, and the /sync hand-off to
   * its own members. `a`, `b` are the DM parties (ignored for group rooms).
   */
  const fanOut = (row: number, origin: number, room: number, a: number, b: number): void => {
    const kind = log.kind[row] as KindId;
    const m = log.msg[row];
    const s = log.sAcct[row];
    const bytes = kind === Kind.message ? megolm(m) + pduOverhead : EDU_FED_BYTES;
    if (room < E) {
      const other = a === s ? b : a;
      if (hsOf[other] !== origin) federate(row, origin, hsOf[other], bytes, other);
    } else {
      const g = room - E;
      for (let k = segStart[g]; k < segStart[g + 1]; k++)
        if (segHs[k] !== origin) federate(row, origin, segHs[k], bytes, rooms.onlyInSeg(k, s));
    }
    handOff(row, origin, room, a, b);
  };

  /** One federation transaction origin → d carrying the payload of `row` (PDU or EDU). */
  const federate = (row: number, origin: number, d: number, bytes: number, only: number): void => {
    const ids2 = setIds(log.sAcct[row], only, log.obj[row]);
    const r = hop(origin, d, bytes, log.kind[row] as KindId, row, log.msg[row], ids2, null);
    sim.after(log.tRx[r], proc.sample(procRng) + hold(), atRemote, r);
  };

  /** A remote homeserver received a transaction: hand the payload to its members of the room. */
  const atRemote = (row: number): void => {
    const m = log.msg[row];
    const room = log.obj[row];
    handOff(row, log.to[row], room, room < E ? w.sender[m] : -1, room < E ? w.recipient[m] : -1);
  };

  /** Hands the payload that reached hs via `row` to every room member on hs except its sender. */
  const handOff = (row: number, hs: number, room: number, a: number, b: number): void => {
    const except = log.sAcct[row];
    if (room < E) {
      if (a !== except && hsOf[a] === hs) toMember(row, hs, a);
      if (b !== except && hsOf[b] === hs) toMember(row, hs, b);
      return;
    }
    const k = rooms.segOf(room - E, hs);
    if (k >= 0) for (let x = segFrom[k]; x < segTo[k]; x++) if (gMembers[x] !== except) toMember(row, hs, gMembers[x]);
  };

  // --- homeserver → device ---------------------------------------------------------------------

  const syncBytes = (row: number): number => {
    const k = log.kind[row];
    return k === Kind.message
      ? megolm(log.msg[row]) + SYNC_EVENT_BYTES
      : k === Kind.keyShare
        ? KEY_SHARE_BYTES
        : EDU_SYNC_BYTES;
  };

  /**
   * Per user: payloads (events or to-device) that reached its homeserver while it was offline,
   * handed over by its next /sync. Reconnects are scheduled whenever the user comes back, even
   * after the run's end (horizon +Infinity; Signal stops at the end, parts/mailbox.ts).
   */
  const mail = new Mailboxes(sim, w, {
    devices: U,
    ownerOf: (u) => u,
    horizon: Number.POSITIVE_INFINITY,
    // The device's /sync request; the homeserver answers with everything stored for it.
    open: (u) => {
      const row = hop(u, hsOf[u], SYNC_REQUEST_BYTES, Kind.fetch, -1, -1, setIds(u, -1, -1), null);
      sim.after(log.tRx[row], proc.sample(procRng), mail.drain, u);
    },
    hand: (u, row) => {
      hop(
        hsOf[u],
        u,
        syncBytes(row),
        log.kind[row] as KindId,
        row,
        log.msg[row],
        setIds(log.sAcct[row], u, log.obj[row]),
        onDevice,
      );
    },
  });

  /** Sygnal → FCM/APNs → device: the gateway reads token ↔ room, event and unread counts. */
  const pushes = new PushChain(sim, net, w, {
    fcm: h.fcm,
    apns: h.apns,
    latency: p.pushLatency,
    rng: pushRng,
    hop,
    userOf: (row) => log.rAcct[row],
    deviceBytes: WAKE_BYTES,
    deviceIds: () => undefined,
    onDevice: (row) => mail.wake(log.to[row]),
  });

  /** The payload that reached `hs` via `row` goes to member u: now over its /sync if online, else stored. */
  const toMember = (row: number, hs: number, u: number): void => {
    const kind = log.kind[row] as KindId;
    if (isOnline(w, u, sim.now)) {
      const cb = kind === Kind.message ? onDevice : null;
      hop(hs, u, syncBytes(row), kind, row, log.msg[row], setIds(log.sAcct[row], u, log.obj[row]), cb);
      return;
    }
    // Typing and receipt EDUs are not stored for offline members (their next sync carries only the current state).
    if (kind === Kind.ephemeral) return;
    mail.store(u, row);
    if (kind === Kind.message && push && isMobile(u)) {
      const r = hop(hs, h.gateway, NOTIFY_BYTES, Kind.push, row, log.msg[row], setIds(-1, u, log.obj[row]), null);
      sim.after(log.tRx[r], proc.sample(procRng), atGateway, r);
    }
    mail.expectReconnect(u);
  };

  /** Sygnal: token ↔ room, event, unread counts; forwards to the device's platform provider. */
  const atGateway = (row: number): void => {
    const u = log.rAcct[row];
    pushes.send(h.gateway, u, PUSH_BYTES, row, log.msg[row], setIds(-1, u, log.obj[row]));
  };

  const onDevice = (row: number): void => {
    if (log.kind[row] !== Kind.message) return;
    const u = log.to[row];
    const m = log.msg[row];
    net.deliver(m, w.sender[m], u, w.group[m], tSend[m], row);
    if (readReceipts) {
      const t = nextOnline(w, u, sim.now) + Math.round(readDelay.sample(userRng(u)));
      if (t < end) sim.at(t, onRead, row);
    }
  };

  // --- device → homeserver ---------------------------------------------------------------------

  /** Room payload from device u: PUT to its homeserver, then fan-out after processing. */
  const upload = (u: number, m: number, kind: KindId, bytes: number): void => {
    const room = rooms.roomOf(m);
    const hs = hsOf[u];
    const other = room < E ? (w.sender[m] === u ? w.recipient[m] : w.sender[m]) : -1;
    const row = hop(u, hs, bytes, kind, -1, m, setIds(u, other, room), null);
    sim.after(log.tRx[row], proc.sample(procRng), atOrigin, row);
  };

  const atOrigin = (row: number): void => {
    const hs = log.to[row];
    if (log.kind[row] === Kind.message) hop(hs, log.from[row], ACK_BYTES, Kind.ack, row, -1, undefined, null);
    afterHold(fromOrigin, row);
  };

  const fromOrigin = (row: number): void => {
    const hs = log.to[row];
    const m = log.msg[row];
    if (log.kind[row] === Kind.keyShare) {
      keyShareOut(row);
      return;
    }
    fanOut(row, hs, log.obj[row], w.sender[m], w.recipient[m]);
  };

  /** A read receipt for the event the reader got via `deliveryRow`. */
  const onRead = (deliveryRow: number): void => {
    upload(log.to[deliveryRow], log.msg[deliveryRow], Kind.ephemeral, EDU_CLIENT_BYTES);
  };

  // Typing starts typingLead before a message; a reply's sender cannot type before it has the original.
  const onTyping = (m: number): void => {
    const orig = w.replyTo[m];
    const s = w.sender[m];
    if (orig >= 0) net.whenDelivered(orig, () => upload(s, m, Kind.ephemeral, EDU_CLIENT_BYTES));
    else upload(s, m, Kind.ephemeral, EDU_CLIENT_BYTES);
  };

  // --- Megolm key shares (to-device) ---------------------------------------------------------

  /** Messages left in each (sender, room) Megolm session; absent = not yet seen (random phase). */
  const sessionLeft = new Map<number, number>();
  const roomCount = E + NG;

  /** Whether m starts a new Megolm session for its sender in its room. */
  const rotates = (m: number): boolean => {
    if (rotation <= 0) return false;
    const s = w.sender[m];
    const key = s * roomCount + rooms.roomOf(m);
    let left = sessionLeft.get(key);
    if (left === undefined) {
      left = 1 + Math.floor(userRng(s)() * rotation);
    }
    left--;
    const fresh = left === 0;
    sessionLeft.set(key, fresh ? rotation : left);
    return fresh;
  };

  /** One /sendToDevice PUT carrying the new session key for every other member (rAcct: the target, when only one). */
  const shareKey = (m: number): void => {
    const s = w.sender[m];
    const room = rooms.roomOf(m);
    const targets = room < E ? 1 : w.groupStart[w.group[m] + 1] - w.groupStart[w.group[m]] - 1;
    const r = room < E ? w.recipient[m] : -1;
    const row = hop(s, hsOf[s], KEY_SHARE_BYTES * targets, Kind.keyShare, -1, m, setIds(s, r, -1), null);
    sim.after(log.tRx[row], proc.sample(procRng), atOrigin, row);
  };

  /** The sender's homeserver sends m.direct_to_device: one EDU per destination server, or straight to local targets. */
  const keyShareOut = (row: number): void => {
    const m = log.msg[row];
    const s = w.sender[m];
    const origin = log.to[row];
    const room = rooms.roomOf(m);
    const send = (d: number, targets: number[]): void => {
      if (d === origin) {
        for (const t of targets) toMemberKey(row, origin, t);
        return;
      }
      const r = hop(
        origin,
        d,
        KEY_SHARE_BYTES * targets.length,
        Kind.keyShare,
        row,
        m,
        setIds(s, targets.length === 1 ? targets[0] : -1, -1),
        null,
      );
      sim.after(log.tRx[r], proc.sample(procRng) + hold(), atRemoteKey, r);
    };
    if (room < E) {
      const r = w.recipient[m];
      send(hsOf[r], [r]);
      return;
    }
    const g = room - E;
    for (let k = segStart[g]; k < segStart[g + 1]; k++) {
      const targets: number[] = [];
      for (let x = segFrom[k]; x < segTo[k]; x++) if (gMembers[x] !== s) targets.push(gMembers[x]);
      if (targets.length > 0) send(segHs[k], targets);
    }
  };

  const atRemoteKey = (row: number): void => {
    const m = log.msg[row];
    const s = w.sender[m];
    const hs = log.to[row];
    const room = rooms.roomOf(m);
    if (room < E) {
      toMemberKey(row, hs, w.recipient[m]);
      return;
    }
    const k = rooms.segOf(room - E, hs);
    if (k >= 0) for (let x = segFrom[k]; x < segTo[k]; x++) if (gMembers[x] !== s) toMemberKey(row, hs, gMembers[x]);
  };

  /** A to-device key for u reached its homeserver: the row to the device names the target. */
  const toMemberKey = (row: number, hs: number, u: number): void => {
    if (isOnline(w, u, sim.now)) {
      hop(hs, u, KEY_SHARE_BYTES, Kind.keyShare, row, log.msg[row], setIds(log.sAcct[row], u, -1), null);
      return;
    }
    mail.store(u, row);
    mail.expectReconnect(u);
  };

  // --- sending -------------------------------------------------------------------------------

  feedWorkload(ctx, (m: number): void => {
    tSend[m] = sim.now;
    const s = w.sender[m];
    if (rotates(m)) shareKey(m);
    upload(s, m, Kind.message, megolm(m) + eventOverhead);
  });

  if (typing) {
    for (let m = 0; m < w.count; m++) {
      if (w.tSend[m] >= end) continue;
      const s = w.sender[m];
      sim.at(Math.max(0, w.tSend[m] - Math.round(typingLead.sample(userRng(s)))), onTyping, m);
    }
  }
}
