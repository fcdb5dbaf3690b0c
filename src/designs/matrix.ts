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
 */
import { type Dist, Zipf } from '../core/dist.js';
import type { Rng } from '../core/rng.js';
import { Role } from '../net/hosts.js';
import { type HopIds, Kind, type KindId, VIS_RX, VIS_TX } from '../net/log.js';
import { isOnline, nextOnline } from '../workload/generate.js';
import { Platform } from '../workload/types.js';
import { connectionPhase, feedWorkload, intAtLeast, padTo, positiveDuration } from './common.js';
import {
  afterHoldOf,
  applyCountermeasures,
  COUNTERMEASURE_PARAMS,
  countermeasureProblems,
  holdOf,
} from './countermeasures.js';
import type { BuiltDesign, DesignContext, DesignModule, ParamProblem, ParamSpec, ResolvedParams } from './design.js';

const SPEC = 'matrix-org/matrix-spec';

const PARAMS: readonly ParamSpec[] = [
  {
    name: 'homeservers',
    type: 'int',
    default: 50,
    unit: 'servers',
    min: 1,
    description: 'Homeservers users are registered on (a server with no users exists but takes part in no room)',
    source:
      '[assumption] enough servers that a uniform placement spreads users thinly; no census of homeservers by user count exists',
  },
  {
    name: 'placement',
    type: 'enum',
    default: 'uniform',
    values: ['uniform', 'zipf'],
    description:
      "How users pick a homeserver, i.i.d.: uniform, or zipf (rank k with weight 1/(k+1)^zipfExponent: one big server like matrix.org, Element's default, dominates)",
    source:
      "[assumption] uniform is the neutral placement (test/validation/matrix-exposure.test.ts checks it against the closed form); zipf models one dominant server, as matrix.org is Element's default homeserver [not code-verified]",
  },
  {
    name: 'zipfExponent',
    type: 'number',
    default: 1,
    min: 0,
    description: 'Exponent s of the zipf placement',
    source: '[assumption] s = 1, the classic zipf law; no measured distribution of users over homeservers',
  },
  {
    name: 'threepidFraction',
    type: 'fraction',
    default: 0.5,
    description:
      'Fraction of accounts registered with an e-mail address or phone number (a 3PID) — the real-world identifier',
    source:
      '[assumption] no published share; 0.5 as a midpoint (matrix.org asks for an e-mail at sign-up, other servers vary). An input, not a measurement: exposure.csv marks the vector it sets as source = input',
  },
  {
    name: 'readReceipts',
    type: 'bool',
    default: true,
    description: 'Public m.read receipt when a member reads an event, federated to every homeserver in the room',
    source: `${SPEC} content/client-server-api/modules/receipts.md (m.read is federated; m.read.private is optional)`,
  },
  {
    name: 'readDelay',
    type: 'dist',
    default: 'exp(30s)',
    unit: 'duration',
    description:
      'Time from delivery (or from the member next coming online, if it was offline) until the member reads the event',
    source: '[assumption] an online user reads a new message within about half a minute; no published distribution',
  },
  {
    name: 'typingNotifications',
    type: 'bool',
    default: true,
    description:
      'm.typing EDU (typing: true) from the sender typingLead before each message, to every homeserver in the room; the typing: false on send rides in the same transaction as the event',
    source: `${SPEC} data/api/client-server/typing.yaml (timeout 30000 ms); clients send typing notifications by default [assumption]`,
  },
  {
    name: 'typingLead',
    type: 'dist',
    default: 'uniform(2s, 15s)',
    unit: 'duration',
    description: 'How long before a message its sender starts typing (start of the m.typing notification)',
    source: '[assumption] a short message takes seconds to type',
  },
  {
    name: 'megolmRotation',
    type: 'int',
    default: 100,
    unit: 'messages',
    min: 0,
    description:
      'A sender starts a new Megolm session in a room every this many messages and shares the key with every other member (to-device m.room_key); the count starts at a random phase; 0 = no key shares',
    source: `${SPEC} data/event-schemas/schema/m.room.encryption.yaml (rotation_period_msgs = 100)`,
  },
  {
    name: 'syncTimeout',
    type: 'duration',
    default: '30s',
    unit: 'duration',
    description: 'Timeout of the idle /sync long-poll an online client keeps open (periodic flow device ↔ homeserver)',
    source: 'matrix-org/matrix-js-sdk src/sync.ts (pollTimeout = 30 s)',
  },
  {
    name: 'push',
    type: 'bool',
    default: true,
    description:
      'Events for an offline mobile (android/ios) member go homeserver → push gateway (Sygnal) → FCM/APNs → device, which wakes and syncs',
    source: `element-hq/element-x-android (FirebaseConfig PUSHER_HTTP_URL: the matrix.org Sygnal gateway); ${SPEC} data/api/push-gateway/push_notifier.yaml (event_id_only format)`,
  },
  {
    name: 'pushLatency',
    type: 'dist',
    default: 'uniform(0.5s, 3s)',
    unit: 'duration',
    description: 'Time a push spends inside FCM/APNs before it reaches the device',
    source: '[assumption] FCM and APNs deliver in seconds, variably; no published distribution',
  },
  {
    name: 'eventOverhead',
    type: 'int',
    default: 300,
    unit: 'bytes',
    min: 0,
    description:
      'Bytes around the Megolm ciphertext in the client PUT (algorithm, device_id, sender_key, session_id, HTTP framing)',
    source: `${SPEC} content/client-server-api/modules/end_to_end_encryption.md (m.megolm.v1.aes-sha2 content fields); size [assumption]`,
  },
  {
    name: 'pduOverhead',
    type: 'int',
    default: 700,
    unit: 'bytes',
    min: 0,
    description:
      'Bytes around the ciphertext in a federated PDU (sender, room_id, event_id, origin_server_ts, prev/auth events, depth, hashes, signatures, transaction framing)',
    source: `${SPEC} data/api/server-server/definitions/components/pdu_base.yaml (PDU fields); size [assumption]`,
  },
  {
    name: 'paddingBlock',
    type: 'int',
    default: 0,
    unit: 'bytes',
    min: 0,
    description:
      'Pad the event plaintext to a multiple of this before Megolm encryption, so ciphertext sizes no longer track message length (countermeasure; 0 = no padding, as deployed: Megolm hides length only to 16 bytes)',
    source: `countermeasure, off in the deployed protocol: Megolm is AES-CBC with no length padding (${SPEC} content/client-server-api/modules/end_to_end_encryption.md); Signal pads to 160 B (docs/designs/signal.md)`,
  },
  {
    name: 'padAll',
    type: 'bool',
    default: false,
    description:
      'Pad every transmission (uploads, federation, /sync, typing and receipt EDUs, to-device key shares, pushes, acks, idle syncs) to a multiple of paddingBlock instead of padding only the event plaintext, so every kind of traffic below the block has one size on the wire (countermeasure; needs paddingBlock > 0)',
    source:
      'countermeasure, off in the deployed protocol; constant-size transmissions as in SimpleX (16 KB blocks) and mixnets (Sphinx)',
  },
  ...COUNTERMEASURE_PARAMS,
];

