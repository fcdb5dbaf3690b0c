/**
 * Session's onion requests in flight: a slot pool (one slot per request, reused through a free
 * list, so memory follows what is in flight) and the choice of each request's route.
 * A request's hosts are the device, `pathLength` path nodes and the destination snode.
 */
import type { Rng } from '../../core/rng.js';
import { growI32, growU8 } from '../parts/grow.js';
import { SlotPool } from '../parts/slot-pool.js';
import { freshPath } from './paths.js';
import type { PathTimeline } from './timeline.js';

export class OnionRequests extends SlotPool {
  /** Hosts per request: device, L path nodes, destination. */
  readonly HS: number;
  /** Request c's hosts at c · HS .. c · HS + HS. */
  hosts: Int32Array<ArrayBuffer>;
  /** Index in `hosts` of the host the request is at. */
  pos: Int32Array<ArrayBuffer>;
  /** Last row logged for the request (the next leg's prev). */
  row: Int32Array<ArrayBuffer>;
  msg: Int32Array<ArrayBuffer>;
  /** Bytes of the request and of the response, innermost layer. */
  req: Int32Array<ArrayBuffer>;
  resp: Int32Array<ArrayBuffer>;
  /** Identifiers the destination reads: recipient account and object. */
  r: Int32Array<ArrayBuffer>;
  obj: Int32Array<ArrayBuffer>;
  /** Pickup of a returning item (C_PICKUP). */
  arg: Int32Array<ArrayBuffer>;
  /** Store: target swarm and the member index of the destination in it. */
  swarm: Int32Array<ArrayBuffer>;
  idx: Int32Array<ArrayBuffer>;
  kind: Uint8Array<ArrayBuffer>;
  /** What it carries: T_MSG / T_SYNC / T_GROUP (a store), C_POLL, C_PICKUP. */
  code: Uint8Array<ArrayBuffer>;
  /** A retrieve's (pickup, stored row) pairs, until it reaches the destination. */
  readonly list: (number[] | undefined)[] = [];
  private readonly tmpPath: Int32Array;

  constructor(
    private readonly L: number,
    private readonly G: number,
    private readonly N: number,
    /** Host id of node 0. */
    private readonly base: number,
    private readonly timeline: PathTimeline,
  ) {
    const cap = 256;
    super(cap);
    this.HS = L + 2;
    this.hosts = new Int32Array(cap * this.HS);
    this.pos = new Int32Array(cap);
    this.row = new Int32Array(cap);
    this.msg = new Int32Array(cap);
    this.req = new Int32Array(cap);
    this.resp = new Int32Array(cap);
    this.r = new Int32Array(cap);
    this.obj = new Int32Array(cap);
    this.arg = new Int32Array(cap);
    this.swarm = new Int32Array(cap);
    this.idx = new Int32Array(cap);
    this.kind = new Uint8Array(cap);
    this.code = new Uint8Array(cap);
    this.tmpPath = new Int32Array(L);
  }

  protected grow(cap: number): void {
    this.hosts = growI32(this.hosts, cap * this.HS);
    this.pos = growI32(this.pos, cap);
    this.row = growI32(this.row, cap);
    this.msg = growI32(this.msg, cap);
    this.req = growI32(this.req, cap);
    this.resp = growI32(this.resp, cap);
    this.r = growI32(this.r, cap);
    this.obj = growI32(this.obj, cap);
    this.arg = growI32(this.arg, cap);
    this.swarm = growI32(this.swarm, cap);
    this.idx = growI32(this.idx, cap);
    this.kind = growU8(this.kind, cap);
    this.code = growU8(this.code, cap);
  }

  /** Whether the path at `off` in the timeline's paths runs through `node`. */
  private pathHas(off: number, node: number): boolean {
    const paths = this.timeline.paths;
    for (let h = off; h < off + this.L; h++) if (paths[h] === node) return true;
    return false;
  }

  /**
   * Fills request c's hosts: device u, an onion path, destination node `dest`. With guards, the
   * path is one of u's paths at time `now` that does not contain `dest` (getOnionPath({toExclude})):
   * path `slot mod G` when given and usable, else a random usable one. guards = 0, or every
   * path running through `dest`, takes a fresh path of distinct random nodes avoiding `dest`.
   */
  route(c: number, u: number, dest: number, slot: number, rng: Rng, now: number): void {
    const { L, G, base } = this;
    const hosts = this.hosts;
    const o = c * this.HS;
    hosts[o] = u;
    hosts[o + L + 1] = base + dest;
    this.pos[c] = 0;
    let src = -1;
    if (G > 0) {
      const off = this.timeline.off(u, now);
      if (slot >= 0 && !this.pathHas(off + (slot % G) * L, dest)) src = off + (slot % G) * L;
      else {
        let usable = 0;
        for (let j = 0; j < G; j++) if (!this.pathHas(off + j * L, dest)) usable++;
        if (usable > 0) {
          let r = Math.floor(rng() * usable);
          for (let j = 0; j < G; j++) {
            if (this.pathHas(off + j * L, dest)) continue;
            if (r-- === 0) {
              src = off + j * L;
              break;
            }
          }
        }
      }
    }
    if (src >= 0) {
      const paths = this.timeline.paths;
      for (let h = 0; h < L; h++) hosts[o + 1 + h] = base + paths[src + h];
    } else {
      const tmp = this.tmpPath;
      freshPath(rng, this.N, L, dest, tmp, 0);
      for (let h = 0; h < L; h++) hosts[o + 1 + h] = base + tmp[h];
    }
  }
}
