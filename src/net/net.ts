/**
 * Hop delivery: one call logs one row and schedules its arrival. Link latency is drawn per hop
 * from `network.latency` using the design's own stream; processing delays at parties are the
 * design's business (it waits before calling `hop` for the next leg).
 */
import type { Dist } from '../core/dist.js';
import type { Rng } from '../core/rng.js';
import type { Sim } from '../core/sim.js';
import type { Hosts } from './hosts.js';
import { type HopIds, type KindId, ObservationLog, PeriodicFlows } from './log.js';
import { GroundTruth } from './truth.js';

export class Net {
  readonly log = new ObservationLog();
  readonly truth = new GroundTruth();
  readonly periodic = new PeriodicFlows();
  /** Messages with ids ≥ coverFrom are cover: carried like any other, never recorded as deliveries. */
  coverFrom = Number.POSITIVE_INFINITY;
  /**
   * When messages wait before a design sends them (cover slots), the time each real message was
   * written: deliveries record it as their send time, so latency includes the wait.
   */
  writtenAt: Float64Array | null = null;

  constructor(
    readonly sim: Sim,
    readonly hosts: Hosts,
    readonly latency: Dist,
    private readonly rng: Rng,
  ) {}

  /**
   * Sends `bytes` from `from` to `to` now; `onArrive(row)` runs at the receive time.
   * `prev` is the row that brought this payload to `from` (-1 at the origin); `msg` is the
   * ground-truth application message (-1 for control traffic).
   */
  hop(
    from: number,
    to: number,
    bytes: number,
    kind: KindId,
    prev: number,
    msg: number,
    ids: HopIds | undefined,
    onArrive: ((row: number) => void) | null,
  ): number {
    const t = this.sim.now;
    const tRx = t + Math.round(this.latency.sample(this.rng));
    const row = this.log.append(t, tRx, from, to, bytes, kind, prev, msg, ids);
    if (onArrive) this.sim.at(tRx, onArrive, row);
    return row;
  }

  /** Records that application message `msg` (copy for `recipient`) reached the recipient's device via `finalRow`. */
  deliver(msg: number, sender: number, recipient: number, group: number, tSend: number, finalRow: number): void {
    if (msg >= this.coverFrom) return;
    const written = this.writtenAt ? this.writtenAt[msg] : tSend;
    this.truth.record(msg, sender, recipient, group, written, this.log.tRx[finalRow], finalRow);
    if (group >= 0) return;
    const waiting = this.waiters.get(msg);
    if (waiting) {
      this.waiters.delete(msg);
      for (const cb of waiting) cb();
    }
    this.delivered.add(msg);
  }

  /**
   * Runs `cb` once the 1:1 message `msg` has been delivered (at once if it already was).
   * Keyed by message alone: a 1:1 message has exactly one recipient, and replies only answer 1:1 messages.
   */
  whenDelivered(msg: number, cb: () => void): void {
    if (this.delivered.has(msg)) {
      cb();
      return;
    }
    const list = this.waiters.get(msg);
    if (list) list.push(cb);
    else this.waiters.set(msg, [cb]);
  }

  private readonly waiters = new Map<number, (() => void)[]>();
  private readonly delivered = new Set<number>();
}