/** Event JSON the Megolm plaintext wraps around the body (type, content.msgtype, room_id). [assumption] */
const PLAINTEXT_JSON = 110;
/** Megolm message framing: version, index varint, length, 8-byte MAC, 64-byte ed25519 signature. */
const MEGOLM_FRAMING = 80;
/** A /sync response carrying one event (event JSON, next_batch, room envelope). [assumption] */
const SYNC_EVENT_BYTES = 400;
/** Sizes of control exchanges [assumption]: 200 response to a PUT; EDU as PUT, in a transaction, in /sync. */
const ACK_BYTES = 150;
const EDU_CLIENT_BYTES = 150;
const EDU_FED_BYTES = 400;
const EDU_SYNC_BYTES = 250;
/** An Olm-encrypted m.room_key to-device message (per target device). [assumption] */
const KEY_SHARE_BYTES = 600;
/** Homeserver → Sygnal notification (event_id_only: event, room, counts, device pushkey); gateway → provider; provider → device. */
const NOTIFY_BYTES = 600;
const PUSH_BYTES = 400;
const WAKE_BYTES = 256;
/** A /sync request (a woken or returning device) and one idle long-poll exchange (request + empty response). */
const SYNC_REQUEST_BYTES = 400;
const SYNC_IDLE_BYTES = 700;

