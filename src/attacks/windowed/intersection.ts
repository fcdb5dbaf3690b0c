/**
 * The intersection attack (Kesdogan, Agrawal, Penz, "Limits of anonymity in open environments",
 * IH 2002, single contact m = 1), mirrored to the question the attacks answer: when every message R
 * receives comes from one partner, that partner was active in every round in which R received, so
 * the candidate senders are the intersection of the rounds' sets. Exact under that model; SDA is
 * its tolerant, many-contact relative.
 *
 * Rounds are the epochs of width E of the window series (shift s as for SDA). R's target rounds
 * are the epochs ⌊(x − s)/E⌋ of the anchor sightings x of R's deliveries: the rows the view
 * attributes to a delivery to R, not every row into R's device, since one round without the
 * partner (a 200 response to R's own upload) would rule the partner out for good. A round's set is
 * the sender ips with a row leaving a user device in that epoch. Validation: V15 through the
 * pipeline (test/validation/intersection.test.ts).
 */
import type { Targets } from '../attack.js';
import type { TargetIndex } from './pairs.js';
import type { CandidateSet } from './select.js';
import { type WindowSeries, windowOf } from './series.js';
import type { Sweep } from './sweep.js';

/** Running intersection of rounds over a universe 0..n-1. O(|round|) per round after the first. */
export class RoundIntersection {
  private readonly stamp: Int32Array;
  private cand = new Int32Array(0);
  private rounds = 0;
  /** Stamps only ever grow, so starting over never has to clear them. */
  private mark = 0;

  constructor(readonly universe: number) {
    this.stamp = new Int32Array(universe);
  }

  /** Intersects with one round's set (duplicates allowed; out-of-range members ignored). */
  add(round: ArrayLike<number>): void {
    const mark = ++this.mark;
    if (this.rounds++ === 0) {
      const out: number[] = [];
      for (let i = 0; i < round.length; i++) {
        const x = round[i];
        if (x >= 0 && x < this.universe && this.stamp[x] !== mark) {
          this.stamp[x] = mark;
          out.push(x);
        }
      }
      this.cand = Int32Array.from(out).sort();
      return;
    }
    for (let i = 0; i < round.length; i++) {
      const x = round[i];
      if (x >= 0 && x < this.universe) this.stamp[x] = mark;
    }
    let n = 0;
    for (let i = 0; i < this.cand.length; i++) if (this.stamp[this.cand[i]] === mark) this.cand[n++] = this.cand[i];
    this.cand = this.cand.slice(0, n);
  }

  /** Candidates still consistent with every round, ascending; all of the universe before any round. */
  candidates(): Int32Array {
    if (this.rounds === 0) return Int32Array.from({ length: this.universe }, (_, i) => i);
    return this.cand.slice();
  }

  /** The candidates without a copy (valid until the next add or reset); empty before any round. */
  get current(): Int32Array {
    return this.cand;
  }

  get size(): number {
    return this.rounds === 0 ? this.universe : this.cand.length;
  }

  get roundCount(): number {
    return this.rounds;
  }

  /** Starts over with no round. */
  reset(): void {
    this.cand = new Int32Array(0);
    this.rounds = 0;
  }
}

/** Members present in every round, ascending. */
export function intersectRounds(rounds: readonly ArrayLike<number>[], universe: number): Int32Array {
  const it = new RoundIntersection(universe);
  for (const r of rounds) it.add(r);
  return it.candidates();
}

/** The anchor sighting of each target, grouped by recipient in delivery order (NaN: no anchor). */
export function sightingsByRecipient(targets: Targets, idx: TargetIndex, tRx: Float64Array): Float64Array {
  const x = new Float64Array(idx.order.length);
  for (let q = 0; q < idx.order.length; q++) {
    const a = targets.anchor[idx.order[q]];
    x[q] = a >= 0 ? tRx[a] : Number.NaN;
  }
  return x;
}

/**
 * The intersection for one recipient user, advanced in time: `at(t)` holds the rounds of R's
 * deliveries sighted by t, each round's set being the ips with a departure by t in it (a round
 * whose epoch is not over at t is filtered, not committed, so later rows of it still count).
 * Every user behind a surviving ip scores 1 (the recipient's own address never survives: its
 * egress echoes the recipient), everyone else 0.
 */
export class IntersectionSweep implements Sweep {
  private readonly rounds: RoundIntersection;
  private readonly inRound: Uint8Array;
  private readonly survivor: Uint8Array;
  private readonly survivors: number[] = [];
  private r = -1;
  private v = -1;
  private q = 0;
  private qEnd = 0;
  /** Last committed epoch (−1: none) and the epoch pending at the current time (−1: none). */
  private lastK = -1;
  private pendingK = -1;

