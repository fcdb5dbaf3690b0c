/**
 * Session's scenario parameters (defaults with their sources) and the checks across them.
 * Protocol facts with their primary sources: docs/designs/session.md.
 */
import { bool, dist, duration, int, type ParamsOf, rate } from '../../params/typed.js';
import type { ParamProblem } from '../design.js';

const SD = 'session-foundation/session-desktop';
const LS = 'session-foundation/libsession-util';

export const PARAMS = [
  int('nodes', {
    default: 2000,
    unit: 'nodes',
    min: 1,
    description: 'Service nodes (snodes) in the network',
    source: 'about 2000 service nodes: https://docs.getsession.org/session-nodes',
  }),
  int('swarmSize', {
    default: 7,
    unit: 'nodes',
    min: 1,
    description:
      'Target swarm size; the nodes are partitioned at random into floor(nodes/swarmSize) swarms (the remainder spread one per swarm)',
    source:
      'oxen-io/oxen-core src/cryptonote_core/service_node_rules.h (IDEAL_SWARM_SIZE = 7, MIN_SWARM_SIZE = 5, MAX_SWARM_SIZE = 10)',
  }),
  int('guards', {
    default: 2,
    unit: 'nodes',
    min: 0,
    description:
      'Persistent guard nodes per client, one onion path per guard, each request on one of them at random; 0 = a fresh random path of pathLength distinct nodes for every request',
    source: `${SD} ts/session/onions/onionPath.ts (desiredGuardCount = 2, one path built per guard)`,
  }),
  int('pathLength', {
    default: 3,
    unit: 'nodes',
    min: 1,
    description: 'Snodes per onion path (guard included); the destination snode is one extra hop beyond the path',
    source: `${LS} include/session/network/network_config.hpp (path_length = 3); ${SD} ts/session/onions/onionPath.ts (ONION_REQUEST_HOPS = 3)`,
  }),
  duration('pathRotation', {
    default: '0s',
    description:
      'Rebuild the non-guard hops of every path this often (guards persist); 0 = never: session-desktop rebuilds a path only after failures (nodeFailureRate). libsession (mobile clients) uses 10min',
    source: `${SD} ts/session/onions/onionPath.ts (a path is rebuilt after pathFailureThreshold = 3 failures); ${LS} include/session/network/network_config.hpp (onionreq_path_rotation_frequency = 10 min)`,
  }),
  rate('nodeFailureRate', {
    default: '0/s',
    unit: 'per node',
    description:
      "Each service node fails as a Poisson process of this rate and stays down for nodeDowntime. A client repairs its paths as session-desktop does: a path whose guard is down is dropped with its guard after 3 failed requests and a new guard takes its place; a down non-guard node is swapped out at once (noticed at the client's polls while it is online). 0 = no failures",
    source: `[assumption] no published failure rate for Session service nodes, off by default (measured with and without in docs/designs/session.md); repair rules: ${SD} ts/session/onions/onionPath.ts (pathFailureThreshold = 3, guards replaced when their path is dropped); guard churn raises exposure: Elahi et al., WPES 2012`,
  }),
  dist('nodeDowntime', {
    default: 'exp(1h)',
    description: 'How long a failed service node stays down (with nodeFailureRate > 0)',
    source:
      '[assumption] restarts and reconnects take minutes to hours; no published distribution for Session service nodes',
  }),
  int('onionPadding', {
    default: 0,
    unit: 'bytes',
    min: 0,
    description:
      'Constant-size onion traffic: every request, response and replication leg re-padded to the full onion size and to a multiple of this many bytes, so sizes neither shrink per hop nor differ between requests below the block (countermeasure; 0 = off: each layer strips onionLayerBytes, as deployed)',
    source:
      'countermeasure, off in the deployed protocol; fixed-size cells as in Tor (514 B) and Sphinx packets (Danezis & Goldberg, IEEE S&P 2009)',
  }),
  duration('guardRotation', {
    default: '0s',
    description:
      'Replace the guards (and so every path) this often, at the next path rebuild (countermeasure against a colluding set that holds a guard; 0 = never: guards persist, as deployed)',
    source: `countermeasure, off in the deployed protocol (${SD} ts/session/onions/onionPath.ts keeps guards until they fail); Tor guard rotation trade-offs: Elahi et al., WPES 2012`,
  }),
  duration('pollInterval', {
    default: '5s',
    min: 0,
    minExclusive: true,
    description:
      "Interval of the client's polls of its own swarm while the app is online (uniform random phase per user)",
    source: `${SD} ts/session/constants.ts (SWARM_POLLING_TIMEOUT.ACTIVE); ${SD} ts/session/apis/snode_api/swarmPolling.ts (own swarm polled as often as possible)`,
  }),
  duration('groupPollInterval', {
    default: '5s',
    min: 0,
    minExclusive: true,
    description:
      'Interval of each member’s polls of a group swarm (5s: groups active within 2 days; 60s within 7 days; else 120s)',
    source: `${SD} ts/session/apis/snode_api/swarmPolling.ts (getPollingTimeout)`,
  }),
  int('retrieveNodes', {
    default: 2,
    unit: 'nodes',
    min: 1,
    description: 'Swarm members queried in parallel by each poll, sampled anew every poll; the results are merged',
    source: `${SD} ts/session/apis/snode_api/swarmPolling.ts (RETRIEVE_SNODES_COUNT = 2, sampled per poll)`,
  }),
  bool('syncCopy', {
    default: true,
    description:
      "After each successful 1:1 store the sender stores a sync copy in its own swarm (rAcct = sender at the sender's swarm node)",
    source: `${SD} ts/session/sending/MessageSentHandler.ts (after a successful send the client sends a sync message to its own swarm)`,
  }),
  int('paddingBlock', {
    default: 160,
    unit: 'bytes',
    min: 1,
    description: '1:1 (and sync) content padded to a multiple of this (0x80 terminator) before encryption',
    source: `${LS} include/session/session_protocol.hpp (COMMUNITY_OR_1O1_MSG_PADDING = 160)`,
  }),
  int('groupPaddingBlock', {
    default: 256,
    unit: 'bytes',
    min: 1,
    description: 'Group content padded to a multiple of this (after compression, not modelled) before encryption',
    source: `${LS} include/session/config/groups/keys.hpp (encrypt_message pads to 256)`,
  }),
  int('envelopeBytes', {
    default: 150,
    unit: 'bytes',
    min: 0,
    description:
      'Envelope and encryption bytes added to the padded content (protobuf envelope, ephemeral key, MAC, sender signature)',
    source: '[assumption] protobuf envelope, ephemeral key, MAC and signature: about 150 B',
  }),
  int('onionLayerBytes', {
    default: 100,
    unit: 'bytes',
    min: 0,
    description:
      'Bytes one onion layer adds (ephemeral key, nonce, tag, next-hop header); a request leg carries one layer per remaining hop, a response one layer',
    source:
      '[assumption] no measurement of the per-layer overhead found; an ephemeral key, a nonce, a tag and a next-hop header are about 100 B',
  }),
  bool('push', {
    default: false,
    description:
      'Mobile (android/ios) users subscribe to SPNS ("fast mode"): swarm nodes notify SPNS of each new message, SPNS pushes through FCM/APNs, an offline device wakes and fetches at once',
    source:
      'oxen-io/session-push-notification-server spns/register.py (subscription: Session ID, device token, namespaces); which mode onboarding preselects is [unverified], default off',
  }),
  dist('pushLatency', {
    default: 'uniform(0.5s, 3s)',
    description: 'Time a push spends inside FCM/APNs before it reaches the device',
    source: '[assumption] FCM and APNs deliver in seconds, variably; no published distribution',
  }),
  duration('backgroundPoll', {
    default: '0s',
    description:
      'Android clients poll this often while the app is offline/backgrounded (WorkManager); 0 = off (offline devices do not poll). Android uses 15min',
    source:
      'session-foundation/session-android (BackgroundPollWorker, a 15-minute WorkManager period); off by default [assumption]',
  }),
];

export type SessionParams = ParamsOf<typeof PARAMS>;

/** Problems across parameters (ranges the specs cannot state, and combinations). */
export function checkSession(p: SessionParams): ParamProblem[] {
  const out: ParamProblem[] = [];
  const { nodes: n, swarmSize: swarm, guards, pathLength: len } = p;
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
  if (p.retrieveNodes > swarm)
    out.push({
      param: 'retrieveNodes',
      message: `retrieveNodes ${p.retrieveNodes} exceeds swarmSize ${swarm}; a poll cannot query more nodes than a swarm has`,
      expected: `integer in 1..${swarm}`,
    });
  return out;
}
