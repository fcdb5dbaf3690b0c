import type { Dist } from '../core/dist.js';

/** Resolved workload parameters (times in ns, rates per ns). */
export interface WorkloadSpec {
  users: number;
  /** Mean contacts per user in the symmetric contact graph. */
  contacts: number;
  /** `uniform`: Erdős–Rényi-like degrees; `heavy`: Chung–Lu with Pareto(2.5) expected degrees. */
  degreeModel: 'uniform' | 'heavy';
  /** Skew of how a user picks among its contacts: per-contact weights ~ lognormal(1, contactSkew); 0 = uniform. */
  contactSkew: number;
  /** 1:1 messages per user per ns (Poisson while online). */
  rate: number;
  replyProbability: number;
  /** Delay between receiving the original's send and the reply (the reply waits for delivery too). */
  thinkTime: Dist;
  /** Plaintext size of a message, bytes (unit-less distribution). */
  messageSize: Dist;
  groups: { count: number; size: number; rate: number };
  online: { model: 'always' | 'sessions'; on: Dist; off: Dist };
  /** Fractions of users on each platform; the rest are desktop (no platform push). */
  platforms: { android: number; ios: number };
  duration: number;
}

export const Platform = { desktop: 0, android: 1, ios: 2 } as const;

/**
 * The traffic every design in a replicate carries (common random numbers): who sends what to
 * whom and when. Messages are sorted by send time; ids are their indices.
 */
export interface Workload {
  spec: WorkloadSpec;
  users: number;
  /** Contact graph in CSR form: contacts of u are adj[adjStart[u] .. adjStart[u+1]). */
  adjStart: Int32Array;
  adj: Int32Array;
  /** Group members in CSR form. */
  groupStart: Int32Array;
  groupMembers: Int32Array;
  /** Messages (1:1 or group): the real ones sorted by tSend, then any cover messages. */
  count: number;
  /** Messages with ids ≥ realCount are cover (designs/countermeasures.ts); without cover, = count. */
  realCount: number;
  tSend: Float64Array;
  sender: Int32Array;
  /** Recipient user for 1:1, -1 for a group message. */
  recipient: Int32Array;
  /** Group index for a group message, -1 for 1:1. */
  group: Int32Array;
  /** Plaintext bytes. */
  size: Int32Array;
  /** For a reply: the message it answers (the sender must have received it first), else -1. */
  replyTo: Int32Array;
  platform: Uint8Array;
  /** Online intervals in CSR form: [onStart[k], onEnd[k]) for k in onIdx[u] .. onIdx[u+1]. */
  onIdx: Int32Array;
  onStart: Float64Array;
  onEnd: Float64Array;
}
