/**
 * Ranking and selection for the windowed attacks: the tie rule of the causal top, candidate sets,
 * and cutting score lists without splitting ties (binary search and k-th largest live in
 * util-index.ts, shared with the timing attack).
 */
import { kthLargest } from '../util-index.js';

/** Scores within this relative distance of the best count as tied for the causal top. */
export const TIE_REL = 1e-9;

/** Running argmax under the TIE_REL rule: `result` is -1 on a tie or when nothing scored above 0. */
export class TieTop {
  best = 0;
  tie = false;
  private top = -1;

  reset(): void {
    this.best = 0;
    this.tie = false;
    this.top = -1;
  }

  consider(u: number, v: number): void {
    if (v > this.best * (1 + TIE_REL)) {
      this.best = v;
      this.top = u;
      this.tie = false;
    } else if (v > 0 && v >= this.best * (1 - TIE_REL)) {
      this.tie = true;
      if (v > this.best) this.best = v;
    }
  }

  get result(): number {
    return this.tie ? -1 : this.top;
  }
}

/** Deduplicated set of candidate users, reused across recipients. */
export class CandidateSet {
  readonly list: Int32Array;
  n = 0;
  private readonly mark: Uint8Array;
  constructor(users: number) {
    this.list = new Int32Array(users);
    this.mark = new Uint8Array(users);
  }
  add(u: number): void {
    if (this.mark[u] === 0) {
      this.mark[u] = 1;
      this.list[this.n++] = u;
    }
  }
  has(u: number): boolean {
    return this.mark[u] === 1;
  }
  clear(): void {
    for (let i = 0; i < this.n; i++) this.mark[this.list[i]] = 0;
    this.n = 0;
  }
}

/**
 * Indices c < n of the `keep` largest score[c], ties at the cut kept (threshold by selection,
 * O(n); `buf` is scratch of length ≥ n), sorted by score descending then user ascending.
 */
export function bestWithTies(
  user: Int32Array,
  score: Float64Array,
  n: number,
  keep: number,
  buf: Float64Array,
): number[] {
  let out: number[];
  if (n > keep) {
    buf.set(score.subarray(0, n));
    const theta = kthLargest(buf, n, keep);
    out = [];
    for (let c = 0; c < n; c++) if (score[c] >= theta) out.push(c);
  } else {
    out = Array.from({ length: n }, (_, c) => c);
  }
  return out.sort((a, b) => score[b] - score[a] || user[a] - user[b]);
}

/** Length of a descending list cut at `top`, extended so that tied scores are never split. */
export function cutWithTies(score: Float64Array, a: number, b: number, top: number): number {
  let n = Math.min(b - a, top);
  while (n > 0 && a + n < b && score[a + n] === score[a + n - 1]) n++;
  return n;
}
