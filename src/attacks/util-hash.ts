/**
 * Open-addressing hash table from non-negative integer keys (< 2^53, e.g. pair keys
 * sender·users + recipient) to float values. A JS Map of a few million numeric keys costs
 * seconds; this costs ~50 ns per operation and two typed arrays.
 */
/** murmur3's 32-bit finaliser: a fixed bijective mix of a 32-bit integer (unsigned result). */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A fixed order of (sender, recipient) pairs that does not depend on any stream: sort by this. */
export function pairOrder(s: number, r: number): number {
  return fmix32(fmix32(s) ^ r);
}

export class KeyTable {
  private keys: Float64Array;
  private vals: Float64Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let c = 16;
    while (c < capacity * 2) c *= 2;
    this.keys = new Float64Array(c).fill(-1);
    this.vals = new Float64Array(c);
    this.mask = c - 1;
  }

  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296);
    // fmix32 over both halves: every key bit reaches the low (index) bits.
    let i = fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    const keys = this.keys;
    while (keys[i] !== -1 && keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** Adds v to key's value (inserting it at 0 first); returns true when the key was new. */
  add(key: number, v: number): boolean {
    const i = this.slot(key);
    if (this.keys[i] === key) {
      this.vals[i] += v;
      return false;
    }
    this.keys[i] = key;
    this.vals[i] = v;
    if (++this.size * 2 > this.keys.length) this.grow();
    return true;
  }

  has(key: number): boolean {
    return this.keys[this.slot(key)] === key;
  }

  /** Value of key, or `missing` when absent. */
  get(key: number, missing = 0): number {
    const i = this.slot(key);
    return this.keys[i] === key ? this.vals[i] : missing;
  }

  /** All keys, ascending. */
  sortedKeys(): Float64Array {
    const out = new Float64Array(this.size);
    let n = 0;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) out[n++] = this.keys[i];
    return out.sort();
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    this.keys = new Float64Array(oldK.length * 2).fill(-1);
    this.vals = new Float64Array(oldK.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < oldK.length; i++) {
      if (oldK[i] === -1) continue;
      const j = this.slot(oldK[i]);
      this.keys[j] = oldK[i];
      this.vals[j] = oldV[i];
    }
  }
}
