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
 */
import type { Dist } from '../core/dist.js';
import { type Rng, randomOrder } from '../core/rng.js';
import { Role } from '../net/hosts.js';
import { type HopIds, Kind, type KindId, VIS_RX, VIS_TX } from '../net/log.js';
import { isOnline, onlineInterval } from '../workload/generate.js';
import { Platform } from '../workload/types.js';
import { feedWorkload, intAtLeast, padTo, positiveDuration } from './common.js';
import { applyCountermeasures, COUNTERMEASURE_PARAMS, countermeasureProblems, holdOf } from './countermeasures.js';
import type { BuiltDesign, DesignContext, DesignModule, ParamProblem, ParamSpec, ResolvedParams } from './design.js';
import { freshPath, SwarmRing } from './session-paths.js';
import { NodeOutages, PathTimelineBuilder } from './session-timeline.js';

const SD = 'session-foundation/session-desktop';
const LS = 'session-foundation/libsession-util';

const PARAMS: readonly ParamSpec[] = [
  {
    name: 'nodes',
    type: 'int',
    default: 2000,
    unit: 'nodes',
    min: 1,
    description: 'Service nodes (snodes) in the network',
    source: 'about 2000 service nodes: https://docs.getsession.org/session-nodes',
  },
  {
    name: 'swarmSize',
    type: 'int',
    default: 7,
    unit: 'nodes',
    min: 1,
    description:
      'Target swarm size; the nodes are partitioned at random into floor(nodes/swarmSize) swarms (the remainder spread one per swarm)',
    source:
      'oxen-io/oxen-core src/cryptonote_core/service_node_rules.h (IDEAL_SWARM_SIZE = 7, MIN_SWARM_SIZE = 5, MAX_SWARM_SIZE = 10)',
  },
  {
    name: 'guards',
    type: 'int',
    default: 2,
    unit: 'nodes',
    min: 0,
    description:
      'Persistent guard nodes per client, one onion path per guard, each request on one of them at random; 0 = a fresh random path of pathLength distinct nodes for every request',
    source: `${SD} ts/session/onions/onionPath.ts (desiredGuardCount = 2, one path built per guard)`,
  },
  {
    name: 'pathLength',
    type: 'int',
    default: 3,
    unit: 'nodes',
    min: 1,
    description: 'Snodes per onion path (guard included); the destination snode is one extra hop beyond the path',
    source: `${LS} include/session/network/network_config.hpp (path_length = 3); ${SD} ts/session/onions/onionPath.ts (ONION_REQUEST_HOPS = 3)`,
  },
  {
    name: 'pathRotation',
    type: 'duration',
    default: '0s',
    unit: 'duration',
    description:
      'Rebuild the non-guard hops of every path this often (guards persist); 0 = never: session-desktop rebuilds a path only after failures (nodeFailureRate). libsession (mobile clients) uses 10min',
    source: `${SD} ts/session/onions/onionPath.ts (a path is rebuilt after pathFailureThreshold = 3 failures); ${LS} include/session/network/network_config.hpp (onionreq_path_rotation_frequency = 10 min)`,
  },
  {
    name: 'nodeFailureRate',
    type: 'rate',
    default: '0/s',
    unit: 'per node',
    description:
      "Each service node fails as a Poisson process of this rate and stays down for nodeDowntime. A client repairs its paths as session-desktop does: a path whose guard is down is dropped with its guard after 3 failed requests and a new guard takes its place; a down non-guard node is swapped out at once (noticed at the client's polls while it is online). 0 = no failures",
    source: `[assumption] no published failure rate for Session service nodes, off by default (measured with and without in docs/designs/session.md); repair rules: ${SD} ts/session/onions/onionPath.ts (pathFailureThreshold = 3, guards replaced when their path is dropped); guard churn raises exposure: Elahi et al., WPES 2012`,
  },
  {
    name: 'nodeDowntime',
    type: 'dist',
    default: 'exp(1h)',
    unit: 'duration',
    description: 'How long a failed service node stays down (with nodeFailureRate > 0)',
    source:
      '[assumption] restarts and reconnects take minutes to hours; no published distribution for Session service nodes',
  },
  {
    name: 'onionPadding',
    type: 'int',
    default: 0,
    unit: 'bytes',
    min: 0,
    description:
      'Constant-size onion traffic: every request, response and replication leg re-padded to the full onion size and to a multiple of this many bytes, so sizes neither shrink per hop nor differ between requests below the block (countermeasure; 0 = off: each layer strips onionLayerBytes, as deployed)',
    source:
      'countermeasure, off in the deployed protocol; fixed-size cells as in Tor (514 B) and Sphinx packets (Danezis & Goldberg, IEEE S&P 2009)',
  },
  {
    name: 'guardRotation',
    type: 'duration',
    default: '0s',
    unit: 'duration',
    description:
      'Replace the guards (and so every path) this often, at the next path rebuild (countermeasure against a colluding set that holds a guard; 0 = never: guards persist, as deployed)',
    source: `countermeasure, off in the deployed protocol (${SD} ts/session/onions/onionPath.ts keeps guards until they fail); Tor guard rotation trade-offs: Elahi et al., WPES 2012`,
  },
  {
    name: 'pollInterval',
    type: 'duration',
    default: '5s',
    unit: 'duration',
    description:
      "Interval of the client's polls of its own swarm while the app is online (uniform random phase per user)",
    source: `${SD} ts/session/constants.ts (SWARM_POLLING_TIMEOUT.ACTIVE); ${SD} ts/session/apis/snode_api/swarmPolling.ts (own swarm polled as often as possible)`,
  },
  {
    name: 'groupPollInterval',
    type: 'duration',
    default: '5s',
    unit: 'duration',
    description:
      'Interval of each member’s polls of a group swarm (5s: groups active within 2 days; 60s within 7 days; else 120s)',
    source: `${SD} ts/session/apis/snode_api/swarmPolling.ts (getPollingTimeout)`,
  },
  {
    name: 'retrieveNodes',
    type: 'int',
    default: 2,
    unit: 'nodes',
    min: 1,
    description: 'Swarm members queried in parallel by each poll, sampled anew every poll; the results are merged',
    source: `${SD} ts/session/apis/snode_api/swarmPolling.ts (RETRIEVE_SNODES_COUNT = 2, sampled per poll)`,
  },
  {
    name: 'syncCopy',
    type: 'bool',
    default: true,
    description:
      "After each successful 1:1 store the sender stores a sync copy in its own swarm (rAcct = sender at the sender's swarm node)",
    source: `${SD} ts/session/sending/MessageSentHandler.ts (after a successful send the client sends a sync message to its own swarm)`,
  },
  {
    name: 'paddingBlock',
    type: 'int',
    default: 160,
    unit: 'bytes',
    min: 1,
    description: '1:1 (and sync) content padded to a multiple of this (0x80 terminator) before encryption',
    source: `${LS} include/session/session_protocol.hpp (COMMUNITY_OR_1O1_MSG_PADDING = 160)`,
  },
  {
    name: 'groupPaddingBlock',
    type: 'int',
    default: 256,
    unit: 'bytes',
    min: 1,
    description: 'Group content padded to a multiple of this (after compression, not modelled) before encryption',
    source: `${LS} include/session/config/groups/keys.hpp (encrypt_message pads to 256)`,
  },
  {
    name: 'envelopeBytes',
    type: 'int',
    default: 150,
    unit: 'bytes',
    min: 0,
    description:
      'Envelope and encryption bytes added to the padded content (protobuf envelope, ephemeral key, MAC, sender signature)',
    source: '[assumption] protobuf envelope, ephemeral key, MAC and signature: about 150 B',
  },
  {
    name: 'onionLayerBytes',
    type: 'int',
    default: 100,
    unit: 'bytes',
    min: 0,
    description:
      'Bytes one onion layer adds (ephemeral key, nonce, tag, next-hop header); a request leg carries one layer per remaining hop, a response one layer',
    source:
      '[assumption] no measurement of the per-layer overhead found; an ephemeral key, a nonce, a tag and a next-hop header are about 100 B',
  },
  {
    name: 'push',
    type: 'bool',
    default: false,
    description:
      'Mobile (android/ios) users subscribe to SPNS ("fast mode"): swarm nodes notify SPNS of each new message, SPNS pushes through FCM/APNs, an offline device wakes and fetches at once',
    source:
      'oxen-io/session-push-notification-server spns/register.py (subscription: Session ID, device token, namespaces); which mode onboarding preselects is [unverified], default off',
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
    name: 'backgroundPoll',
    type: 'duration',
    default: '0s',
    unit: 'duration',
    description:
      'Android clients poll this often while the app is offline/backgrounded (WorkManager); 0 = off (offline devices do not poll). Android uses 15min',
    source:
      'session-foundation/session-android (BackgroundPollWorker, a 15-minute WorkManager period); off by default [assumption]',
  },
  ...COUNTERMEASURE_PARAMS,
];

