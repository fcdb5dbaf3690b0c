/**
 * Session's background polls as periodic flows: the retrieves that return nothing are never
 * simulated or logged one by one; each is part of a (path, period, phase) flow (`PeriodicFlows`).
 * Built once at build time, after the workload is fed (fresh paths with guards = 0 draw from
 * the user's stream after its build-time draws).
 */

import { Kind } from '../../net/log.js';
import type { Net } from '../../net/net.js';
import { Platform, type Workload } from '../../workload/types.js';
import { padTo } from '../common.js';
import { freshPath } from './paths.js';
import { RETRIEVE_EMPTY_BYTES, RETRIEVE_REQUEST_BYTES } from './sizes.js';
import type { Swarms, UserDraws } from './topology.js';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export interface FlowOptions {
  nodes: number;
  guards: number;
  pathLength: number;
  retrieveNodes: number;
  rotation: number;
  pollInterval: number;
  groupPollInterval: number;
  backgroundPoll: number;
  onionLayerBytes: number;
  onionPadding: number;
  /** Host id of node 0. */
  base: number;
  end: number;
}

/** Adds the flows of every user's pollers over its online intervals (and Android background polls offline). */
export function addPollFlows(net: Net, w: Workload, sw: Swarms, d: UserDraws, o: FlowOptions): void {
  const U = w.users;
  const { nodes: N, guards: G, pathLength: L, retrieveNodes: R, rotation: rot, base, end } = o;
  const { pollInterval: P, groupPollInterval: PG, backgroundPoll: B, onionLayerBytes: O, onionPadding: onionPad } = o;
  const { nodeBase, userRng, phase, bgPhase, rotOff, timeline, outages } = d;
  const epPaths = timeline.paths;
  const tmpPath = new Int32Array(L);
  const wire = (bytes: number): number => (onionPad > 0 ? padTo(bytes, onionPad) : bytes);
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
  const addFlows = (u: number, s: number, per: number, ph: number, a: number, b: number): void => {
    const s0 = sw.start[s];
    const size = sw.start[s + 1] - s0;
    const nb = Math.floor(nodeBase[u] * size);
    const off = G > 0 ? timeline.off(u, a) : -1;
    const gg = G > 0 ? gcd(R, G) : 1;
    const cycle = G > 0 ? G / gg : 1;
    for (let j = 0; j < Math.max(G, 1); j++) {
      for (let q = 0; q < R; q++) {
        let k0 = 0;
        if (G > 0) {
          while (k0 < cycle && (k0 * R + q) % G !== j) k0++;
          if (k0 === cycle) continue;
        }
        const node = sw.nodes[s0 + ((nb + q) % size)];
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
  for (let k = 0; k < w.groupMembers.length; k++) (groupsOf[w.groupMembers[k]] ??= []).push(sw.memberGroup[k]);
  /** All pollers of u over [a, b), split where its paths change (rotation, churn repairs). */
  const addSegmentFlows = (u: number, a: number, b: number, per: number, perG: number, ph: number): void => {
    let t = a;
    while (t < b) {
      let next = rot > 0 && G > 0 ? Math.min(b, (Math.floor((t + rotOff[u]) / rot) + 1) * rot - rotOff[u]) : b;
      if (outages) next = Math.min(next, timeline.nextStart(u, t));
      addFlows(u, sw.userSwarm[u], per, ph, t, next);
      for (const g of groupsOf[u] ?? []) addFlows(u, sw.groupSwarm[g], perG, ph, t, next);
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
}
