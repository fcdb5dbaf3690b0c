/**
 * SimpleX's topology, drawn at build time and needing no simulator: the relays (storage relays
 * first, then proxy-only ones), the notification server, APNs and the optional Tor relays; every
 * queue (queues.ts); each sender's sticky proxy per destination relay; which relays each user
 * keeps a connection to.
 */
import type { Rng, Streams } from '../../core/rng.js';
import { type Hosts, Role } from '../../net/hosts.js';
import type { Workload } from '../../workload/types.js';
import { buildQueues, type QueueTable } from './queues.js';

export interface SimplexTopology {
  /** Relays, of which the first S store queues. Relay i is host relay0 + i. */
  R: number;
  S: number;
  relay0: number;
  ntf: number;
  apns: number;
  /** Tor relays (0 without Tor); Tor relay i is host tor0 + i. */
  T: number;
  tor0: number;
  /** Stream `user/<u>/servers`: its queues' relays, then its proxies, then (Tor) its circuits. */
  userRng: (u: number) => Rng;
  qt: QueueTable;
  /** Sticky proxy of (sender s, destination relay d) at s · S + d; −1 = none (direct, or unused). */
  proxyOf: Int16Array;
  /** 1 at u · R + i when user u keeps a connection to relay i (subscriptions, proxies, direct sends). */
  connected: Uint8Array;
  /** Queues hosted per storage relay. */
  hostedBy: Int32Array;
}

export interface TopologyOptions {
  relays: number;
  proxyOnlyRelays: number;
  /** privateRouting: always. */
  proxied: boolean;
  /** Tor relays to add (0 without Tor). */
  torRelays: number;
}

export function buildTopology(hosts: Hosts, streams: Streams, w: Workload, o: TopologyOptions): SimplexTopology {
  const U = w.users;
  const R = o.relays;
  const S = R - o.proxyOnlyRelays;
  const T = o.torRelays;
  // Host ids of relays are contiguous: relay i is host relay0 + i.
  const relay0 = hosts.count;
  for (let i = 0; i < R; i++) hosts.add(Role.relay, i < S ? `smp-storage-${i}` : `smp-proxy-only-${i - S}`);
  const ntf = hosts.add(Role.notifier, 'ntf-server');
  const apns = hosts.add(Role.push, 'apns');
  const tor0 = hosts.count;
  for (let i = 0; i < T; i++) hosts.add(Role.tor, `tor-${i}`);
  const operator = (i: number): number => (i < S ? 0 : 1);

  // One stream per user for its server choices: its queues' relays first, then its proxies.
  const userRngs: Rng[] = new Array(U);
  const userRng = (u: number): Rng => (userRngs[u] ??= streams.stream(`user/${u}/servers`));
  const qt = buildQueues(w, userRng, S);

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
  for (let q = 0; q < qt.count; q++) {
    const s = qt.sender[q];
    const d = qt.relay[q];
    hostedBy[d]++;
    connected[qt.recipient[q] * R + d] = 1;
    if (!o.proxied) {
      connected[s * R + d] = 1;
      continue;
    }
    if (proxyOf[s * S + d] < 0) {
      const c = candidates[d];
      proxyOf[s * S + d] = c[Math.floor(userRng(s)() * c.length)];
    }
    connected[s * R + proxyOf[s * S + d]] = 1;
  }
  return { R, S, relay0, ntf, apns, T, tor0, userRng, qt, proxyOf, connected, hostedBy };
}

/** The storage relay hosting the most queues (the first such), as a host id. */
export function centralRelay(t: SimplexTopology): number {
  let central = 0;
  for (let d = 1; d < t.S; d++) if (t.hostedBy[d] > t.hostedBy[central]) central = d;
  return t.relay0 + central;
}
