/**
 * Matrix's topology, drawn at build time and needing no simulator: the homeservers (and, with
 * push, Sygnal, FCM and APNs), each user's homeserver, and the rooms: one DM room per
 * contact-graph edge and one room per group, whose members are kept sorted by homeserver in
 * segments (one segment per participating homeserver).
 */
import { Zipf } from '../../core/dist.js';
import type { Streams } from '../../core/rng.js';
import { type Hosts, Role } from '../../net/hosts.js';
import type { Workload } from '../../workload/types.js';

/** Host ids: homeserver i is host base + i; the push hosts are −1 without push. */
export interface MatrixHosts {
  base: number;
  gateway: number;
  fcm: number;
  apns: number;
}

export function addMatrixHosts(hosts: Hosts, homeservers: number, push: boolean): MatrixHosts {
  const base = hosts.count;
  for (let i = 0; i < homeservers; i++) hosts.add(Role.homeserver, `homeserver-${i}`);
  let gateway = -1;
  let fcm = -1;
  let apns = -1;
  if (push) {
    gateway = hosts.add(Role.gateway, 'sygnal');
    fcm = hosts.add(Role.push, 'fcm');
    apns = hosts.add(Role.push, 'apns');
  }
  return { base, gateway, fcm, apns };
}

/**
 * Each user's homeserver (host id): i.i.d. placement, one draw per user in id order (stream
 * `placement`), so user u's server does not depend on U. zipfExponent null = uniform.
 */
export function placeUsers(
  streams: Streams,
  users: number,
  base: number,
  H: number,
  zipfExponent: number | null,
): Int32Array {
  const zipf = zipfExponent !== null ? new Zipf(H, zipfExponent) : null;
  const placeRng = streams.stream('placement');
  return Int32Array.from({ length: users }, () => base + (zipf ? zipf.sample(placeRng) : Math.floor(placeRng() * H)));
}

/** The homeserver with the most users (the first such), as a host id. */
export function centralHomeserver(hsOf: Int32Array, base: number, H: number): number {
  const count = new Int32Array(H);
  for (let u = 0; u < hsOf.length; u++) count[hsOf[u] - base]++;
  let big = 0;
  for (let i = 1; i < H; i++) if (count[i] > count[big]) big = i;
  return base + big;
}

/** Rooms: DM room of edge i of the contact graph (0..E-1), then the room of group g (E + g). */
export class Rooms {
  /** DM rooms. */
  readonly E: number;
  /** Room of each contact-graph slot (parallel to workload.adj). */
  readonly edgeRoom: Int32Array;
  /** Group members sorted by homeserver (then id), at the group's slots of workload.groupMembers. */
  readonly gMembers: Int32Array;
  /** Segments of group g: segStart[g] .. segStart[g + 1]; segment k: homeserver segHs[k], members gMembers[segFrom[k] .. segTo[k]). */
  readonly segStart: number[] = [0];
  readonly segHs: number[] = [];
  readonly segFrom: number[] = [];
  readonly segTo: number[] = [];

  constructor(
    private readonly w: Workload,
    hsOf: Int32Array,
  ) {
    const U = w.users;
    const NG = w.groupStart.length - 1;
    // DM rooms: one per contact-graph edge, numbered in (min, max) order; edgeRoom is parallel to adj.
    const { adjStart, adj } = w;
    const edgeRoom = new Int32Array(adj.length).fill(-1);
    let E = 0;
    for (let u = 0; u < U; u++) for (let i = adjStart[u]; i < adjStart[u + 1]; i++) if (u < adj[i]) edgeRoom[i] = E++;
    for (let u = 0; u < U; u++)
      for (let i = adjStart[u]; i < adjStart[u + 1]; i++)
        if (u > adj[i]) edgeRoom[i] = edgeRoom[this.contactIndex(adj[i], u)];
    this.E = E;
    this.edgeRoom = edgeRoom;

    // Group rooms: members sorted by homeserver, one segment per participating homeserver.
    const gMembers = new Int32Array(w.groupMembers.length);
    const { segStart, segHs, segFrom, segTo } = this;
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
    this.gMembers = gMembers;
  }

  /** Position of v in u's (sorted) contact list, or -1. */
  contactIndex(u: number, v: number): number {
    const { adjStart, adj } = this.w;
    let lo = adjStart[u];
    let hi = adjStart[u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (adj[mid] === v) return mid;
      if (adj[mid] < v) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Room of message m (its group's room, or the DM room of sender and recipient). */
  roomOf(m: number): number {
    const w = this.w;
    const g = w.group[m];
    if (g >= 0) return this.E + g;
    const i = this.contactIndex(w.sender[m], w.recipient[m]);
    if (i < 0) throw new Error(`message ${m}: ${w.sender[m]} and ${w.recipient[m]} share no room (not contacts)`);
    return this.edgeRoom[i];
  }

  /** Segment of group g's members on homeserver hs, or -1 when hs takes no part in the room. */
  segOf(g: number, hs: number): number {
    for (let k = this.segStart[g]; k < this.segStart[g + 1]; k++) if (this.segHs[k] === hs) return k;
    return -1;
  }

  /** Segment k's only member other than `except`, or -1 (none or several): what room state names. */
  onlyInSeg(k: number, except: number): number {
    let found = -1;
    let n = 0;
    for (let x = this.segFrom[k]; x < this.segTo[k]; x++) {
      if (this.gMembers[x] === except) continue;
      found = this.gMembers[x];
      n++;
    }
    return n === 1 ? found : -1;
  }
}
