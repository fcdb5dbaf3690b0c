/**
 * Ascending sort of the negative pairs' scores (finite, ≥ 0: checkPairs), the largest cost of an
 * evaluation (10^6–10^7 scores at 10^4 users). A non-negative double's bits, read as an unsigned
 * integer, order as its value, so one pass scatters the scores into buckets by the high word of
 * their bits, and each bucket (a few scores) is then sorted on its own. The result is the array
 * `Float64Array.prototype.sort` gives, element for element: ascending, −0 before +0 (a sorted
 * array of these values is unique up to that, and −0 is kept apart and put first). No copy of
 * the scores beyond the result is made (at 10^5 users they are 10^7–10^8).
 */
import { endianness } from 'node:os';

/** Below this many scores the native sort is as fast. */
const BUCKETED_FROM = 1 << 15;
/** At most this many buckets (about one per two scores below): most hold a few scores. */
const MAX_BUCKETS = 1 << 22;
/** Buckets this small are sorted by insertion (a native sort call costs a few µs). */
const INSERTION = 48;
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * `values[k]` for every k with `take[k] === want` (`count` of them), sorted ascending: the same
 * array as gathering them in order and calling `.sort()`.
 */
export function sortedSelection(values: Float64Array, take: Uint8Array, count: number, want = 1): Float64Array {
  const out = new Float64Array(count);
  const n = values.length;
  const gathered = (): Float64Array => {
    let m = 0;
    for (let k = 0; k < n; k++) if (take[k] === want) out[m++] = values[k];
    return out.sort();
  };
  if (count < BUCKETED_FROM || !LITTLE_ENDIAN) return gathered();
  // High words (sign, exponent, top of the mantissa) of the taken scores: their range, and −0s.
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let lo = 0xffffffff;
  let hi = 0;
  let negativeZeros = 0;
  for (let k = 0; k < n; k++) {
    if (take[k] !== want) continue;
    const v = values[k];
    // NaN or a negative score: outside the contract, left to the native sort's order.
    if (!(v >= 0)) return gathered();
    const w = words[2 * k + 1];
    if (w >= 0x80000000) negativeZeros++;
    else {
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
  }
  if (negativeZeros === count) return out.fill(-0);
  let most = 1;
  while (most < MAX_BUCKETS && most * 2 < count) most *= 2;
  let shift = 0;
  while ((hi - lo) >>> shift >= most) shift++;
  const buckets = ((hi - lo) >>> shift) + 1;
  // start[b] .. start[b + 1]: bucket b's place in `out`, after the −0s.
  const start = new Int32Array(buckets + 1);
  for (let k = 0; k < n; k++) {
    if (take[k] !== want) continue;
    const w = words[2 * k + 1];
    if (w < 0x80000000) start[((w - lo) >>> shift) + 1]++;
  }
  start[0] = negativeZeros;
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  const fill = start.slice(0, buckets);
  let z = 0;
  for (let k = 0; k < n; k++) {
    if (take[k] !== want) continue;
    const w = words[2 * k + 1];
    if (w >= 0x80000000) out[z++] = -0;
    else out[fill[(w - lo) >>> shift]++] = values[k];
  }
  for (let b = 0; b < buckets; b++) {
    const s = start[b];
    const e = start[b + 1];
    if (e - s < 2) continue;
    if (e - s <= INSERTION) insertion(out, s, e);
    else out.subarray(s, e).sort();
  }
  return out;
}

/** Insertion sort of a[s .. e) (non-negative, no NaN; −0 never reaches a bucket). */
function insertion(a: Float64Array, s: number, e: number): void {
  for (let i = s + 1; i < e; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= s && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
