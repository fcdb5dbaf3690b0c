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
 */
import type { Dist } from '../core/dist.js';
import type { Rng } from '../core/rng.js';
import { Role } from '../net/hosts.js';
import { type HopIds, Kind, type KindId, VIS_RX, VIS_TX } from '../net/log.js';
import { isOnline, nextOnline } from '../workload/generate.js';
import type { Workload } from '../workload/types.js';
import { Platform } from '../workload/types.js';
import { connectionPhase, feedWorkload, positiveDuration } from './common.js';
import { afterHoldOf, applyCountermeasures, COUNTERMEASURE_PARAMS, countermeasureProblems } from './countermeasures.js';
import type { BuiltDesign, DesignContext, DesignModule, ParamProblem, ParamSpec, ResolvedParams } from './design.js';

const MQ = 'simplex-chat/simplexmq';
const SC = 'simplex-chat/simplex-chat';
const APP_MODEL = `${SC} apps/multiplatform/common/src/commonMain/kotlin/chat/simplex/common/model/SimpleXAPI.kt`;
export const PRIVATE_ROUTING = ['always', 'unknown', 'never'] as const;

const PARAMS: readonly ParamSpec[] = [
  {
    name: 'relays',
    type: 'int',
    default: 17,
    unit: 'relays',
    min: 1,
    description:
      'SMP relays in the preset list: the first relays − proxyOnlyRelays store queues (and proxy), the rest only proxy',
    source: `${SC} src/Simplex/Chat/Operators/Presets.hs (11 enabled SimpleX Chat routers with storage and proxy roles, 6 Flux routers with the proxy role only)`,
  },
  {
    name: 'proxyOnlyRelays',
    type: 'int',
    default: 6,
    unit: 'relays',
    min: 0,
    description: 'Relays of a second operator (Flux) with the proxy role only: they never host queues',
    source: `${SC} src/Simplex/Chat/Operators/Presets.hs (smp1…smp6.simplexonflux.com: storage = False, proxy = True)`,
  },
  {
    name: 'privateRouting',
    type: 'enum',
    default: 'always',
    values: PRIVATE_ROUTING,
    description:
      'always: every SEND goes sender → proxy relay → destination relay; unknown: proxy only to relays outside the sender’s configured servers (with the preset list every storage relay is configured, so all sends are direct); never: always direct (the destination relay sees the sender’s address)',
    source: `${APP_MODEL} (SMPProxyMode.default = Always, SMPProxyFallback.default = AllowProtected); ${MQ} src/Simplex/Messaging/Client.hs (the library default is never); ${SC} PRIVACY.md`,
  },
  {
    name: 'deliveryReceipts',
    type: 'bool',
    default: true,
    description:
      'Delivery receipt for each direct (1:1) message, sent back through the reply queue of the same contact',
    source: `${SC} blog/20230722-simplex-chat-v5-2-message-delivery-receipts.md (on for new profiles, in direct chats)`,
  },
  {
    name: 'receiptDelay',
    type: 'dist',
    default: '0s',
    unit: 'duration',
    description:
      'Random hold before a delivery receipt leaves the recipient (countermeasure; 0s = at once, as deployed)',
    source: 'countermeasure, off in the deployed protocol; Martiny et al., NDSS 2021 §8 (delay or batch receipts)',
  },
  {
    name: 'tor',
    type: 'bool',
    default: false,
    description:
      'Every relay connection (sends, proxy connections, subscriptions, GETs, acks, pings) runs over a 3-hop Tor circuit (guard, middle, exit): relays and proxies see a Tor exit, not the user. Tor does not mix, so a global passive observer still sees both ends',
    source: `countermeasure, off by default; the apps can connect through SOCKS/Tor and every preset relay has a .onion address (${SC} PRIVACY.md); Tor: Dingledine et al., USENIX Security 2004`,
  },
  {
    name: 'torRelays',
    type: 'int',
    default: 1000,
    unit: 'relays',
    min: 3,
    description: 'Tor relays to draw guards, middles and exits from (uniformly; Tor weights by bandwidth)',
    source: '[assumption] a sample of the ≈7000-relay Tor network (metrics.torproject.org)',
  },
  {
    name: 'torCircuitLifetime',
    type: 'duration',
    default: '10min',
    unit: 'duration',
    description:
      'A circuit to one relay is replaced (new middle and exit, same guard) when it is older than this at the next use',
    source:
      'MaxCircuitDirtiness defaults to 600 s (https://2019.www.torproject.org/docs/tor-manual.html.en); one primary guard per client (https://spec.torproject.org/proposals/271-another-guard-selection.html)',
  },
  {
    name: 'torRelayDelay',
    type: 'dist',
    default: 'uniform(1ms, 50ms)',
    unit: 'duration',
    description: 'Queueing and processing at each Tor relay on a circuit',
    source: '[assumption] (Tor relays do not delay on purpose; congestion adds ms to tens of ms)',
  },
  {
    name: 'blockBytes',
    type: 'int',
    default: 16384,
    unit: 'bytes',
    min: 1,
    description: 'Fixed transport block: every SMP transmission on every link is one block',
    source: `${MQ} src/Simplex/Messaging/Transport.hs (smpBlockSize = 16384)`,
  },
  {
    name: 'pingInterval',
    type: 'duration',
    default: '1200s',
    unit: 'duration',
    description: 'PING/PONG period on each open relay connection while the app is online (periodic flow)',
    source: `${APP_MODEL} (NetCfg.defaults smpPingInterval = 1200 s; the library's default is 600 s)`,
  },
  {
    name: 'iosNotifications',
    type: 'bool',
    default: true,
    description:
      'iOS "instant" notifications: the destination relay sends NMSG for every message to an iOS user’s queue to the notification server, which pushes through APNs; an offline device then GETs the message',
    source: `${MQ} protocol/push-notifications.md (NMSG → notification server → APNs, for iOS only); instant mode as the default [assumption]`,
  },
  {
    name: 'ntfDeliveryInterval',
    type: 'duration',
    default: '1.5s',
    unit: 'duration',
    description: 'A relay flushes its pending NMSG notifications to the notification server on this tick',
    source:
      'simplex-chat/simplexmq src/Simplex/Messaging/Server/Main.hs (ntfDeliveryInterval = 1500000 µs; 3 s in older versions)',
  },
  {
    name: 'pushLatency',
    type: 'dist',
    default: 'uniform(0.5s, 3s)',
    unit: 'duration',
    description: 'Time a notification spends inside APNs before it reaches the device',
    source: '[assumption] APNs delivers in seconds, variably; no published distribution',
  },
  ...COUNTERMEASURE_PARAMS,
];