export const matrix: DesignModule = {
  id: 'matrix',
  summary:
    'Matrix: federated homeservers; every homeserver in a room receives sender, room and timing of every event; /sync long-polls; Sygnal push',
  params: PARAMS,
  processing: {
    default: 'uniform(20ms, 200ms)',
    source:
      '[assumption] 20–200 ms per event at a homeserver (event authorisation, state checks, storage); no published measurement',
  },
  check(p) {
    const out: ParamProblem[] = countermeasureProblems(p);
    if (p.padAll === true && !((p.paddingBlock as number) > 0))
      out.push({
        param: 'padAll',
        message: 'padAll pads to paddingBlock, which is 0; set paddingBlock (e.g. 4096) or padAll: false',
        expected: 'paddingBlock > 0 with padAll: true',
      });
    const hs = p.homeservers as number;
    if (!Number.isInteger(hs) || hs < 1)
      out.push({
        param: 'homeservers',
        message: `homeservers is ${hs}; there must be at least 1 homeserver`,
        expected: 'integer ≥ 1',
      });
    intAtLeast(p, out, 'megolmRotation', 0);
    intAtLeast(p, out, 'eventOverhead', 0);
    intAtLeast(p, out, 'pduOverhead', 0);
    if (p.placement !== 'uniform' && p.placement !== 'zipf')
      out.push({ param: 'placement', message: `unknown placement "${p.placement}"`, expected: 'uniform | zipf' });
    const s = p.zipfExponent as number;
    if (!(s >= 0) || !Number.isFinite(s))
      out.push({
        param: 'zipfExponent',
        message: `zipfExponent is ${s}; use a number ≥ 0 (1 ≈ matrix.org dominance)`,
        expected: 'number ≥ 0',
      });
    const f = p.threepidFraction as number;
    if (!(f >= 0 && f <= 1))
      out.push({
        param: 'threepidFraction',
        message: `threepidFraction is ${f}; it is a fraction`,
        expected: 'number in [0, 1]',
      });
    positiveDuration(p, out, 'syncTimeout', '30s');
    return out;
  },
  /** Every homeserver. */
  infraHosts: (p) => p.homeservers as number,
  build: buildMatrix,
};

