/**
 * Small multi-hop worlds for the timing attack's exactness tests (memo, widening): messages from
 * random users through 1–3 random relays (ms-scale hops and dwells) to another user, logged hop
 * by hop with each hop's cause and the deliveries' ground truth. Caps of a few rows bind in them.
 *
 * The random draws are made in one fixed order (per message: sender, recipient, path length,
 * relays, start, [size]; per hop: hop delay, dwell, [size change]; then per logged hop, only when
 * `breaks` is asked, its draws), so a test that passes the same stream gets the same world as
 * before this builder was shared; the tests' worlds must not change with it.
 */
import type { DelayModel } from '../../src/attacks/attack.js';
import type { Rng } from '../../src/core/rng.js';
import { Kind, ObservationLog } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';

export const MS = 1e6;

/** A uniform delay law on [loMs, hiMs] milliseconds. */
export function flat(loMs: number, hiMs: number): DelayModel {
  const lo = loMs * MS;
  const hi = hiMs * MS;
  return { pdf: (x) => (x >= lo && x <= hi ? 1 / (hi - lo) : 0), lo, hi, samples: 100 };
}

/** One hop of one message: sent at tTx, received at tRx (ms), k-th on the message's path. */
export interface Hop {
  tTx: number;
  tRx: number;
  from: number;
  to: number;
  msg: number;
  k: number;
  bytes: number;
}

export interface WorldShape {
  users: number;
  relays: number;
  /** Messages. */
  n: number;
  /** Messages start uniformly in [0, span] ms. */
  span: number;
  /** Payloads of 256, 512 or 768 B, 16 B lighter after a hop with probability 0.3; else all 256 B. */
  sized?: boolean;
  /** Asked for every hop after the first (in log order): true = the forwarder names no cause. */
  breaks?: (h: Hop) => boolean;
}

/** The log and ground truth of one world, drawn from `rng`. */
export function multiHopWorld(rng: Rng, shape: WorldShape): { log: ObservationLog; truth: GroundTruth } {
  const { users, relays, n, span, sized = false, breaks } = shape;
  const log = new ObservationLog();
  const truth = new GroundTruth();
  const hops: Hop[] = [];
  const sender: number[] = [];
  for (let m = 0; m < n; m++) {
    const s = Math.floor(rng() * users);
    let r = Math.floor(rng() * users);
    if (r === s) r = (r + 1) % users;
    sender.push(s);
    const path = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => users + Math.floor(rng() * relays));
    let at = Math.round(rng() * span);
    let from = s;
    let bytes = sized ? 256 * (1 + Math.floor(rng() * 3)) : 256;
    const seq = [...path, r];
    for (let k = 0; k < seq.length; k++) {
      const tRx = at + 1 + Math.floor(rng() * 2);
      hops.push({ tTx: at, tRx, from, to: seq[k], msg: m, k, bytes });
      from = seq[k];
      at = tRx + Math.floor(rng() * 5);
      if (sized && rng() < 0.3) bytes -= 16;
    }
  }
  hops.sort((a, b) => a.tTx - b.tTx || a.msg - b.msg || a.k - b.k);
  const lastRow = new Map<number, number>();
  for (const h of hops) {
    const prev = h.k > 0 && !breaks?.(h) ? (lastRow.get(h.msg) ?? -1) : -1;
    const row = log.append(h.tTx * MS, h.tRx * MS, h.from, h.to, h.bytes, Kind.message, prev, 0);
    lastRow.set(h.msg, row);
    if (h.to < users) truth.record(truth.length, sender[h.msg], h.to, -1, 0, log.tRx[row], row);
  }
  return { log, truth };
}
