/**
 * Session's topology, drawn at build time and needing no simulator: the service nodes and push
 * hosts, the swarms and which swarm holds each account, each user's poll phases and onion paths
 * over time, and the node the design reports as central. Every draw comes from a named stream
 * (see docs/architecture.md, common random numbers), so these functions can be tested alone.
 */
import type { Dist } from '../../core/dist.js';
import { type Rng, randomOrder, type Streams } from '../../core/rng.js';
import { type Hosts, Role } from '../../net/hosts.js';
import type { Workload } from '../../workload/types.js';
import { SwarmRing } from './paths.js';
import { NodeOutages, type PathTimeline, PathTimelineBuilder } from './timeline.js';

/** Host ids of the infrastructure: node i is host `base + i`; the push hosts are −1 without push. */
export interface SessionHosts {
  base: number;
  spns: number;
  fcm: number;
  apns: number;
}

/** Adds the `nodes` service nodes, then (with push) SPNS, FCM and APNs, in that order. */
export function addSessionHosts(hosts: Hosts, nodes: number, push: boolean): SessionHosts {
  const base = hosts.count;
  for (let i = 0; i < nodes; i++) hosts.add(Role.snode, `snode-${i}`);
  let spns = -1;
  let fcm = -1;
  let apns = -1;
  if (push) {
    spns = hosts.add(Role.notifier, 'spns');
    fcm = hosts.add(Role.push, 'fcm');
    apns = hosts.add(Role.push, 'apns');
  }
  return { base, spns, fcm, apns };
}

/** Swarm s holds nodes `nodes[start[s] .. start[s + 1])` (node indices; host = base + index). */
export interface Swarms {
  /** Number of swarms. */
  count: number;
  nodes: Int32Array;
  start: Int32Array;
  /** Largest swarm size. */
  maxSize: number;
  /** Swarm of each user's account. */
  userSwarm: Int32Array;
  /** Swarm of each group's account. */
  groupSwarm: Int32Array;
  /** Group of each group-membership slot (parallel to workload.groupMembers). */
  memberGroup: Int32Array;
}

/**
 * Contiguous chunks of a random permutation: a uniform partition into floor(nodes/swarmSize)
 * swarms whose sizes differ by at most one. Accounts go to the swarm closest on the ring.
 */
export function buildSwarms(streams: Streams, w: Workload, N: number, S: number): Swarms {
  const U = w.users;
  const NG = w.groupStart.length - 1;
  const SW = Math.floor(N / S);
  const swarmNodes = randomOrder(streams.stream('swarms/members'), N);
  const swarmStart = new Int32Array(SW + 1);
  let MS = 0;
  for (let s = 0; s < SW; s++) {
    const size = Math.floor(N / SW) + (s < N % SW ? 1 : 0);
    swarmStart[s + 1] = swarmStart[s] + size;
    if (size > MS) MS = size;
  }
  const ringRng = streams.stream('swarms/ids');
  const ring = new SwarmRing(Float64Array.from({ length: SW }, () => ringRng()));
  // One position draw per account, in id order, so account u's swarm does not depend on U.
  const acctRng = streams.stream('accounts');
  const userSwarm = Int32Array.from({ length: U }, () => ring.closest(acctRng()));
  const groupAcctRng = streams.stream('group-accounts');
  const groupSwarm = Int32Array.from({ length: NG }, () => ring.closest(groupAcctRng()));
  const memberGroup = new Int32Array(w.groupMembers.length);
  for (let g = 0; g < NG; g++) for (let k = w.groupStart[g]; k < w.groupStart[g + 1]; k++) memberGroup[k] = g;
  return { count: SW, nodes: swarmNodes, start: swarmStart, maxSize: MS, userSwarm, groupSwarm, memberGroup };
}

export interface UserDrawOptions {
  nodes: number;
  guards: number;
  pathLength: number;
  /** Paths are rebuilt every `rotation` (0 = never); guards at the first rebuild in a new guard period. */
  rotation: number;
  guardRotation: number;
  pollInterval: number;
  /** Android background poll period, 0 = off. */
  backgroundPoll: number;
  nodeFailureRate: number;
  nodeDowntime: Dist;
  end: number;
}

/** Per-user draws made at build time. */
export interface UserDraws {
  /** Foreground poll phase in [0, pollInterval). */
  phase: Float64Array;
  /** Background poll phase in [0, backgroundPoll). */
  bgPhase: Float64Array;
  /** Offset of the user's path-rotation boundaries. */
  rotOff: Float64Array;
  /** Where in its swarm the user's polls start (fraction of the swarm). */
  nodeBase: Float64Array;
  /** Stream `user/<u>`, left after these draws (fresh paths of background flows draw from it). */
  userRng: Rng[];
  timeline: PathTimeline;
  /** Node outages, null when churn is off (or guards = 0). */
  outages: NodeOutages | null;
}

/** Guards, paths and poll phases of every user (stream user/<u>, drawn in a fixed order, users in id order). */
export function drawUsers(streams: Streams, w: Workload, o: UserDrawOptions): UserDraws {
  const U = w.users;
  const { guards: G, rotation: rot, pollInterval: P, backgroundPoll: B, end } = o;
  const phase = new Float64Array(U);
  const bgPhase = new Float64Array(U);
  const rotOff = new Float64Array(U);
  const nodeBase = new Float64Array(U);
  const userRng: Rng[] = new Array(U);
  const churnRng: (Rng | undefined)[] = new Array(U);
  const outages =
    o.nodeFailureRate > 0 && G > 0
      ? NodeOutages.draw(streams.stream('churn/nodes'), o.nodes, o.nodeFailureRate, o.nodeDowntime, end)
      : null;
  const timelineBuilder = new PathTimelineBuilder(
    {
      nodes: o.nodes,
      guards: G,
      pathLength: o.pathLength,
      rotation: rot,
      guardRotation: o.guardRotation,
      workload: w,
      end,
      churn: outages
        ? { outages, pollInterval: P, rng: (u) => (churnRng[u] ??= streams.stream(`user/${u}/churn`)) }
        : null,
    },
    rotOff,
  );
  for (let u = 0; u < U; u++) {
    const rng = streams.stream(`user/${u}`);
    userRng[u] = rng;
    phase[u] = Math.floor(rng() * P);
    bgPhase[u] = Math.floor(rng() * (B > 0 ? B : 1));
    rotOff[u] = rot > 0 ? Math.floor(rng() * rot) : 0;
    nodeBase[u] = rng();
    if (G > 0) timelineBuilder.addUser(u, rng);
    else timelineBuilder.addEmptyUser();
  }
  return { phase, bgPhase, rotOff, nodeBase, userRng, timeline: timelineBuilder.done(), outages };
}

/**
 * The most central snode: the first node of the swarm holding the most accounts (users and
 * groups); it reads the recipient account of the largest share of stores and polls.
 */
export function centralNode(sw: Swarms, base: number): number {
  const load = new Int32Array(sw.count);
  for (let u = 0; u < sw.userSwarm.length; u++) load[sw.userSwarm[u]]++;
  for (let g = 0; g < sw.groupSwarm.length; g++) load[sw.groupSwarm[g]]++;
  let big = 0;
  for (let s = 1; s < sw.count; s++) if (load[s] > load[big]) big = s;
  let central = Number.POSITIVE_INFINITY;
  for (let k = sw.start[big]; k < sw.start[big + 1]; k++) central = Math.min(central, base + sw.nodes[k]);
  return central;
}
