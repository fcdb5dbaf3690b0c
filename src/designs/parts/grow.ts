/**
 * Growable typed arrays: a copy of `a` into a fresh array of length `n` (n ≥ a.length), the
 * rest zero. Slot pools and per-row side tables grow this way instead of using JS arrays, so
 * their memory stays flat and unboxed; callers decide the new length (doubling, or at least a row).
 */
export function growI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export function growF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

export function growU8(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