// Framing sizes [assumption]: JSON-RPC wrappers as seen on the wire inside the innermost layer.
/** store request: method, 66-hex pubkey, ttl, timestamp, namespace, signature; data base64 on top. */
const STORE_RPC_BYTES = 250;
/** store response: per-swarm-member hash and signature. */
const STORE_RESPONSE_BYTES = 600;
/** retrieve request: pubkey, namespace, last hash, timestamp, signature, ed25519 key. */
const RETRIEVE_REQUEST_BYTES = 400;
/** retrieve response without messages ({"messages": [], "more": false} + network time, hardfork). */
const RETRIEVE_EMPTY_BYTES = 100;
/** per returned message: hash, expiration, timestamp; data base64 on top. */
const RETRIEVE_ITEM_BYTES = 150;
/** snode → snode replication envelope. */
const REPLICATE_RPC_BYTES = 100;
/** A sync message's Content names the recipient (syncTarget, 66-hex Session ID). */
const SYNC_EXTRA = 70;
/** snode → SPNS notification (account, namespace, hash; no body) and a platform push. */
const NOTIFY_BYTES = 300;
const PUSH_BYTES = 256;

/** What a stored item is: the recipient's copy, the sender's sync copy, or a group message. */
const T_MSG = 1;
const T_SYNC = 2;
const T_GROUP = 3;
/** What an onion request carries: a store of T_MSG/T_SYNC/T_GROUP (same codes), a retrieve, or its response. */
const C_POLL = 4;
const C_PICKUP = 5;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const base64 = (n: number): number => Math.ceil(n / 3) * 4;