  constructor(
    readonly s: WindowSeries,
    readonly idx: TargetIndex,
    /** Anchor sighting of the targets in idx.order (sightingsByRecipient). */
    readonly sighted: Float64Array,
  ) {
    this.rounds = new RoundIntersection(s.ips);
    this.inRound = new Uint8Array(s.ips);
    this.survivor = new Uint8Array(s.ips);
  }

  begin(recipient: number): void {
    this.rounds.reset();
    this.r = recipient;
    this.v = this.s.userIp[recipient];
    this.q = this.idx.start[recipient];
    this.qEnd = this.idx.start[recipient + 1];
    this.lastK = -1;
    this.pendingK = -1;
    this.clearSurvivors();
  }

  /** Commits epoch k (complete by now) as a round: the ips active in it. */
  private commit(k: number): void {
    if (k === this.lastK) return;
    const s = this.s;
    this.rounds.add(s.eIp.subarray(s.eStart[k], s.eStart[k + 1]));
    this.lastK = k;
  }

  private advance(t: number): void {
    const s = this.s;
    this.pendingK = -1;
    for (; this.q < this.qEnd; this.q++) {
      const x = this.sighted[this.q];
      if (Number.isNaN(x)) continue;
      if (x > t) break;
      const k = windowOf(x - s.shift, s.width);
      if (k < 0 || k >= s.windows) continue;
      // Departures of epoch k are all observed once t ≥ (k+1)·E; before that the round waits.
      if ((k + 1) * s.width <= t) this.commit(k);
      else {
        this.pendingK = k;
        break;
      }
    }
    // A pending round's own later deliveries are the same round.
    this.survivorsAt(t);
  }

  /** The surviving ips at t: the committed intersection, filtered by the pending round's rows ≤ t. */
  private survivorsAt(t: number): void {
    this.clearSurvivors();
    const s = this.s;
    const k = this.pendingK;
    if (this.rounds.roundCount === 0 && k < 0) return;
    if (k >= 0) {
      for (let i = s.eRowStart[k]; i < s.eRowStart[k + 1] && s.eRowT[i] <= t; i++) this.inRound[s.eRowIp[i]] = 1;
    }
    const committed = this.rounds.roundCount > 0 ? this.rounds.current : null;
    const keep = (a: number): void => {
      if (a === this.v || this.survivor[a]) return;
      this.survivor[a] = 1;
      this.survivors.push(a);
    };
    if (committed) {
      for (const a of committed) if (k < 0 || this.inRound[a]) keep(a);
    } else {
      for (let i = s.eRowStart[k]; i < s.eRowStart[k + 1] && s.eRowT[i] <= t; i++) keep(s.eRowIp[i]);
    }
    if (k >= 0) {
      for (let i = s.eRowStart[k]; i < s.eRowStart[k + 1] && s.eRowT[i] <= t; i++) this.inRound[s.eRowIp[i]] = 0;
    }
  }

  private clearSurvivors(): void {
    for (const a of this.survivors) this.survivor[a] = 0;
    this.survivors.length = 0;
  }

  at(t: number): boolean {
    this.advance(t);
    return this.rounds.roundCount > 0 || this.pendingK >= 0;
  }

  atEnd(): boolean {
    for (; this.q < this.qEnd; this.q++) {
      const x = this.sighted[this.q];
      if (Number.isNaN(x)) continue;
      const k = windowOf(x - this.s.shift, this.s.width);
      if (k >= 0 && k < this.s.windows) this.commit(k);
    }
    this.pendingK = -1;
    this.survivorsAt(Number.POSITIVE_INFINITY);
    return this.rounds.roundCount > 0;
  }

  addCandidates(out: CandidateSet): void {
    const { ipStart, ipUsers, users } = this.s;
    for (const a of this.survivors) {
      for (let i = ipStart[a]; i < ipStart[a + 1]; i++)
        if (ipUsers[i] !== this.r && ipUsers[i] < users) out.add(ipUsers[i]);
    }
  }

  score(u: number): number {
    return u !== this.r && this.survivor[this.s.userIp[u]] ? 1 : 0;
  }

  /** The surviving ips (the recipient's excluded), valid until the next at/atEnd. */
  get ips(): readonly number[] {
    return this.survivors;
  }

  /** The one user left, or -1 (none, or several: they tie). */
  best(): number {
    const { ipStart, ipUsers, users } = this.s;
    let top = -1;
    for (const a of this.survivors) {
      for (let i = ipStart[a]; i < ipStart[a + 1]; i++) {
        const u = ipUsers[i];
        if (u === this.r || u >= users) continue;
        if (top >= 0) return -1;
        top = u;
      }
    }
    return top;
  }
}
