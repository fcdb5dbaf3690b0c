/** Small typed-array helpers shared by the windowed attacks' builders. */

/** In-place inclusive prefix sum (CSR offsets from counts at index + 1). */
export function prefixSum(a: Int32Array): void {
  for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
}

/** Sorts rows a..b of (t, tag) by t, keeping the original order among equal times. */
export function sortSliceByTime(t: Float64Array, tag: Int32Array, a: number, b: number): void {
  let sorted = true;
  for (let i = a + 1; i < b; i++) {
    if (t[i] < t[i - 1]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const n = b - a;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = a + i;
  idx.sort((p, q) => t[p] - t[q] || p - q);
  const tt = new Float64Array(n);
  const gg = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    tt[i] = t[idx[i]];
    gg[i] = tag[idx[i]];
  }
  t.set(tt, a);
  tag.set(gg, a);
}

/**
 * (candidate, score) entries appended in order, in typed-array chunks: the windowed attacks list
 * millions of them at 10⁴ users, which as JS number arrays cost a boxed copy each and the
 * collector's time, and as one array doubled when full cost its copies and fresh pages again at
 * each doubling (1.4 of 9 profiled s of flow at 10⁴ users).
 */
export class ScoredList {
  private readonly cands: Int32Array[] = [];
  private readonly scores: Float64Array[] = [];
  private cand = new Int32Array(0);
  private score = new Float64Array(0);
  /** Entries in the current chunk. */
  private at = 0;
  length = 0;

  push(c: number, s: number): void {
    if (this.at === this.cand.length) this.grow();
    this.cand[this.at] = c;
    this.score[this.at] = s;
    this.at++;
    this.length++;
  }

  private grow(): void {
    // Chunks from 1024 entries, doubling up to 2¹⁶ (768 KB), then of that size.
    const size = Math.min(CHUNK, Math.max(1024, this.cand.length * 2));
    this.cand = new Int32Array(size);
    this.score = new Float64Array(size);
    this.cands.push(this.cand);
    this.scores.push(this.score);
    this.at = 0;
  }

  /** The entries, in one pair of arrays of exactly their count (copies). */
  result(): { cand: Int32Array; score: Float64Array } {
    const cand = new Int32Array(this.length);
    const score = new Float64Array(this.length);
    let o = 0;
    for (let k = 0; k < this.cands.length; k++) {
      const n = Math.min(this.cands[k].length, this.length - o);
      cand.set(this.cands[k].subarray(0, n), o);
      score.set(this.scores[k].subarray(0, n), o);
      o += n;
    }
    return { cand, score };
  }
}

const CHUNK = 1 << 16;
