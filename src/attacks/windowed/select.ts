/**
 * Ranking and selection for the windowed attacks: the tie rule of the causal top, candidate sets,
 * and cutting score lists without splitting ties (binary search and k-th largest live in
 * util-index.ts, shared with the timing attack).
 */
import { MAX_CAUSAL_TIE } from '../attack.js';
import { kthLargest } from '../util-index.js';

/** Scores within this relative distance of the best count as tied for the causal top. */
export const TIE_REL = 1e-9;

/**
 * Running argmax under the TIE_REL rule: `result` is -1 on a tie or when nothing scored above 0.
 * It also keeps the candidates tied at the top while they are at most MAX_CAUSAL_TIE (`tied`);
 * past that the tie is `wide` and its members are not kept.
 */
export class TieTop {
  best = 0;
  tie = false;
  private top = -1;
  private readonly members = new Int32Array(MAX_CAUSAL_TIE);
  private n = 0;

  reset(): void {
    this.best = 0;
    this.tie = false;
    this.top = -1;
    this.n = 0;
  }

  consider(u: number, v: number): void {
    if (v > this.best * (1 + TIE_REL)) {
      this.best = v;
      this.top = u;
      this.tie = false;
      this.members[0] = u;
      this.n = 1;
    } else if (v > 0 && v >= this.best * (1 - TIE_REL)) {
      this.tie = true;
      if (v > this.best) this.best = v;
      if (this.n < MAX_CAUSAL_TIE) this.members[this.n] = u;
      this.n++;
    }
  }

  get result(): number {
    return this.tie ? -1 : this.top;
  }

  /** More candidates tied at the top than are kept. */
  get wide(): boolean {
    return this.n > MAX_CAUSAL_TIE;
  }

  /** The candidates tied at the top, ascending; empty without a tie or for a wide one. */
  tied(): Int32Array {
    return this.tie && !this.wide ? this.members.slice(0, this.n).sort() : new Int32Array(0);
  }
}

/**
 * The `keep` largest of the values offered so far (a binary min-heap over a typed array). `floor`
 * is the smallest of them once `keep` values were offered (−∞ before, and always for keep ≤ 0):
 * the keep-th largest of the values so far, which is at most the keep-th largest of any set that
 * holds them, so a value below it is never among a final list's `keep` best nor tied at its cut.
 */
export class KeepHeap {
  private readonly h: Float64Array;
  private n = 0;

  constructor(readonly keep: number) {
    this.h = new Float64Array(Math.max(1, keep));
  }

  clear(): void {
    this.n = 0;
  }

  get floor(): number {
    return this.keep > 0 && this.n >= this.keep ? this.h[0] : Number.NEGATIVE_INFINITY;
  }

  offer(v: number): void {
    const h = this.h;
    if (this.keep <= 0) return;
    if (this.n < this.keep) {
      // Sift up.
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >>> 1;
        if (!(h[p] > v)) break;
        h[i] = h[p];
        i = p;
      }
      h[i] = v;
      return;
    }
    if (!(v > h[0])) return;
    // Replace the smallest and sift down.
    const n = this.n;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && h[c + 1] < h[c]) c++;
      if (!(h[c] < v)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = v;
  }
}

/** AttackResult.causalTie built target by target, in any order of targets. */
export class CausalTies {
  private readonly at: Int32Array;
  private readonly len: Int32Array;
  private readonly buf: number[] = [];

  constructor(count: number) {
    this.at = new Int32Array(count);
    this.len = new Int32Array(count);
  }

  set(i: number, members: ArrayLike<number>): void {
    this.at[i] = this.buf.length;
    this.len[i] = members.length;
    for (let k = 0; k < members.length; k++) this.buf.push(members[k]);
  }

  result(): { offsets: Int32Array; cand: Int32Array } {
    const n = this.at.length;
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + this.len[i];
    const cand = new Int32Array(offsets[n]);
    for (let i = 0; i < n; i++) for (let k = 0; k < this.len[i]; k++) cand[offsets[i] + k] = this.buf[this.at[i] + k];
    return { offsets, cand };
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
 * O(n); `buf` is scratch of length ≥ n), sorted by score descending then user ascending, written
 * to out[0 ..); returns their count. Users are distinct, so the order is total and the result
 * does not depend on the sort.
 */
export function bestWithTies(
  user: Int32Array,
  score: Float64Array,
  n: number,
  keep: number,
  buf: Float64Array,
  out: Int32Array,
): number {
  let m = 0;
  if (n > keep) {
    buf.set(score.subarray(0, n));
    const theta = kthLargest(buf, n, keep);
    for (let c = 0; c < n; c++) if (score[c] >= theta) out[m++] = c;
  } else {
    for (let c = 0; c < n; c++) out[m++] = c;
  }
  sortByScore(out, 0, m - 1, user, score);
  return m;
}

/** Whether index p goes before q: higher score, then lower user. */
function before(p: number, q: number, user: Int32Array, score: Float64Array): boolean {
  return score[p] > score[q] || (score[p] === score[q] && user[p] < user[q]);
}

/**
 * Sorts idx[lo ..= hi] by `before` (quicksort on the median of three, insertion sort below 16
 * entries; recursion on the smaller side only). Called per recipient and per delivery on a few
 * hundred entries, where Array#sort with a closure cost more than the scores it sorts.
 */
function sortByScore(idx: Int32Array, lo: number, hi: number, user: Int32Array, score: Float64Array): void {
  while (hi - lo >= 16) {
    const mid = (lo + hi) >>> 1;
    // Median of three to idx[mid].
    if (before(idx[mid], idx[lo], user, score)) swap(idx, mid, lo);
    if (before(idx[hi], idx[lo], user, score)) swap(idx, hi, lo);
    if (before(idx[hi], idx[mid], user, score)) swap(idx, hi, mid);
    const pivot = idx[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(idx[i], pivot, user, score)) i++;
      while (before(pivot, idx[j], user, score)) j--;
      if (i <= j) {
        swap(idx, i, j);
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      sortByScore(idx, lo, j, user, score);
      lo = i;
    } else {
      sortByScore(idx, i, hi, user, score);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = idx[i];
    let j = i - 1;
    while (j >= lo && before(v, idx[j], user, score)) {
      idx[j + 1] = idx[j];
      j--;
    }
    idx[j + 1] = v;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Length of a descending list cut at `top`, extended so that tied scores are never split. */
export function cutWithTies(score: Float64Array, a: number, b: number, top: number): number {
  let n = Math.min(b - a, top);
  while (n > 0 && a + n < b && score[a + n] === score[a + n - 1]) n++;
  return n;
}