/** Tor link-protocol framing added to each 16 KB block (514-byte cells carry 498 bytes of relay data). [assumption] */
const TOR_OVERHEAD = 560;

/** Bytes of an APNs request / delivery (HTTP/2 + encrypted notification metadata). [assumption] */
const PUSH_BYTES = 512;

/** The queues of a run: one-way, each on a storage relay (index into the relay list). */
export interface QueueTable {
  count: number;
  relay: number[];
  sender: number[];
  recipient: number[];
  /** Contact queues by contact-graph slot: slot k of s (adj[k] = r) → the queue s sends to r on. */
  contact: Int32Array;
  /** Group-member queues: (group, sender, recipient) → queue. */
  group: Map<number, number>;
}

/**
 * Creates the two queues of one connection between a (inviter) and b: a picks the relay of the
 * queue it receives on uniformly among the storage relays; b picks the reply queue's relay
 * uniformly among the others (Agent/Client.hs getNextServer_ prefers hosts not yet used in the
 * connection; all storage relays are one operator). Returns the first queue (b → a); a → b is next.
 */
function createConnection(t: QueueTable, rngOf: (u: number) => Rng, storage: number, a: number, b: number): number {
  const ra = Math.floor(rngOf(a)() * storage);
  let rb = 0;
  if (storage > 1) {
    rb = Math.floor(rngOf(b)() * (storage - 1));
    if (rb >= ra) rb++;
  }
  const q = t.count;
  t.relay.push(ra, rb);
  t.sender.push(b, a);
  t.recipient.push(a, b);
  t.count += 2;
  return q;
}

/** Slot of r in s's contact list, or -1. */
function contactSlot(w: Workload, s: number, r: number): number {
  for (let k = w.adjStart[s]; k < w.adjStart[s + 1]; k++) if (w.adj[k] === r) return k;
  return -1;
}

/** Map key of (group, sender, recipient); exact in a double for any realistic size. */
function groupKey(users: number, g: number, s: number, r: number): number {
  return (g * users + s) * users + r;
}

