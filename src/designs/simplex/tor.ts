/**
 * SimpleX over Tor (countermeasure): one circuit per (user, relay), all through the user's one
 * guard, rebuilt when its lifetime is over; a block crosses it leg by leg. Circuits drawn at
 * build time for the keepalive flows are the ones traffic then uses (one cache).
 */
import type { Dist } from '../../core/dist.js';
import type { Rng } from '../../core/rng.js';
import type { Sim } from '../../core/sim.js';
import { type KindId, VIS_RX, VIS_TX } from '../../net/log.js';
import type { Net } from '../../net/net.js';
import type { ScratchIds } from '../parts/ids.js';

/** Tor link-protocol framing added to each 16 KB block (514-byte cells carry 498 bytes of relay data). [assumption] */
const TOR_OVERHEAD = 560;

export interface TorOptions {
  users: number;
  relays: number;
  torRelays: number;
  /** Host id of Tor relay 0 and of SMP relay 0. */
  tor0: number;
  relay0: number;
  /** Circuit lifetime (ns). */
  lifetime: number;
  /** Per-relay delay inside Tor and its stream. */
  delay: Dist;
  delayRng: Rng;
  /** SMP block size. */
  block: number;
  /** Whose draws pick guards and circuits (the user's `servers` stream). */
  userRng: (u: number) => Rng;
}

export class Tor {
  /** Each user's one guard (index among the Tor relays), −1 until its first circuit. */
  private readonly guardOf: Int32Array;
  /** Per (user, relay): the circuit's path user → guard → middle → exit → relay, and when it expires. */
  private readonly circuits = new Map<number, { path: Int32Array; until: number }>();

  constructor(
    private readonly sim: Sim,
    private readonly net: Net,
    private readonly ids: ScratchIds,
    private readonly o: TorOptions,
  ) {
    this.guardOf = new Int32Array(o.users).fill(-1);
  }

  /** User u's circuit to relay d, now (a new one once the last has expired). */
  circuit(u: number, d: number): Int32Array {
    const { relays: R, torRelays: T, tor0, relay0 } = this.o;
    const key = u * R + d;
    const c = this.circuits.get(key);
    const now = this.sim.now;
    if (c && now < c.until) return c.path;
    const rng = this.o.userRng(u);
    const guardOf = this.guardOf;
    if (guardOf[u] < 0) guardOf[u] = Math.floor(rng() * T);
    const g = guardOf[u];
    let middle = Math.floor(rng() * (T - 1));
    if (middle >= g) middle++;
    let exit = Math.floor(rng() * (T - 2));
    for (const x of [Math.min(g, middle), Math.max(g, middle)]) if (exit >= x) exit++;
    const path = Int32Array.of(u, tor0 + g, tor0 + middle, tor0 + exit, relay0 + d);
    this.circuits.set(key, { path, until: now + this.o.lifetime });
    return path;
  }

  /**
   * Carries one block along a circuit (relay-bound, or user-bound when `down`). Only the two ends
   * can read `obj`: the first leg's sender and the last leg's receiver. `onLast(row)` runs as the
   * last leg is logged. Legs inside Tor carry the cell framing; the exit ↔ relay leg is plain TLS.
   */
  transit(
    path: Int32Array,
    down: boolean,
    kind: KindId,
    prev: number,
    msg: number,
    obj: number,
    onLast: (row: number) => void,
  ): void {
    const { sim, net, ids } = this;
    const { block, delay, delayRng } = this.o;
    const log = net.log;
    const n = path.length;
    const leg = (k: number, before: number): void => {
      const from = path[down ? n - 1 - k : k];
      const to = path[down ? n - 2 - k : k + 1];
      const last = k === n - 2;
      const vis = (k === 0 ? VIS_TX : 0) | (last ? VIS_RX : 0);
      const plain = down ? k === 0 : last;
      const row = net.hop(
        from,
        to,
        plain ? block : block + TOR_OVERHEAD,
        kind,
        before,
        msg,
        ids.set(-1, -1, obj, vis),
        null,
      );
      if (last) onLast(row);
      else sim.after(log.tRx[row], delay.sample(delayRng), (r: number) => leg(k + 1, r), row);
    };
    leg(0, prev);
  }
}
