/**
 * Session's onion-path and swarm selection, shared by the design (src/designs/session/) and
 * the path-compromise validation tests (V1–V5), so the tests exercise exactly the code the
 * simulation uses. Nodes are indices 0..n-1 (the design adds the host offset).
 *
 * Sources (docs/designs/session.md; session-foundation/session-desktop ts/session/onions/onionPath.ts):
 * - guards: `selectGuardNodes` shuffles the snode pool and keeps the first `desiredGuardCount`
 *   (2) distinct nodes; they persist until a path fails 3 times.
 * - paths: `buildNewOnionPathsWorker` builds one path per guard: the guard, then
 *   ONION_REQUEST_HOPS − 1 nodes sampled from the pool minus all guards, each pick removed from
 *   the pool, so hops are distinct within a path and across paths.
 * - swarms: an account belongs to the swarm whose id is closest to the account's position on
 *   the 2^64 ring (`get_swarm_by_pk`, oxenss swarm.cpp), wrapping around.
 * Simplification: the one-node-per-/24 subnet filter is not modelled (no subnet data); nodes
 * are picked uniformly, which is also what the analytic validation cases assume.
 */
import type { Rng } from '../../core/rng.js';

/** Whether `x` is among a[off .. off+len). */
function has(a: Int32Array, off: number, len: number, x: number): boolean {
  for (let i = off; i < off + len; i++) if (a[i] === x) return true;
  return false;
}

/** `g` distinct guard nodes, uniform over [0, n) (a shuffle's prefix). */
export function selectGuards(rng: Rng, n: number, g: number): Int32Array {
  if (g > n) throw new RangeError(`cannot pick ${g} guards from ${n} nodes`);
  const out = new Int32Array(g);
  for (let i = 0; i < g; i++) {
    let x: number;
    do x = Math.floor(rng() * n);
    while (has(out, 0, i, x));
    out[i] = x;
  }
  return out;
}

/**
 * One path per guard into `out` (guards.length × pathLength entries, path j at j·pathLength):
 * the guard first, then pathLength − 1 nodes uniform without replacement from the nodes that
 * are neither a guard nor already on any path. Rejection sampling from [0, n) is exactly
 * uniform over that remaining set.
 */
export function buildPaths(rng: Rng, n: number, guards: Int32Array, pathLength: number, out: Int32Array): void {
  const G = guards.length;
  if (G * pathLength > n) throw new RangeError(`${G} disjoint paths of ${pathLength} need more than ${n} nodes`);
  for (let j = 0; j < G; j++) {
    const off = j * pathLength;
    out[off] = guards[j];
    for (let h = 1; h < pathLength; h++) {
      let x: number;
      do x = Math.floor(rng() * n);
      while (has(guards, 0, G, x) || has(out, 0, off + h, x));
      out[off + h] = x;
    }
  }
}

/**
 * `guards: 0`: a fresh path of `pathLength` distinct nodes, uniform, none equal to `exclude`
 * (the destination snode; -1 for none), written to out[off ..]. Averaged over a uniformly
 * placed destination, the path is a uniform draw of distinct nodes (the V1 setting).
 */
export function freshPath(rng: Rng, n: number, pathLength: number, exclude: number, out: Int32Array, off = 0): void {
  if (pathLength + (exclude >= 0 ? 1 : 0) > n)
    throw new RangeError(`a path of ${pathLength} needs more than ${n} nodes`);
  for (let h = 0; h < pathLength; h++) {
    let x: number;
    do x = Math.floor(rng() * n);
    while (x === exclude || has(out, off, h, x));
    out[off + h] = x;
  }
}

/** Swarm ids as positions on a ring [0, 1); `closest(x)` maps an account position to its swarm. */
export class SwarmRing {
  private readonly pos: Float64Array;
  private readonly id: Int32Array;

  constructor(positions: Float64Array) {
    const idx = Array.from(positions.keys()).sort((a, b) => positions[a] - positions[b] || a - b);
    this.pos = Float64Array.from(idx, (i) => positions[i]);
    this.id = Int32Array.from(idx);
  }

  /** The swarm whose position is nearest to x on the circle (ties: the lower position). */
  closest(x: number): number {
    const n = this.pos.length;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pos[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    // Neighbours on the circle: the first position ≥ x (wrapping to 0) and the one before it.
    const above = lo % n;
    const below = (lo - 1 + n) % n;
    const dAbove = (this.pos[above] - x + 1) % 1;
    const dBelow = (x - this.pos[below] + 1) % 1;
    return dBelow <= dAbove ? this.id[below] : this.id[above];
  }
}
