/**
 * Intersection attack (Kesdogan, Agrawal, Penz, "Limits of anonymity in open environments",
 * IH 2002, the single-contact case m = 1): when a target always communicates with one fixed
 * partner, the partner is in the set observed in every round of the target's activity, so the
 * candidate set is the intersection of the rounds' sets. Exact under that model; the
 * statistical disclosure estimators (disclosure.ts) are its tolerant, many-contact relatives.
 * Validation: V15 in test/validation/disclosure.test.ts.
 */

/** Running intersection of rounds over a universe 0..n-1. O(|round|) per round after the first. */
export class RoundIntersection {
  private readonly stamp: Int32Array;
  private cand = new Int32Array(0);
  private rounds = 0;

  constructor(readonly universe: number) {
    this.stamp = new Int32Array(universe);
  }

  /** Intersects with one round's set (duplicates allowed; out-of-range members ignored). */
  add(round: ArrayLike<number>): void {
    this.rounds++;
    const mark = this.rounds;
    if (mark === 1) {
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

  get size(): number {
    return this.rounds === 0 ? this.universe : this.cand.length;
  }

  get roundCount(): number {
    return this.rounds;
  }
}

/** Members present in every round, ascending. */
export function intersectRounds(rounds: readonly ArrayLike<number>[], universe: number): Int32Array {
  const it = new RoundIntersection(universe);
  for (const r of rounds) it.add(r);
  return it.candidates();
}
