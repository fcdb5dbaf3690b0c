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
 * (candidate, score) entries appended in order, in typed arrays that double when full: the
 * windowed attacks list millions of them at 10⁴ users, which as JS number arrays cost a boxed
 * copy each and the collector's time.
 */
export class ScoredList {
  cand = new Int32Array(1024);
  score = new Float64Array(1024);
  length = 0;

  push(c: number, s: number): void {
    if (this.length === this.cand.length) {
      const cand = new Int32Array(this.cand.length * 2);
      cand.set(this.cand);
      this.cand = cand;
      const score = new Float64Array(this.score.length * 2);
      score.set(this.score);
      this.score = score;
    }
    this.cand[this.length] = c;
    this.score[this.length] = s;
    this.length++;
  }

  /** The entries, trimmed to their count (copies). */
  result(): { cand: Int32Array; score: Float64Array } {
    return { cand: this.cand.slice(0, this.length), score: this.score.slice(0, this.length) };
  }
}
