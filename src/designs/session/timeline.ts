/**
 * Session clients' onion paths over time: which guards and paths each user has at each moment.
 * A user's paths change at path-rotation boundaries (`pathRotation`, `guardRotation`) and, with
 * node churn on, when a node of one of its paths fails while the client is online. The repair
 * follows session-desktop (session-foundation/session-desktop ts/session/onions/onionPath.ts):
 * a request through a path whose guard is down fails, and after `pathFailureThreshold` = 3
 * failed requests the path and its guard are dropped and a new guard (with a new path) takes
 * their place; a path whose non-guard node is down has that node swapped for another at the
 * first failure. The client notices through its own requests: it polls every `pollInterval`
 * over its paths, so a failure is acted on 1 (relay) or 3 (guard) poll intervals after it
 * begins, if the node is still down then; failures while the client is offline are noticed at
 * its first poll after it comes back.
 *
 * Node outages: each node fails as a Poisson process of rate `nodeFailureRate` and stays down for
 * a `nodeDowntime` draw (stream `churn/nodes`, nodes in order); replacements are drawn from each
 * user's stream `user/<u>/churn` among the nodes that are neither a guard nor on a path nor down.
 * With churn off nothing here draws, so runs are as before.
 */
import type { Dist } from '../../core/dist.js';
import { type Rng, randExp } from '../../core/rng.js';
import type { Workload } from '../../workload/types.js';
import { buildPaths, selectGuards } from './paths.js';

/** Failed requests through a path before session-desktop drops it with its guard (`pathFailureThreshold`). */
const GUARD_STRIKES = 3;

/** When each node is down: sorted, disjoint [start, end) intervals per node (CSR). */
export class NodeOutages {
  private constructor(
    private readonly start: Int32Array,
    private readonly from: Float64Array,
    private readonly to: Float64Array,
  ) {}

  /** Poisson failures of rate `rate` (per ns) per node over [0, end), each lasting a `downtime` draw. */
  static draw(rng: Rng, nodes: number, rate: number, downtime: Dist, end: number): NodeOutages {
    const start = new Int32Array(nodes + 1);
    const from: number[] = [];
    const to: number[] = [];
    for (let i = 0; i < nodes; i++) {
      let t = randExp(rng, 1 / rate);
      while (t < end) {
        const d = Math.max(1, Math.round(downtime.sample(rng)));
        from.push(Math.round(t));
        to.push(Math.round(t) + d);
        t = Math.round(t) + d + randExp(rng, 1 / rate);
      }
      start[i + 1] = from.length;
    }
    return new NodeOutages(start, Float64Array.from(from), Float64Array.from(to));
  }

  /** Number of outages over all nodes. */
  get count(): number {
    return this.from.length;
  }

  /** Whether `node` is down at time t. */
  downAt(node: number, t: number): boolean {
    const k = this.last(node, t);
    return k >= 0 && this.to[k] > t;
  }