function buildMatrix(deployed: DesignContext, p: ResolvedParams): BuiltDesign {
  const ctx = applyCountermeasures(deployed, p);
  const { sim, net, hosts, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const NG = w.groupStart.length - 1;
  const H = p.homeservers as number;
  // Every transmission goes through `hop`: with padAll it leaves padded to paddingBlock.
  const wire = (bytes: number): number => (p.padAll ? padTo(bytes, p.paddingBlock as number) : bytes);
  const hop: typeof net.hop = p.padAll
    ? (from, to, bytes, kind, prev, msg, ids, onArrive) =>
        net.hop(from, to, wire(bytes), kind, prev, msg, ids, onArrive)
    : net.hop.bind(net);
  const readReceipts = p.readReceipts as boolean;
  const readDelay = p.readDelay as Dist;
  const typing = p.typingNotifications as boolean;
  const typingLead = p.typingLead as Dist;
  const rotation = p.megolmRotation as number;
  const push = p.push as boolean;
  const pushLatency = p.pushLatency as Dist;
  const eventOverhead = p.eventOverhead as number;
  const pduOverhead = p.pduOverhead as number;
  const end = ctx.duration;
  const proc = ctx.processing;
  const procRng = ctx.streams.stream('homeserver/processing');
  // A homeserver holds each event or to-device payload before forwarding it (to other servers
  // or to its members); its 200 to the uploading client is not held.
  const mixRng = ctx.streams.stream('homeserver/mixing');
  const hold = holdOf(ctx.mix, mixRng);
  const afterHold = afterHoldOf(sim, ctx.mix, mixRng);
  const pushRng = ctx.streams.stream('push/latency');

  // --- hosts and placement -------------------------------------------------------------------

  const base = hosts.count;
  for (let i = 0; i < H; i++) hosts.add(Role.homeserver, `homeserver-${i}`);
  let gateway = -1;
  let fcm = -1;
  let apns = -1;
  if (push) {
    gateway = hosts.add(Role.gateway, 'sygnal');
    fcm = hosts.add(Role.push, 'fcm');
    apns = hosts.add(Role.push, 'apns');
  }
  // I.i.d. placement, one draw per user in id order: user u's server does not depend on U.
  const zipf = p.placement === 'zipf' ? new Zipf(H, p.zipfExponent as number) : null;
  const placeRng = ctx.streams.stream('placement');
  const hsOf = Int32Array.from({ length: U }, () => base + (zipf ? zipf.sample(placeRng) : Math.floor(placeRng() * H)));
  /** Each user's own stream for its draws during the run (read delays, typing leads, Megolm phases). */
  const userRngs: (Rng | undefined)[] = new Array(U);
  const userRng = (u: number): Rng => (userRngs[u] ??= ctx.streams.stream(`user/${u}`));

  // --- rooms ----------------------------------------------------------------------------------

  // DM rooms: one per contact-graph edge, numbered in (min, max) order; edgeRoom is parallel to adj.
  const { adjStart, adj } = w;
  const edgeRoom = new Int32Array(adj.length).fill(-1);
  let E = 0;
  for (let u = 0; u < U; u++) for (let i = adjStart[u]; i < adjStart[u + 1]; i++) if (u < adj[i]) edgeRoom[i] = E++;
  /** Position of v in u's (sorted) contact list, or -1. */
  const contactIndex = (u: number, v: number): number => {
    let lo = adjStart[u];
    let hi = adjStart[u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (adj[mid] === v) return mid;
      if (adj[mid] < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  for (let u = 0; u < U; u++)
    for (let i = adjStart[u]; i < adjStart[u + 1]; i++) if (u > adj[i]) edgeRoom[i] = edgeRoom[contactIndex(adj[i], u)];

  // Group rooms: members sorted by homeserver, one segment per participating homeserver.
  const gMembers = new Int32Array(w.groupMembers.length);
  const segStart: number[] = [0];
  const segHs: number[] = [];
  const segFrom: number[] = [];
  const segTo: number[] = [];
  for (let g = 0; g < NG; g++) {
    const a = w.groupStart[g];
    const b = w.groupStart[g + 1];
    const sorted = Array.from(w.groupMembers.subarray(a, b)).sort((x, y) => hsOf[x] - hsOf[y] || x - y);
    gMembers.set(sorted, a);
    for (let k = a; k < b; k++) {
      if (k === a || hsOf[gMembers[k]] !== hsOf[gMembers[k - 1]]) {
        segHs.push(hsOf[gMembers[k]]);
        segFrom.push(k);
        segTo.push(k + 1);
      } else segTo[segTo.length - 1] = k + 1;
    }
    segStart.push(segHs.length);
  }

  /** Room of message m (its group's room, or the DM room of sender and recipient). */
  const roomOf = (m: number): number => {
    const g = w.group[m];
    if (g >= 0) return E + g;
    const i = contactIndex(w.sender[m], w.recipient[m]);
    if (i < 0) throw new Error(`message ${m}: ${w.sender[m]} and ${w.recipient[m]} share no room (not contacts)`);
    return edgeRoom[i];
  };

  // --- scratch ids, sizes --------------------------------------------------------------------

  const ids: HopIds = { sAcct: -1, rAcct: -1, obj: -1, vis: VIS_RX | VIS_TX };
  const setIds = (s: number, r: number, o: number): HopIds => {
    ids.sAcct = s;
    ids.rAcct = r;
    ids.obj = o;
    ids.vis = VIS_RX | VIS_TX;
    return ids;
  };
  /** Megolm ciphertext of m, base64: AES-CBC (PKCS#7, 16-byte blocks) + framing; plaintext padded to paddingBlock when set. */
  const padBlock = p.paddingBlock as number;
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

  /** Segment of group g's members on homeserver hs, or -1 when hs takes no part in the room. */
  const segOf = (g: number, hs: number): number => {
    for (let k = segStart[g]; k < segStart[g + 1]; k++) if (segHs[k] === hs) return k;
    return -1;
  };

  /** Segment k's only member other than `except`, or -1 (none or several): what room state names. */
  const onlyInSeg = (k: number, except: number): number => {
    let found = -1;
    let n = 0;
    for (let x = segFrom[k]; x < segTo[k]; x++) {
      if (gMembers[x] === except) continue;
      found = gMembers[x];
      n++;
    }
    return n === 1 ? found : -1;
  };

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
        if (segHs[k] !== origin) federate(row, origin, segHs[k], bytes, onlyInSeg(k, s));
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
    const k = segOf(room - E, hs);
    if (k >= 0) for (let x = segFrom[k]; x < segTo[k]; x++) if (gMembers[x] !== except) toMember(row, hs, gMembers[x]);
  };

  // --- homeserver → device ---------------------------------------------------------------------

  /** Per user: rows that brought a stored payload (event or to-device) to its homeserver while it was offline. */
  const stored: number[][] = new Array(U);
  const fetching = new Uint8Array(U);
  const reconnectAt = new Uint8Array(U);

  const syncBytes = (row: number): number => {
    const k = log.kind[row];
    return k === Kind.message
      ? megolm(log.msg[row]) + SYNC_EVENT_BYTES
      : k === Kind.keyShare
        ? KEY_SHARE_BYTES
        : EDU_SYNC_BYTES;
  };

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
    (stored[u] ??= []).push(row);
    if (kind === Kind.message && push && isMobile(u)) {
      const r = hop(hs, gateway, NOTIFY_BYTES, Kind.push, row, log.msg[row], setIds(-1, u, log.obj[row]), null);
      sim.after(log.tRx[r], proc.sample(procRng), atGateway, r);
    }
    if (!reconnectAt[u]) {
      const t = nextOnline(w, u, sim.now);
      if (t < Number.POSITIVE_INFINITY) {
        reconnectAt[u] = 1;
        sim.at(t, onReconnect, u);
      }
    }
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
    const room = roomOf(m);
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
  const rooms = E + NG;

  /** Whether m starts a new Megolm session for its sender in its room. */
  const rotates = (m: number): boolean => {
    if (rotation <= 0) return false;
    const s = w.sender[m];
    const key = s * rooms + roomOf(m);
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
    const room = roomOf(m);
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
    const room = roomOf(m);
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
    const room = roomOf(m);
    if (room < E) {
      toMemberKey(row, hs, w.recipient[m]);
      return;
    }
    const k = segOf(room - E, hs);
    if (k >= 0) for (let x = segFrom[k]; x < segTo[k]; x++) if (gMembers[x] !== s) toMemberKey(row, hs, gMembers[x]);
  };

  /** A to-device key for u reached its homeserver: the row to the device names the target. */
  const toMemberKey = (row: number, hs: number, u: number): void => {
    if (isOnline(w, u, sim.now)) {
      hop(hs, u, KEY_SHARE_BYTES, Kind.keyShare, row, log.msg[row], setIds(log.sAcct[row], u, -1), null);
      return;
    }
    (stored[u] ??= []).push(row);
    if (!reconnectAt[u]) {
      const t = nextOnline(w, u, sim.now);
      if (t < Number.POSITIVE_INFINITY) {
        reconnectAt[u] = 1;
        sim.at(t, onReconnect, u);
      }
    }
  };

  // --- offline members: push wake-ups and reconnects ---------------------------------------

  /** Sygnal: token ↔ room, event, unread counts; forwards to the device's platform provider. */
  const atGateway = (row: number): void => {
    const u = log.rAcct[row];
    const provider = w.platform[u] === Platform.ios ? apns : fcm;
    const r = hop(gateway, provider, PUSH_BYTES, Kind.push, row, log.msg[row], setIds(-1, u, log.obj[row]), null);
    sim.after(log.tRx[r], pushLatency.sample(pushRng), atProvider, r);
  };

  const atProvider = (row: number): void => {
    const u = log.rAcct[row];
    const r = hop(log.to[row], u, WAKE_BYTES, Kind.push, row, log.msg[row], undefined, null);
    sim.at(log.tRx[r], onWake, r);
  };

  const onWake = (row: number): void => {
    const u = log.to[row];
    if (fetching[u] || isOnline(w, u, sim.now)) return;
    openSync(u);
  };

  const onReconnect = (u: number): void => {
    reconnectAt[u] = 0;
    if (!fetching[u] && stored[u]?.length) openSync(u);
  };

  /** The device's /sync request; the homeserver answers with everything stored for it. */
  const openSync = (u: number): void => {
    fetching[u] = 1;
    const row = hop(u, hsOf[u], SYNC_REQUEST_BYTES, Kind.fetch, -1, -1, setIds(u, -1, -1), null);
    sim.after(log.tRx[row], proc.sample(procRng), drain, u);
  };

  const drain = (u: number): void => {
    fetching[u] = 0;
    const q = stored[u];
    if (!q || q.length === 0) return;
    stored[u] = [];
    const hs = hsOf[u];
    for (const row of q) {
      hop(
        hs,
        u,
        syncBytes(row),
        log.kind[row] as KindId,
        row,
        log.msg[row],
        setIds(log.sAcct[row], u, log.obj[row]),
        onDevice,
      );
    }
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

  // Idle /sync long-polls while online: one exchange per syncTimeout.
  const period = p.syncTimeout as number;
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

  // --- what the design reports -----------------------------------------------------------------

  const count = new Int32Array(H);
  for (let u = 0; u < U; u++) count[hsOf[u] - base]++;
  let big = 0;
  for (let i = 1; i < H; i++) if (count[i] > count[big]) big = i;
  return {
    infra: Array.from({ length: H }, (_, i) => base + i),
    central: base + big,
    realWorldIdentifier: p.threepidFraction as number,
    pushHosts: push ? [fcm, apns] : [],
    // Every participating homeserver holds the room state: the member list of each room id.
    groupMembersReadable: true,
  };
}