function growI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function growF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
function growU8(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

export const session: DesignModule = {
  id: 'session',
  summary:
    'Session: swarms of service nodes, onion-routed stores via persistent guards, recipients poll every 5 s, sync copy to own swarm',
  params: PARAMS,
  processing: {
    default: 'uniform(5ms, 50ms)',
    source:
      '[assumption] 5–50 ms per service node for onion decryption, processing and queueing; no published measurement',
  },
  check(p) {
    const out: ParamProblem[] = countermeasureProblems(p);
    const n = p.nodes as number;
    const swarm = p.swarmSize as number;
    const guards = p.guards as number;
    const len = p.pathLength as number;
    const ok =
      intAtLeast(p, out, 'nodes', 1) &&
      intAtLeast(p, out, 'swarmSize', 1) &&
      intAtLeast(p, out, 'guards', 0) &&
      intAtLeast(p, out, 'pathLength', 1) &&
      intAtLeast(p, out, 'retrieveNodes', 1);
    intAtLeast(p, out, 'paddingBlock', 1);
    intAtLeast(p, out, 'groupPaddingBlock', 1);
    intAtLeast(p, out, 'envelopeBytes', 0);
    intAtLeast(p, out, 'onionLayerBytes', 0);
    for (const name of ['pollInterval', 'groupPollInterval']) positiveDuration(p, out, name, '5s');
    for (const name of ['pathRotation', 'guardRotation', 'backgroundPoll', 'nodeFailureRate']) {
      if (!((p[name] as number) >= 0))
        out.push({ param: name, message: `${name} must be 0 (off) or positive`, expected: 'a duration ≥ 0' });
    }
    if (!ok) return out;
    if (swarm > n)
      out.push({
        param: 'swarmSize',
        message: `swarmSize ${swarm} exceeds nodes ${n}; lower swarmSize or raise nodes`,
        expected: `integer in 1..${n}`,
      });
    if (guards > n)
      out.push({
        param: 'guards',
        message: `guards ${guards} exceeds nodes ${n}; lower guards or raise nodes`,
        expected: `integer in 0..${n}`,
      });
    else if (guards * len > n)
      out.push({
        param: 'guards',
        message: `${guards} disjoint paths of pathLength ${len} need ${guards * len} nodes but there are ${n}; lower guards or pathLength, or raise nodes`,
        expected: `guards × pathLength ≤ ${n}`,
      });
    if (len + 1 > n)
      out.push({
        param: 'pathLength',
        message: `pathLength ${len} plus the destination snode needs ${len + 1} nodes but there are ${n}; lower pathLength or raise nodes`,
        expected: `integer in 1..${n - 1}`,
      });
    if ((p.retrieveNodes as number) > swarm)
      out.push({
        param: 'retrieveNodes',
        message: `retrieveNodes ${p.retrieveNodes} exceeds swarmSize ${swarm}; a poll cannot query more nodes than a swarm has`,
        expected: `integer in 1..${swarm}`,
      });
    return out;
  },
  /** Every service node. */
  infraHosts: (p) => p.nodes as number,
  build: buildSession,
};

function buildSession(deployed: DesignContext, p: ResolvedParams): BuiltDesign {
  const ctx = applyCountermeasures(deployed, p);
  const { sim, net, hosts, workload: w } = ctx;
  const log = net.log;
  const U = w.users;
  const NG = w.groupStart.length - 1;
  const N = p.nodes as number;
  const S = p.swarmSize as number;
  const G = p.guards as number;
  const L = p.pathLength as number;
  const gRot = p.guardRotation as number;
  // Paths are rebuilt every `rot` (the shorter of the two periods); guards are redrawn at the
  // first rebuild that starts in a new guard period.
  const pathRot = p.pathRotation as number;
  const rot = pathRot > 0 && gRot > 0 ? Math.min(pathRot, gRot) : pathRot > 0 ? pathRot : gRot;
  const P = p.pollInterval as number;
  const PG = p.groupPollInterval as number;
  const R = p.retrieveNodes as number;
  const syncCopy = p.syncCopy as boolean;
  const pad1 = p.paddingBlock as number;
  const padG = p.groupPaddingBlock as number;
  const env = p.envelopeBytes as number;
  const O = p.onionLayerBytes as number;
  const push = p.push as boolean;
  const pushLatency = p.pushLatency as Dist;
  const B = p.backgroundPoll as number;
  const end = ctx.duration;
  const proc = ctx.processing;
  const procRng = ctx.streams.stream('snode/processing');
  // Path nodes hold each onion packet they forward (both ways); a swarm node holds a stored
  // message before it can be retrieved; a destination's own responses are not held.
  const hold = holdOf(ctx.mix, ctx.streams.stream('snode/mixing'));
  // Constant-size onion traffic (countermeasure): every leg re-padded to the full onion size and
  // rounded up to a multiple of onionPadding, so sizes neither shrink per hop nor tell requests apart.
  const onionPad = p.onionPadding as number;
  const wire = (bytes: number): number => (onionPad > 0 ? padTo(bytes, onionPad) : bytes);
  const pushRng = ctx.streams.stream('push/latency');

  // --- hosts and swarms ----------------------------------------------------------------------

  const base = hosts.count;
  for (let i = 0; i < N; i++) hosts.add(Role.snode, `snode-${i}`);
  let spns = -1;
  let fcm = -1;
  let apns = -1;
  if (push) {
    spns = hosts.add(Role.notifier, 'spns');
    fcm = hosts.add(Role.push, 'fcm');
    apns = hosts.add(Role.push, 'apns');
  }

  // Contiguous chunks of a random permutation: a uniform partition into SW swarms whose sizes
  // differ by at most one. swarmNodes holds node indices (host = base + index).
  const SW = Math.floor(N / S);
  const swarmNodes = randomOrder(ctx.streams.stream('swarms/members'), N);
  const swarmStart = new Int32Array(SW + 1);
  let MS = 0;
  for (let s = 0; s < SW; s++) {
    const size = Math.floor(N / SW) + (s < N % SW ? 1 : 0);
    swarmStart[s + 1] = swarmStart[s] + size;
    if (size > MS) MS = size;
  }
  const ringRng = ctx.streams.stream('swarms/ids');
  const ring = new SwarmRing(Float64Array.from({ length: SW }, () => ringRng()));
  // One position draw per account, in id order, so account u's swarm does not depend on U.
  const acctRng = ctx.streams.stream('accounts');
  const userSwarm = Int32Array.from({ length: U }, () => ring.closest(acctRng()));
  const groupAcctRng = ctx.streams.stream('group-accounts');
  const groupSwarm = Int32Array.from({ length: NG }, () => ring.closest(groupAcctRng()));
  const memberGroup = new Int32Array(w.groupMembers.length);
  for (let g = 0; g < NG; g++) for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) memberGroup[k] = g;

  // --- per-user guards, paths, poll phases (stream user/<u>, drawn at build in a fixed order) --

  const phase = new Float64Array(U);
  const bgPhase = new Float64Array(U);
  const rotOff = new Float64Array(U);
  const nodeBase = new Float64Array(U);
  const userRng: Rng[] = new Array(U);
  const failureRate = p.nodeFailureRate as number;
  const churnRng: (Rng | undefined)[] = new Array(U);
  const outages =
    failureRate > 0 && G > 0
      ? NodeOutages.draw(ctx.streams.stream('churn/nodes'), N, failureRate, p.nodeDowntime as Dist, end)
      : null;
  const timelineBuilder = new PathTimelineBuilder(
    {
      nodes: N,
      guards: G,
      pathLength: L,
      rotation: rot,
      guardRotation: gRot,
      workload: w,
      end,
      churn: outages
        ? { outages, pollInterval: P, rng: (u) => (churnRng[u] ??= ctx.streams.stream(`user/${u}/churn`)) }
        : null,
    },
    rotOff,
  );
  for (let u = 0; u < U; u++) {
    const rng = ctx.streams.stream(`user/${u}`);
    userRng[u] = rng;
    phase[u] = Math.floor(rng() * P);
    bgPhase[u] = Math.floor(rng() * (B > 0 ? B : 1));
    rotOff[u] = rot > 0 ? Math.floor(rng() * rot) : 0;
    nodeBase[u] = rng();
    if (G > 0) timelineBuilder.addUser(u, rng);
    else timelineBuilder.addEmptyUser();
  }
  const timeline = timelineBuilder.done();
  const epPaths = timeline.paths;

  /** Offset in epPaths of the paths user u uses at time t. */
  const pathOff = (u: number, t: number): number => timeline.off(u, t);

  const pathHas = (off: number, node: number): boolean => {
    for (let h = off; h < off + L; h++) if (epPaths[h] === node) return true;
    return false;
  };

  /** Each user's stream for draws during the run: routes of its requests, members sampled by its polls. */
  const reqRng: (Rng | undefined)[] = new Array(U);
  const requestRng = (u: number): Rng => (reqRng[u] ??= ctx.streams.stream(`user/${u}/requests`));

  // --- onion requests: a slot pool of in-flight requests ------------------------------------

  const HS = L + 2; // device, L path nodes, destination
  let cCap = 256;
  let cHosts = new Int32Array(cCap * HS);
  let cPos = new Int32Array(cCap);
  let cRow = new Int32Array(cCap);
  let cMsg = new Int32Array(cCap);
  let cReq = new Int32Array(cCap);
  let cResp = new Int32Array(cCap);
  let cR = new Int32Array(cCap);
  let cObj = new Int32Array(cCap);
  let cArg = new Int32Array(cCap);
  let cSwarm = new Int32Array(cCap);
  let cIdx = new Int32Array(cCap);
  let cKind = new Uint8Array(cCap);
  let cCode = new Uint8Array(cCap);
  const cList: (number[] | undefined)[] = [];
  const cFree: number[] = [];
  let cCount = 0;
  const allocChain = (): number => {
    if (cFree.length > 0) return cFree.pop() as number;
    if (cCount === cCap) {
      cCap *= 2;
      cHosts = growI32(cHosts, cCap * HS);
      cPos = growI32(cPos, cCap);
      cRow = growI32(cRow, cCap);
      cMsg = growI32(cMsg, cCap);
      cReq = growI32(cReq, cCap);
      cResp = growI32(cResp, cCap);
      cR = growI32(cR, cCap);
      cObj = growI32(cObj, cCap);
      cArg = growI32(cArg, cCap);
      cSwarm = growI32(cSwarm, cCap);
      cIdx = growI32(cIdx, cCap);
      cKind = growU8(cKind, cCap);
      cCode = growU8(cCode, cCap);
    }
    return cCount++;
  };

  const tmpPath = new Int32Array(L);
  /**
   * Fills request c's hosts: device u, an onion path, destination node `dest`. With guards, the
   * path is one of u's current paths that does not contain `dest` (getOnionPath({toExclude})):
   * path `slot mod G` when given and usable, else a random usable one. guards = 0, or every
   * path running through `dest`, takes a fresh path of distinct random nodes avoiding `dest`.
   */
  const setRoute = (c: number, u: number, dest: number, slot: number, rng: Rng): void => {
    const o = c * HS;
    cHosts[o] = u;
    cHosts[o + L + 1] = base + dest;
    cPos[c] = 0;
    let src = -1;
    if (G > 0) {
      const off = pathOff(u, sim.now);
      if (slot >= 0 && !pathHas(off + (slot % G) * L, dest)) src = off + (slot % G) * L;
      else {
        let usable = 0;
        for (let j = 0; j < G; j++) if (!pathHas(off + j * L, dest)) usable++;
        if (usable > 0) {
          let r = Math.floor(rng() * usable);
          for (let j = 0; j < G; j++) {
            if (pathHas(off + j * L, dest)) continue;
            if (r-- === 0) {
              src = off + j * L;
              break;
            }
          }
        }
      }
    }
    if (src >= 0) {
      for (let h = 0; h < L; h++) cHosts[o + 1 + h] = base + epPaths[src + h];
    } else {
      freshPath(rng, N, L, dest, tmpPath, 0);
      for (let h = 0; h < L; h++) cHosts[o + 1 + h] = base + tmpPath[h];
    }
  };

  // One scratch ids object: log.append copies the fields, so no allocation per hop.
  const ids: HopIds = { sAcct: -1, rAcct: -1, obj: -1, vis: VIS_RX | VIS_TX };
  const setIds = (r: number, o: number, vis: number): HopIds => {
    ids.sAcct = -1;
    ids.rAcct = r;
    ids.obj = o;
    ids.vis = vis;
    return ids;
  };

  /**
   * Forward leg of request c from host cPos to the next. A relay reads nothing; the last leg
   * (exit → destination) carries the destination's readable fields with VIS_RX only: the exit
   * forwards a sealed blob. The leg into host h carries one onion layer per hop still ahead.
   */
  const advance = (c: number): void => {
    const pos = cPos[c];
    const o = c * HS;
    const last = pos === L;
    const row = net.hop(
      cHosts[o + pos],
      cHosts[o + pos + 1],
      wire(onionPad > 0 ? cReq[c] + (L + 1) * O : cReq[c] + (L + 1 - pos) * O),
      cKind[c] as KindId,
      cRow[c],
      cMsg[c],
      last ? setIds(cR[c], cObj[c], VIS_RX) : undefined,
      null,
    );
    cRow[c] = row;
    cPos[c] = pos + 1;
    sim.after(log.tRx[row], proc.sample(procRng) + (last ? 0 : hold()), last ? atDest : advance, c);
  };

  /** Response leg back towards the device; the destination's first leg carries its fields, VIS_TX only. */
  const back = (c: number): void => {
    const pos = cPos[c];
    const o = c * HS;
    const row = net.hop(
      cHosts[o + pos],
      cHosts[o + pos - 1],
      wire(cResp[c] + O),
      cKind[c] as KindId,
      cRow[c],
      cMsg[c],
      pos === L + 1 ? setIds(cR[c], cObj[c], VIS_TX) : undefined,
      null,
    );
    cRow[c] = row;
    cPos[c] = pos - 1;
    if (pos === 1) sim.at(log.tRx[row], atDevice, c);
    else sim.after(log.tRx[row], proc.sample(procRng) + hold(), back, c);
  };

  // --- stored items (one per store, shared by all its pollers) and pickups ------------------

  let iCap = 256;
  let iMsg = new Int32Array(iCap);
  let iType = new Uint8Array(iCap);
  let iRefs = new Int32Array(iCap);
  let iAvail = new Float64Array(iCap * MS);
  let iRow = new Int32Array(iCap * MS);
  const iFree: number[] = [];
  let iCount = 0;
  const allocItem = (): number => {
    if (iFree.length > 0) return iFree.pop() as number;
    if (iCount === iCap) {
      iCap *= 2;
      iMsg = growI32(iMsg, iCap);
      iType = growU8(iType, iCap);
      iRefs = growI32(iRefs, iCap);
      iAvail = growF64(iAvail, iCap * MS);
      iRow = growI32(iRow, iCap * MS);
    }
    return iCount++;
  };

  let kCap = 256;
  let pkMsg = new Int32Array(kCap);
  let pkTo = new Int32Array(kCap);
  let pkRefs = new Int32Array(kCap);
  let pkBytes = new Int32Array(kCap);
  let pkDone = new Uint8Array(kCap);
  const pkFree: number[] = [];
  let pkCount = 0;
  const allocPickup = (): number => {
    if (pkFree.length > 0) return pkFree.pop() as number;
    if (pkCount === kCap) {
      kCap *= 2;
      pkMsg = growI32(pkMsg, kCap);
      pkTo = growI32(pkTo, kCap);
      pkRefs = growI32(pkRefs, kCap);
      pkBytes = growI32(pkBytes, kCap);
      pkDone = growU8(pkDone, kCap);
    }
    return pkCount++;
  };

  /** Actual send time of each message (replies may leave later than the workload's nominal time). */
  const tSend = new Float64Array(w.count);

  const blob = (m: number, type: number): number =>
    type === T_GROUP
      ? padTo(w.size[m], padG) + env
      : type === T_SYNC
        ? padTo(w.size[m] + SYNC_EXTRA, pad1) + env
        : padTo(w.size[m], pad1) + env;

  // --- pollers: one per account a user polls (own swarm: id u; group membership k: U + k) ----

  const PS = U + w.groupMembers.length;
  const psPending: (number[] | undefined)[] = new Array(PS);
  const psScheduled = new Uint8Array(PS);
  const psOwner = (ps: number): number => (ps < U ? ps : w.groupMembers[ps - U]);
  const psSwarm = (ps: number): number => (ps < U ? userSwarm[ps] : groupSwarm[memberGroup[ps - U]]);
  const psPeriod = (ps: number): number => (ps < U ? P : PG);
  const psAcct = (ps: number): number => (ps < U ? ps : -1);
  const psObj = (ps: number): number => (ps < U ? userSwarm[ps] : SW + memberGroup[ps - U]);

  /**
   * The first poll of `ps` at or after t: phase + k·period inside an online interval, or (Android
   * with backgroundPoll) a background poll while offline. +Infinity when the user never polls again.
   */
  const nextPoll = (ps: number, t: number): number => {
    const u = psOwner(ps);
    const per = psPeriod(ps);
    const ph = phase[u];
    let fg = Number.POSITIVE_INFINITY;
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      if (w.onEnd[k] <= t) continue;
      const s = Math.max(t, w.onStart[k]);
      const tp = ph + Math.ceil((s - ph) / per) * per;
      if (tp < w.onEnd[k]) {
        fg = tp;
        break;
      }
    }
    if (B > 0 && w.platform[u] === Platform.android) {
      const bp = bgPhase[u];
      let tb = bp + Math.ceil((t - bp) / B) * B;
      while (tb < fg) {
        const k = onlineInterval(w, u, tb);
        if (k < 0) return tb;
        tb = bp + Math.ceil((w.onEnd[k] - bp) / B) * B;
      }
    }
    return fg;
  };

  const schedulePoll = (ps: number, t: number): void => {
    if (psScheduled[ps]) return;
    const tp = nextPoll(ps, t);
    if (tp === Number.POSITIVE_INFINITY) return;
    psScheduled[ps] = 1;
    sim.at(tp, onPoll, ps);
  };

  const addPending = (ps: number, i: number): void => {
    (psPending[ps] ??= []).push(i);
    schedulePoll(ps, sim.now);
  };

  const onPoll = (ps: number): void => {
    psScheduled[ps] = 0;
    doPoll(ps, Math.round((sim.now - phase[psOwner(ps)]) / psPeriod(ps)));
    const pend = psPending[ps];
    if (pend && pend.length > 0) schedulePoll(ps, sim.now + 1);
  };

  const sample = new Int32Array(Math.max(R, 1));
  let found = new Int32Array(64);
  /**
   * Poll number k of `ps`, now: R distinct random members of the swarm are queried in parallel;
   * each returns every waiting item it already holds. Only queries that return something become
   * rows (the empty ones are in the periodic flows). Query q goes over path (k·R + q) mod G.
   */
  const doPoll = (ps: number, k: number): void => {
    const pend = psPending[ps];
    if (!pend || pend.length === 0) return;
    const u = psOwner(ps);
    const sw = psSwarm(ps);
    const s0 = swarmStart[sw];
    const size = swarmStart[sw + 1] - s0;
    const rng = requestRng(u);
    for (let q = 0; q < R; q++) {
      let a = 0;
      let dup = true;
      while (dup) {
        a = Math.floor(rng() * size);
        dup = false;
        for (let x = 0; x < q; x++) if (sample[x] === a) dup = true;
      }
      sample[q] = a;
    }
    if (pend.length > found.length) found = new Int32Array(pend.length * 2);
    const pk = found;
    for (let x = 0; x < pend.length; x++) pk[x] = -1;
    for (let q = 0; q < R; q++) {
      const a = sample[q];
      let list: number[] | undefined;
      for (let x = 0; x < pend.length; x++) {
        const i = pend[x];
        if (iAvail[i * MS + a] > sim.now) continue;
        if (pk[x] < 0) pk[x] = newPickup(i, u);
        pkRefs[pk[x]]++;
        (list ??= []).push(pk[x], iRow[i * MS + a]);
      }
      if (list) sendRetrieve(ps, u, swarmNodes[s0 + a], k * R + q, list);
    }
    let keep = 0;
    for (let x = 0; x < pend.length; x++) {
      const i = pend[x];
      if (pk[x] < 0) pend[keep++] = i;
      else if (--iRefs[i] === 0) iFree.push(i);
    }
    pend.length = keep;
  };

  const newPickup = (i: number, u: number): number => {
    const k = allocPickup();
    const m = iMsg[i];
    const type = iType[i];
    pkMsg[k] = m;
    pkTo[k] = type === T_SYNC || (type === T_GROUP && w.sender[m] === u) ? -1 : u;
    pkBytes[k] = base64(blob(m, type)) + RETRIEVE_ITEM_BYTES + RETRIEVE_EMPTY_BYTES;
    pkRefs[k] = 0;
    pkDone[k] = 0;
    return k;
  };

  const sendRetrieve = (ps: number, u: number, node: number, slot: number, list: number[]): void => {
    const c = allocChain();
    setRoute(c, u, node, slot, requestRng(u));
    cKind[c] = Kind.poll;
    cCode[c] = C_POLL;
    cMsg[c] = -1;
    cRow[c] = -1;
    cReq[c] = RETRIEVE_REQUEST_BYTES;
    cR[c] = psAcct(ps);
    cObj[c] = psObj(ps);
    cList[c] = list;
    advance(c);
  };

  // --- stores ---------------------------------------------------------------------------------

  /** Device u stores message m (as type) at one random node of the target swarm, via its onion path. */
  const startStore = (u: number, m: number, type: number): void => {
    const g = w.group[m];
    const r = w.recipient[m];
    const sw = type === T_GROUP ? groupSwarm[g] : type === T_SYNC ? userSwarm[u] : userSwarm[r];
    const rng = requestRng(u);
    const s0 = swarmStart[sw];
    const a = Math.floor(rng() * (swarmStart[sw + 1] - s0));
    const c = allocChain();
    setRoute(c, u, swarmNodes[s0 + a], -1, rng);
    cKind[c] = type === T_SYNC ? Kind.sync : Kind.message;
    cCode[c] = type;
    cMsg[c] = m;
    cRow[c] = -1;
    cReq[c] = base64(blob(m, type)) + STORE_RPC_BYTES;
    cR[c] = type === T_GROUP ? -1 : type === T_SYNC ? u : r;
    cObj[c] = type === T_GROUP ? SW + g : sw;
    cSwarm[c] = sw;
    cIdx[c] = a;
    advance(c);
  };

  /** The destination snode stored the payload: replicate to the swarm, queue it for its pollers, notify SPNS. */
  const storeItem = (c: number): void => {
    const m = cMsg[c];
    const type = cCode[c];
    const sw = cSwarm[c];
    const a = cIdx[c];
    const storeRow = cRow[c];
    const node = cHosts[c * HS + L + 1];
    const s0 = swarmStart[sw];
    const size = swarmStart[sw + 1] - s0;
    const i = allocItem();
    iMsg[i] = m;
    iType[i] = type;
    iAvail.fill(Number.POSITIVE_INFINITY, i * MS, i * MS + MS);
    iAvail[i * MS + a] = sim.now + hold();
    iRow[i * MS + a] = storeRow;
    const rb = base64(blob(m, type)) + REPLICATE_RPC_BYTES;
    for (let b = 0; b < size; b++) {
      if (b === a) continue;
      const row = net.hop(
        node,
        base + swarmNodes[s0 + b],
        wire(rb),
        Kind.replicate,
        storeRow,
        m,
        setIds(cR[c], cObj[c], 3),
        null,
      );
      iRow[i * MS + b] = row;
      iAvail[i * MS + b] = log.tRx[row] + Math.round(proc.sample(procRng)) + hold();
    }
    const s = w.sender[m];
    if (type === T_GROUP) {
      const g = w.group[m];
      iRefs[i] = w.groupStart[g + 1] - w.groupStart[g];
      for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) addPending(U + k, i);
      if (push) {
        let any = false;
        for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++)
          if (w.groupMembers[k] !== s && subscribed(w.groupMembers[k])) any = true;
        if (any) notify(node, storeRow, m, -1, SW + g);
      }
    } else {
      iRefs[i] = 1;
      const owner = type === T_SYNC ? s : w.recipient[m];
      addPending(owner, i);
      if (push && type === T_MSG && subscribed(owner)) notify(node, storeRow, m, owner, sw);
    }
  };

  const atDest = (c: number): void => {
    const code = cCode[c];
    if (code !== C_POLL) {
      storeItem(c);
      cKind[c] = Kind.ack;
      cResp[c] = STORE_RESPONSE_BYTES;
      back(c);
      return;
    }
    // Retrieve: one response per returned item, each chained to the row that stored that item here.
    const list = cList[c] as number[];
    cList[c] = undefined;
    for (let e = 0; e < list.length; e += 2) {
      let c2 = c;
      if (e > 0) {
        c2 = allocChain();
        cHosts.copyWithin(c2 * HS, c * HS, c * HS + HS);
        cPos[c2] = L + 1;
        cR[c2] = cR[c];
        cObj[c2] = cObj[c];
      }
      const k = list[e];
      cRow[c2] = list[e + 1];
      cKind[c2] = Kind.fetch;
      cCode[c2] = C_PICKUP;
      cMsg[c2] = pkMsg[k];
      cResp[c2] = pkBytes[k];
      cArg[c2] = k;
      back(c2);
    }
  };

  const atDevice = (c: number): void => {
    const code = cCode[c];
    const m = cMsg[c];
    if (code === C_PICKUP) {
      const k = cArg[c];
      if (!pkDone[k]) {
        pkDone[k] = 1;
        const to = pkTo[k];
        if (to >= 0) net.deliver(m, w.sender[m], to, w.group[m], tSend[m], cRow[c]);
      }
      if (--pkRefs[k] === 0) pkFree.push(k);
    } else if (code === T_MSG && syncCopy) {
      // The store succeeded: MessageSentHandler sends the sync copy to our own swarm.
      startStore(w.sender[m], m, T_SYNC);
    }
    cFree.push(c);
  };

  // --- SPNS push (optional) ------------------------------------------------------------------

  const subscribed = (u: number): boolean => push && w.platform[u] !== Platform.desktop;

  const notify = (node: number, storeRow: number, m: number, acct: number, obj: number): void => {
    const row = net.hop(node, spns, NOTIFY_BYTES, Kind.push, storeRow, m, setIds(acct, obj, 3), null);
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
    const r2 = net.hop(spns, provider, PUSH_BYTES, Kind.push, row, log.msg[row], setIds(u, -1, VIS_TX), null);
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
    doPoll(ps, Math.floor((sim.now - phase[u]) / psPeriod(ps)));
  };

  // --- sending ---------------------------------------------------------------------------------

  feedWorkload(ctx, (m: number): void => {
    tSend[m] = sim.now;
    startStore(w.sender[m], m, w.group[m] >= 0 ? T_GROUP : T_MSG);
  });

  // --- background polls as periodic flows ------------------------------------------------------

  // Per poll exchange and link, both directions: the request with its mean number of onion
  // layers ((L + 2)/2 over the L + 1 legs) and an empty response with one layer.
  const pollBytes =
    onionPad > 0
      ? wire(RETRIEVE_REQUEST_BYTES + (L + 1) * O) + wire(RETRIEVE_EMPTY_BYTES + O)
      : Math.round(RETRIEVE_REQUEST_BYTES + (O * (L + 2)) / 2 + RETRIEVE_EMPTY_BYTES + O);
  const pollUp = onionPad > 0 ? wire(RETRIEVE_REQUEST_BYTES + (L + 1) * O) : pollBytes - (RETRIEVE_EMPTY_BYTES + O);
  /**
   * Flows of one poller over [a, b): query q of poll k uses path (k·R + q) mod G, so path j and
   * query q recur every G/gcd(R, G) polls; each such (j, q) is one flow. A flow's swarm member
   * is fixed (the client samples members per poll; polls that return something use the exact
   * per-poll sample). guards = 0: R flows, each on a fresh path drawn per interval.
   */
  const addFlows = (u: number, sw: number, per: number, ph: number, a: number, b: number): void => {
    const s0 = swarmStart[sw];
    const size = swarmStart[sw + 1] - s0;
    const nb = Math.floor(nodeBase[u] * size);
    const off = G > 0 ? pathOff(u, a) : -1;
    const gg = G > 0 ? gcd(R, G) : 1;
    const cycle = G > 0 ? G / gg : 1;
    for (let j = 0; j < Math.max(G, 1); j++) {
      for (let q = 0; q < R; q++) {
        let k0 = 0;
        if (G > 0) {
          while (k0 < cycle && (k0 * R + q) % G !== j) k0++;
          if (k0 === cycle) continue;
        }
        const node = swarmNodes[s0 + ((nb + q) % size)];
        const path = new Int32Array(L + 2);
        path[0] = u;
        if (G > 0) for (let h = 0; h < L; h++) path[1 + h] = base + epPaths[off + j * L + h];
        else {
          freshPath(userRng[u], N, L, node, tmpPath, 0);
          for (let h = 0; h < L; h++) path[1 + h] = base + tmpPath[h];
        }
        path[L + 1] = base + node;
        net.periodic.add({
          path,
          period: per * cycle,
          phase: ph + k0 * per,
          start: a,
          end: b,
          bytesPerLink: pollBytes,
          bytesUp: pollUp,
          kind: Kind.poll,
        });
      }
    }
  };

  const groupsOf: number[][] = new Array(U);
  for (let k = 0; k < w.groupMembers.length; k++) (groupsOf[w.groupMembers[k]] ??= []).push(memberGroup[k]);
  /** All pollers of u over [a, b), split where its paths change (rotation, churn repairs). */
  const addSegmentFlows = (u: number, a: number, b: number, per: number, perG: number, ph: number): void => {
    let t = a;
    while (t < b) {
      let next = rot > 0 && G > 0 ? Math.min(b, (Math.floor((t + rotOff[u]) / rot) + 1) * rot - rotOff[u]) : b;
      if (outages) next = Math.min(next, timeline.nextStart(u, t));
      addFlows(u, userSwarm[u], per, ph, t, next);
      for (const g of groupsOf[u] ?? []) addFlows(u, groupSwarm[g], perG, ph, t, next);
      t = next;
    }
  };
  for (let u = 0; u < U; u++) {
    let offline = 0;
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const a = w.onStart[k];
      const b = Math.min(w.onEnd[k], end);
      if (b <= a) continue;
      if (B > 0 && w.platform[u] === Platform.android && a > offline) addSegmentFlows(u, offline, a, B, B, bgPhase[u]);
      addSegmentFlows(u, a, b, P, PG, phase[u]);
      offline = b;
    }
    if (B > 0 && w.platform[u] === Platform.android && offline < end)
      addSegmentFlows(u, offline, end, B, B, bgPhase[u]);
  }

  // --- what the design reports -----------------------------------------------------------------

  // The most central snode: the first node of the swarm holding the most accounts (users and
  // groups); it reads the recipient account of the largest share of stores and polls.
  const load = new Int32Array(SW);
  for (let u = 0; u < U; u++) load[userSwarm[u]]++;
  for (let g = 0; g < NG; g++) load[groupSwarm[g]]++;
  let big = 0;
  for (let s = 1; s < SW; s++) if (load[s] > load[big]) big = s;
  let central = Number.POSITIVE_INFINITY;
  for (let k = swarmStart[big]; k < swarmStart[big + 1]; k++) central = Math.min(central, base + swarmNodes[k]);

  const infra = Array.from({ length: N }, (_, i) => base + i);
  return { infra, central, realWorldIdentifier: 0, pushHosts: push ? [fcm, apns] : [] };
}