/**
 * All queues of the workload's contact graph and groups, created before traffic starts. Each
 * user's choices come from its own stream `user/<u>/servers` (`rngOf`), so they do not depend on
 * how many other users exist.
 */
export function buildQueues(w: Workload, rngOf: (u: number) => Rng, storage: number): QueueTable {
  const U = w.users;
  const t: QueueTable = {
    count: 0,
    relay: [],
    sender: [],
    recipient: [],
    contact: new Int32Array(w.adj.length).fill(-1),
    group: new Map(),
  };
  for (let a = 0; a < U; a++) {
    for (let k = w.adjStart[a]; k < w.adjStart[a + 1]; k++) {
      const b = w.adj[k];
      if (a > b) continue;
      const q = createConnection(t, rngOf, storage, a, b);
      t.contact[contactSlot(w, b, a)] = q;
      t.contact[k] = q + 1;
    }
  }
  const G = w.groupStart.length - 1;
  for (let g = 0; g < G; g++) {
    for (let i = w.groupStart[g]; i < w.groupStart[g + 1]; i++) {
      for (let j = i + 1; j < w.groupStart[g + 1]; j++) {
        const a = Math.min(w.groupMembers[i], w.groupMembers[j]);
        const b = Math.max(w.groupMembers[i], w.groupMembers[j]);
        const q = createConnection(t, rngOf, storage, a, b);
        t.group.set(groupKey(U, g, b, a), q);
        t.group.set(groupKey(U, g, a, b), q + 1);
      }
    }
  }
  return t;
}

/** The queue `s` sends to `r` on: their contact connection (g = −1) or their connection in group g. */
export function queueOf(t: QueueTable, w: Workload, g: number, s: number, r: number): number {
  const q = g < 0 ? t.contact[contactSlot(w, s, r)] : t.group.get(groupKey(w.users, g, s, r));
  if (q === undefined || q < 0)
    throw new Error(`simplex: no queue for ${s} → ${r} in ${g < 0 ? 'contacts' : `group ${g}`}`);
  return q;
}

export const simplex: DesignModule = {
  id: 'simplex',
  summary: 'SimpleX Chat: per-contact one-way queues on recipient-chosen relays, 2-hop private routing, 16 KB blocks',
  params: PARAMS,
  processing: {
    default: 'uniform(1ms, 10ms)',
    source: '[assumption] 1–10 ms of processing and queueing at a relay; no published measurement',
  },
  check(p) {
    const out: ParamProblem[] = countermeasureProblems(p);
    const relays = p.relays as number;
    const proxyOnly = p.proxyOnlyRelays as number;
    if (!Number.isInteger(relays) || relays < 1)
      out.push({ param: 'relays', message: `relays is ${relays}; set it to an integer ≥ 1`, expected: 'integer ≥ 1' });
    if (!Number.isInteger(proxyOnly) || proxyOnly < 0 || proxyOnly >= relays)
      out.push({
        param: 'proxyOnlyRelays',
        message: `proxyOnlyRelays is ${proxyOnly} of ${relays} relays; at least one relay must store queues, so set it to 0..${Math.max(0, relays - 1)}`,
        expected: `integer in 0..relays − 1`,
      });
    if (!PRIVATE_ROUTING.includes(p.privateRouting as (typeof PRIVATE_ROUTING)[number]))
      out.push({
        param: 'privateRouting',
        message: `privateRouting "${p.privateRouting}" is not one of ${PRIVATE_ROUTING.join(', ')}`,
        expected: PRIVATE_ROUTING.join(' | '),
      });
    if (p.privateRouting === 'always' && relays < 2)
      out.push({
        param: 'privateRouting',
        message:
          'privateRouting: always needs a proxy relay other than the destination; set relays ≥ 2 or privateRouting: never',
        expected: 'relays ≥ 2 with privateRouting: always',
      });
    const block = p.blockBytes as number;
    if (!Number.isInteger(block) || block < 1)
      out.push({ param: 'blockBytes', message: `blockBytes is ${block}; use 16384`, expected: 'integer ≥ 1' });
    positiveDuration(p, out, 'pingInterval', '1200s');
    if (!((p.ntfDeliveryInterval as number) >= 0))
      out.push({
        param: 'ntfDeliveryInterval',
        message: 'ntfDeliveryInterval must not be negative; use e.g. 1.5s',
        expected: 'a duration ≥ 0',
      });
    return out;
  },
  /** Every relay of the preset list (storage and proxy-only) and the notification server. */
  infraHosts: (p) => (p.relays as number) + 1,
  build: buildSimplex,
};