  /**
   * The earliest time in [a, b) at which `node` is down and stays down for at least `hold` more,
   * +Infinity when none: the moment a client polling from `a` on meets the failure it reacts to.
   */
  firstFailure(node: number, a: number, b: number, hold: number): number {
    let k = this.last(node, a);
    if (k < 0 || this.to[k] <= a) k++;
    for (let i = Math.max(k, this.start[node]); i < this.start[node + 1]; i++) {
      const t = Math.max(a, this.from[i]);
      if (t >= b) break;
      if (this.to[i] > t + hold) return t;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Index of the last outage of `node` starting at or before t, or -1. */
  private last(node: number, t: number): number {
    let lo = this.start[node];
    let hi = this.start[node + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.from[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1 >= this.start[node] ? lo - 1 : -1;
  }
}

export interface TimelineOptions {
  nodes: number;
  guards: number;
  pathLength: number;
  /** Path-rebuild period (the shorter of pathRotation and guardRotation), 0 = none. */
  rotation: number;
  /** Guard-replacement period, 0 = none. */
  guardRotation: number;
  workload: Workload;
  end: number;
  /** Node churn: outages, the client's poll interval and each user's replacement stream; null = off. */
  churn: { outages: NodeOutages; pollInterval: number; rng: (u: number) => Rng } | null;
}

/** Per user, the epochs of its paths: epoch i starts at `start[i]` and holds `guards × pathLength` nodes. */
export class PathTimeline {
  constructor(
    /** Epochs of user u: userStart[u] .. userStart[u + 1]. */
    readonly userStart: Int32Array,
    /** Start time of each epoch; the first of each user is −Infinity. */
    readonly start: Float64Array,
    /** Paths of epoch i at i · perEpoch, path j at + j · pathLength, guard first. */
    readonly paths: Int32Array,
    readonly perEpoch: number,
    /** Guard replacements caused by churn, over all users. */
    readonly churnedGuards: number,
  ) {}

  /** Offset in `paths` of the epoch user u is in at time t. */
  off(u: number, t: number): number {
    let lo = this.userStart[u];
    let hi = this.userStart[u + 1];
    // The last epoch starting at or before t (the first starts at −Infinity).
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.start[mid] <= t) lo = mid;
      else hi = mid;
    }
    return lo * this.perEpoch;
  }

  /** Start of user u's next epoch after t, +Infinity when none. */
  nextStart(u: number, t: number): number {
    for (let i = this.userStart[u] + 1; i < this.userStart[u + 1]; i++) if (this.start[i] > t) return this.start[i];
    return Number.POSITIVE_INFINITY;
  }
}

/** Builds a `PathTimeline` user by user. */
export class PathTimelineBuilder {
  private readonly perEpoch: number;
  private readonly starts: number[] = [];
  private readonly pathList: Int32Array[] = [];
  private readonly userStart: number[] = [0];
  private churned = 0;

  constructor(
    private readonly o: TimelineOptions,
    private readonly rotOff: Float64Array,
  ) {
    this.perEpoch = o.guards * o.pathLength;
  }

  /**
   * Draws user u's guards and paths from `rng` (the same draws, in the same order, whether churn
   * is on or off), then applies churn. Users must be added in id order.
   */
  addUser(u: number, rng: Rng): void {
    const { guards: G, pathLength: L, nodes: N, rotation: rot, guardRotation: gRot } = this.o;
    const ep = this.rotationEpochs(u);
    let guards = selectGuards(rng, N, G);
    let guardEpoch = Number.NaN;
    for (let k = 0; k < ep.length; k++) {
      const e = ep[k];
      if (gRot > 0) {
        const ge = Math.floor((e * rot) / gRot);
        if (ge !== guardEpoch && !Number.isNaN(guardEpoch)) guards = selectGuards(rng, N, G);
        guardEpoch = ge;
      }
      const paths = new Int32Array(this.perEpoch);
      buildPaths(rng, N, guards, L, paths);
      const from = k === 0 ? Number.NEGATIVE_INFINITY : e * rot - this.rotOff[u];
      this.push(from, paths);
      if (this.o.churn) {
        const until = k + 1 < ep.length ? ep[k + 1] * rot - this.rotOff[u] : this.o.end;
        guards = this.churn(u, paths, guards, Math.max(0, from), until);
      }
    }
    this.userStart.push(this.starts.length);
  }

  /** A user without guards (guards: 0): no epochs. */
  addEmptyUser(): void {
    this.userStart.push(this.starts.length);
  }

  done(): PathTimeline {
    const paths = new Int32Array(this.pathList.length * this.perEpoch);
    for (let i = 0; i < this.pathList.length; i++) paths.set(this.pathList[i], i * this.perEpoch);
    return new PathTimeline(
      Int32Array.from(this.userStart),
      Float64Array.from(this.starts),
      paths,
      this.perEpoch,
      this.churned,
    );
  }

  /** Rotation epochs a user needs: every one overlapping an online interval, and the one at t = 0. */
  private rotationEpochs(u: number): number[] {
    const rot = this.o.rotation;
    if (rot <= 0) return [0];
    const w = this.o.workload;
    const set = new Set<number>([Math.floor(this.rotOff[u] / rot)]);
    for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
      const a = w.onStart[k];
      const b = Math.min(w.onEnd[k], this.o.end);
      if (b <= a) continue;
      const e0 = Math.floor((a + this.rotOff[u]) / rot);
      const e1 = Math.floor((b - 1 + this.rotOff[u]) / rot);
      for (let e = e0; e <= e1; e++) set.add(e);
    }
    return [...set].sort((x, y) => x - y);
  }

  private push(start: number, paths: Int32Array): void {
    this.starts.push(start);
    this.pathList.push(paths);
  }

  /**
   * Repairs user u's `paths` in [from, until) for every node failure it meets while online,
   * pushing one epoch per repair; returns the guards in force at `until`.
   */
  private churn(u: number, paths: Int32Array, guards: Int32Array, from: number, until: number): Int32Array {
    const c = this.o.churn;
    if (!c) return guards;
    const { guards: G, pathLength: L, nodes: N } = this.o;
    const w = this.o.workload;
    let cur = paths;
    let g = guards;
    let t = from;
    for (;;) {
      // The earliest failure u reacts to: a node of its paths down at one of its polls (online).
      let when = Number.POSITIVE_INFINITY;
      let at = -1;
      for (let k = w.onIdx[u]; k < w.onIdx[u + 1]; k++) {
        const a = Math.max(t, w.onStart[k]);
        const b = Math.min(w.onEnd[k], until);
        if (b <= a || a >= when) continue;
        for (let i = 0; i < G * L; i++) {
          const guard = i % L === 0;
          const hold = (guard ? GUARD_STRIKES - 1 : 0) * c.pollInterval;
          const f = c.outages.firstFailure(cur[i], a, b, hold);
          const acted = f + (guard ? GUARD_STRIKES : 1) * c.pollInterval;
          if (acted < when && acted < until) {
            when = acted;
            at = i;
          }
        }
      }
      if (at < 0) return g;
      const next = Int32Array.from(cur);
      const rng = c.rng(u);
      const now = when;
      // Uniform over the nodes that are neither a guard nor on a path nor down (down ones are
      // allowed only if almost every node is down, so the draw always ends).
      let tries = 0;
      const pick = (): number => {
        for (;;) {
          const x = Math.floor(rng() * N);
          if (next.includes(x) || g.includes(x)) continue;
          if (c.outages.downAt(x, now) && ++tries < 64 * N) continue;
          return x;
        }
      };
      if (at % L === 0) {
        // The path failed three times: drop it with its guard; a new guard gets a new path.
        const j = at / L;
        g = Int32Array.from(g);
        for (let h = 0; h < L; h++) next[j * L + h] = -1;
        g[j] = -1;
        g[j] = pick();
        next[j * L] = g[j];
        for (let h = 1; h < L; h++) next[j * L + h] = pick();
        this.churned++;
      } else {
        next[at] = -1;
        next[at] = pick();
      }
      this.push(when, next);
      cur = next;
      t = when;
    }
  }
}
