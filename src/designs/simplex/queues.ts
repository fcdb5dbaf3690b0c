/**
 * SimpleX's queues: every one-way queue of the run, created before traffic starts from the
 * workload's contact graph and groups, each on a storage relay chosen by the side that receives
 * on it. Pure: no simulator, testable alone.
 */
import type { Rng } from '../../core/rng.js';
import type { Workload } from '../../workload/types.js';

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