function buildSimplex(deployed: DesignContext, p: ResolvedParams): BuiltDesign {
  const ctx = applyCountermeasures(deployed, p);
  const { sim, net, hosts, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const R = p.relays as number;
  const S = R - (p.proxyOnlyRelays as number);
  const proxied = p.privateRouting === 'always';
  // `unknown` proxies only to relays that are not among the sender's configured servers. Every
  // user runs the preset list, and queues live only on preset storage relays, so it is direct.
  const receipts = p.deliveryReceipts as boolean;
  const receiptDelay = p.receiptDelay as Dist;
  const block = p.blockBytes as number;
  const iosNtf = p.iosNotifications as boolean;
  const ntfInterval = p.ntfDeliveryInterval as number;
  const pushLatency = p.pushLatency as Dist;
  const end = ctx.duration;
  const proc = ctx.processing;

  // Host ids of relays are contiguous: relay i is host relay0 + i.
  const relay0 = hosts.count;
  for (let i = 0; i < R; i++) hosts.add(Role.relay, i < S ? `smp-storage-${i}` : `smp-proxy-only-${i - S}`);
  const ntf = hosts.add(Role.notifier, 'ntf-server');
  const apns = hosts.add(Role.push, 'apns');
  const tor = p.tor as boolean;
  const T = tor ? (p.torRelays as number) : 0;
  const tor0 = hosts.count;
  for (let i = 0; i < T; i++) hosts.add(Role.tor, `tor-${i}`);
  const operator = (i: number): number => (i < S ? 0 : 1);

  // One stream per user for its server choices: its queues' relays first, then its proxies.
  const userRngs: Rng[] = new Array(U);
  const userRng = (u: number): Rng => (userRngs[u] ??= ctx.streams.stream(`user/${u}/servers`));
  const qt = buildQueues(w, userRng, S);
  const Q = qt.count;
  const qRelay = qt.relay;
  const qSender = qt.sender;
  const qRecipient = qt.recipient;

  // Proxy candidates per destination: relays of another operator, else any other relay.
  const candidates: number[][] = [];
  for (let d = 0; d < S; d++) {
    const other = [];
    for (let i = 0; i < R; i++) if (operator(i) !== operator(d)) other.push(i);
    if (other.length === 0) for (let i = 0; i < R; i++) if (i !== d) other.push(i);
    candidates.push(other);
  }
  // Sticky proxy per (sender, destination relay), chosen by the sender at its first use of the
  // destination (queues in creation order), so the choice is fixed before traffic starts.
  const proxyOf = new Int16Array(U * S).fill(-1);
  // Relays each user keeps a connection to (for the PING flows): subscriptions, proxies or direct sends.
  const connected = new Uint8Array(U * R);
  const hostedBy = new Int32Array(S);
  for (let q = 0; q < Q; q++) {
    const s = qSender[q];
    const d = qRelay[q];
    hostedBy[d]++;
    connected[qRecipient[q] * R + d] = 1;
    if (!proxied) {
      connected[s * R + d] = 1;
      continue;
    }
    if (proxyOf[s * S + d] < 0) {
      const c = candidates[d];
      proxyOf[s * S + d] = c[Math.floor(userRng(s)() * c.length)];
    }
    connected[s * R + proxyOf[s * S + d]] = 1;
  }

  const relayRng: Rng[] = [];
  const ntfPhase = new Float64Array(R);
  for (let i = 0; i < R; i++) {
    relayRng.push(ctx.streams.stream(`relay/${i}/processing`));
    ntfPhase[i] = Math.floor(ctx.streams.stream(`relay/${i}/ntf-phase`)() * ntfInterval);
  }
  const ntfRng = ctx.streams.stream('ntf/processing');
  const apnsRng = ctx.streams.stream('apns/latency');

  const tSend = new Float64Array(w.count);
  // Stored, undelivered rows per queue, FIFO as a linked list through the store rows (no per-queue
  // arrays); the relay hands out one at a time and the next only after the ACK.
  const head = new Int32Array(Q).fill(-1);
  const tail = new Int32Array(Q).fill(-1);
  const inFlight = new Uint8Array(Q);
  /** 1 while a woken iOS device is draining the queue with GET (it fetches until the queue is empty). */
  const draining = new Uint8Array(Q);
  const parked = new Uint8Array(Q);
  const userParked: (number[] | undefined)[] = new Array(U);
  const reconnectAt = new Uint8Array(U);
  /** Queues each pending SUB batch covers, by batch id (the SUB row's aux). */
  const subQueues = new Map<number, number[]>();
  let nextSub = 0;
  /**
   * Per-row side data: for a row whose identifiers do not name its queue (sender → proxy,
   * NTF → APNs → device), the queue; for a store row, the next stored row of its queue (-1 = last).
   */
  let aux = new Int32Array(1 << 16);
  const setAux = (row: number, v: number): void => {
    if (row >= aux.length) {
      const a = new Int32Array(Math.max(row + 1, aux.length * 2));
      a.set(aux);
      aux = a;
    }
    aux[row] = v;
  };
  const enqueue = (q: number, row: number): void => {
    setAux(row, -1);
    if (tail[q] < 0) head[q] = row;
    else aux[tail[q]] = row;
    tail[q] = row;
  };
  const dequeue = (q: number): number => {
    const row = head[q];
    head[q] = aux[row];
    if (head[q] < 0) tail[q] = -1;
    return row;
  };

  const ids: HopIds = { sAcct: -1, rAcct: -1, obj: -1, vis: VIS_RX | VIS_TX };
  const objIds = (o: number, vis: number): HopIds => {
    ids.obj = o;
    ids.vis = vis;
    return ids;
  };
  const BOTH = VIS_RX | VIS_TX;

  // --- Tor (countermeasure): one circuit per (user, relay), same guard for all ------------------

  const torDelay = p.torRelayDelay as Dist;
  const torRng = ctx.streams.stream('tor/delay');
  const lifetime = p.torCircuitLifetime as number;
  const guardOf = new Int32Array(tor ? U : 0).fill(-1);
  /** Per (user, relay): the circuit's path user → guard → middle → exit → relay, and when it expires. */
  const circuits = new Map<number, { path: Int32Array; until: number }>();
  const circuit = (u: number, d: number): Int32Array => {
    const key = u * R + d;
    const c = circuits.get(key);
    if (c && sim.now < c.until) return c.path;
    const rng = userRng(u);
    if (guardOf[u] < 0) guardOf[u] = Math.floor(rng() * T);
    const g = guardOf[u];
    let middle = Math.floor(rng() * (T - 1));
    if (middle >= g) middle++;
    let exit = Math.floor(rng() * (T - 2));
    for (const x of [Math.min(g, middle), Math.max(g, middle)]) if (exit >= x) exit++;
    const path = Int32Array.of(u, tor0 + g, tor0 + middle, tor0 + exit, relay0 + d);
    circuits.set(key, { path, until: sim.now + lifetime });
    return path;
  };

  /**
   * Carries one block along a circuit (relay-bound, or user-bound when `down`). Only the two ends
   * can read `obj`: the first leg's sender and the last leg's receiver. `onLast(row)` runs as the
   * last leg is logged. Legs inside Tor carry the cell framing; the exit ↔ relay leg is plain TLS.
   */
  const transit = (
    path: Int32Array,
    down: boolean,
    kind: KindId,
    prev: number,
    msg: number,
    obj: number,
    onLast: (row: number) => void,
  ): void => {
    const n = path.length;
    const leg = (k: number, before: number): void => {
      const from = path[down ? n - 1 - k : k];
      const to = path[down ? n - 2 - k : k + 1];
      const last = k === n - 2;
      const vis = (k === 0 ? VIS_TX : 0) | (last ? VIS_RX : 0);
      const plain = down ? k === 0 : last;
      const row = net.hop(from, to, plain ? block : block + TOR_OVERHEAD, kind, before, msg, objIds(obj, vis), null);
      if (last) onLast(row);
      else sim.after(log.tRx[row], torDelay.sample(torRng), (r: number) => leg(k + 1, r), row);
    };
    leg(0, prev);
  };

  const NO_SIDE = -2;
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
      transit(circuit(from, d), false, kind, prev, msg, i?.obj ?? -1, (row) => atRelay(row, d, then, side));
    else atRelay(net.hop(from, relay0 + d, block, kind, prev, msg, i, null), d, then, side);
  };

  /** Relay `d` received `row`: record its side data, then act after processing. */
  const atRelay = (row: number, d: number, then: (row: number) => void, side: number): void => {
    if (side !== NO_SIDE) setAux(row, side);
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
    transit(circuit(u, relayOfHost(from)), true, kind, prev, msg, i?.obj ?? -1, (row) => {
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
    const q = aux[row];
    // RFWD: the queue's sender id is inside the layer only the destination opens.
    toRelay(log.to[row], qRelay[q], log.kind[row] as KindId, row, log.msg[row], objIds(q, VIS_RX), onStore);
  };

  const proxyRespond = (row: number): void => afterHold(relayOfHost(log.to[row]), proxyPres, row);
  const proxyPres = (row: number): void => {
    // RRES ← RFWD ← PFWD: the PFWD carried queue q from its sender.
    const sender = qSender[aux[log.prev[log.prev[row]]]];
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
    enqueue(q, row);
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
    const row = dequeue(q);
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
    const qs = subQueues.get(aux[row]) as number[];
    subQueues.delete(aux[row]);
    for (const q of qs) tryServe(q);
  };

  // --- iOS notifications ---------------------------------------------------------------------

  const relayNmsg = (storeRow: number): void => {
    const q = log.obj[storeRow];
    const row = net.hop(
      log.to[storeRow],
      ntf,
      block,
      Kind.push,
      storeRow,
      log.msg[storeRow],
      objIds(Q + q, BOTH),
      null,
    );
    sim.after(log.tRx[row], proc.sample(ntfRng), ntfPush, row);
  };

  const ntfPush = (row: number): void => {
    const q = log.obj[row] - Q;
    const r = qRecipient[q];
    const out = net.hop(ntf, apns, PUSH_BYTES, Kind.push, row, log.msg[row], objIds(2 * Q + r, BOTH), null);
    setAux(out, q);
    sim.after(log.tRx[out], pushLatency.sample(apnsRng), apnsPush, out);
  };

  const apnsPush = (row: number): void => {
    const q = aux[row];
    const r = qRecipient[q];
    setAux(net.hop(apns, r, PUSH_BYTES, Kind.push, row, log.msg[row], objIds(2 * Q + r, BOTH), onWake), q);
  };

  const onWake = (row: number): void => {
    const r = log.to[row];
    // A subscribed app already has the message; a suspended one wakes its extension, which GETs.
    if (isOnline(w, r, sim.now)) return;
    const q = aux[row];
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

  feedWorkload(ctx, send);

  // PING/PONG on every open relay connection while online (one block each way).
  const period = p.pingInterval as number;
  let nFlows = 0;
  for (let u = 0; u < U; u++) {
    let links = 0;
    for (let i = 0; i < R; i++) links += connected[u * R + i];
    nFlows += links * (w.onIdx[u + 1] - w.onIdx[u]);
  }
  // Paths are views into one buffer: one allocation instead of one per flow (over Tor: the circuit at the flow's start).
  const hopsPerPath = tor ? 5 : 2;
  const paths = new Int32Array(hopsPerPath * nFlows);
  let f = 0;
  for (let u = 0; u < U; u++) {
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const start = w.onStart[k];
      const stop = Math.min(w.onEnd[k], end);
      if (stop <= start) continue;
      for (let i = 0; i < R; i++) {
        if (!connected[u * R + i]) continue;
        const at = hopsPerPath * f++;
        if (tor) paths.set(circuit(u, i), at);
        else {
          paths[at] = u;
          paths[at + 1] = relay0 + i;
        }
        net.periodic.add({
          path: paths.subarray(at, at + hopsPerPath),
          period,
          phase: connectionPhase(ctx, u, start, period),
          start,
          end: stop,
          bytesPerLink: 2 * block,
          kind: Kind.keepalive,
        });
      }
    }
  }

  let central = 0;
  for (let d = 1; d < S; d++) if (hostedBy[d] > hostedBy[central]) central = d;
  const infra: number[] = [];
  for (let i = 0; i < R; i++) infra.push(relay0 + i);
  infra.push(ntf);
  return { infra, central: relay0 + central, realWorldIdentifier: 0, pushHosts: [apns] };
}
