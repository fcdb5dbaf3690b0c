/**
 * Time to first deanonymisation per communicating pair (`ttfd.csv`, docs/metrics.md; TorPS-style).
 * A pair (s, r)'s scored deliveries are taken in delivery order (ties by target index); the
 * pair is identified at the first delivery whose `causalTop` (the unique top candidate ranked
 * only with observations up to that delivery) equals s.
 * - messages_until_identified: 1-based count of the pair's deliveries up to and including it;
 * - time_until_identified_s: its delivery time minus the pair's first scored delivery time, s;
 * - both null when never identified; messages_sent = the pair's scored deliveries.
 * The tie-aware variant: the first delivery at which s is among the causally top-ranked
 * candidates, alone (causalTop = s) or tied (s listed in the attack's `causalTie`):
 * - messages_until_tied_top: its 1-based count; tied_top: how many candidates shared the top
 *   there (1 = unique, and then it is messages_until_identified); both null when never.
 * Under uniform tie-breaking the adversary names s there with probability 1/tied_top: the
 * expected-rank reading of "identified" behind a NAT (top1 = 1/g), which the strict column never counts.
 * Rows come sorted by (sender, recipient).
 */
import type { AttackResult } from '../attacks/attack.js';
import { pairOrder } from '../attacks/util-hash.js';
import type { TtfdRow } from './schema.js';

export type TtfdPair = Omit<TtfdRow, 'replicate' | 'design' | 'adversary' | 'attack' | 'cell' | 'sweep'>;

export function timeToFirstDeanonymisation(
  causalTop: Int32Array,
  sender: Int32Array,
  recipient: Int32Array,
  tDeliver: Float64Array,
  users: number,
  causalTie?: AttackResult['causalTie'],
): TtfdPair[] {
  /** How many candidates share the causal top with s at target t (0 when s is not among them). */
  const topShare = (t: number, s: number): number => {
    if (causalTop[t] === s) return 1;
    if (causalTop[t] !== -1 || !causalTie) return 0;
    const lo = causalTie.offsets[t];
    const hi = causalTie.offsets[t + 1];
    for (let k = lo; k < hi; k++) if (causalTie.cand[k] === s) return hi - lo;
    return 0;
  };
  const n = sender.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Group by pair, then by delivery time, then by index: one sort, deterministic.
  order.sort((a, b) => {
    const ka = sender[a] * users + recipient[a];
    const kb = sender[b] * users + recipient[b];
    if (ka !== kb) return ka - kb;
    if (tDeliver[a] !== tDeliver[b]) return tDeliver[a] - tDeliver[b];
    return a - b;
  });
  const out: TtfdPair[] = [];
  let k = 0;
  while (k < n) {
    const first = order[k];
    const s = sender[first];
    const r = recipient[first];
    let end = k + 1;
    while (end < n && sender[order[end]] === s && recipient[order[end]] === r) end++;
    let until: number | null = null;
    let time: number | null = null;
    let tiedUntil: number | null = null;
    let tied: number | null = null;
    for (let m = k; m < end; m++) {
      const t = order[m];
      const share: number = tied === null ? topShare(t, s) : 0;
      if (share > 0) {
        tiedUntil = m - k + 1;
        tied = share;
      }
      if (causalTop[t] === s) {
        until = m - k + 1;
        time = (tDeliver[t] - tDeliver[first]) / 1e9;
        break;
      }
    }
    out.push({
      sender: s,
      recipient: r,
      messages_sent: end - k,
      messages_until_identified: until,
      time_until_identified_s: time,
      messages_until_tied_top: tiedUntil,
      tied_top: tied,
    });
    k = end;
  }
  return out;
}

/** Communicating pairs kept per (cell, replicate, design, adversary, attack) in ttfd.csv. */
export const TTFD_KEPT = 2000;

/**
 * At most `max` of `rows`, in their order: all of them when they are few, else those whose
 * (sender, recipient) come first in a fixed hash order — a uniform sample of the pairs that is
 * the same pairs in every attack and adversary of one simulated run (paired comparisons).
 */
export function boundPairs<T extends { sender: number; recipient: number }>(rows: T[], max = TTFD_KEPT): T[] {
  if (rows.length <= max) return rows;
  const order = rows.map((r, k) => ({ h: pairOrder(r.sender, r.recipient), k }));
  order.sort((a, b) => a.h - b.h || a.k - b.k);
  const keep = new Uint8Array(rows.length);
  for (let q = 0; q < max; q++) keep[order[q].k] = 1;
  return rows.filter((_, k) => keep[k] === 1);
}
