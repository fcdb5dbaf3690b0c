/**
 * Disclosure's timed causal top (disclosure.ts timedBest) weighs an SDA candidate ip only when
 * its bound on s·w reaches a floor. Testing that bound slot by slot costs every candidate at every
 * delivery; this finds the slots that can pass it without visiting the rest.
 *
 * Why a static order suffices: a candidate's SDA bound (statistics.ts scanSda) is at most O_T/M_T,
 * and O_T (its egress in target rounds so far) is at most Σx over the whole run; an ip without a
 * departure near the delivery has timing bound ≤ (its departures) × farUnit. So its s·w bound is
 * at most key(a)·farUnit/M_T with key(a) = Σx·departures/users-at-a, fixed for the run: the ips
 * that can reach a floor are the near ones plus a prefix of the ips by key. The counts are
 * integers (exact in doubles); the 1e-9 margin covers the rounding of both sides.
 */
import type { DeliveryTiming } from './delivery-timing.js';
import type { WindowSeries } from './series.js';
import type { IpSweep } from './sweep.js';

export class SdaReach {
  private readonly key: Float64Array;
  /** Ips by key, largest first (ties by ip). */
  private readonly order: Int32Array;
  /** After collect(): the slots that can reach the floor, ascending. */
  readonly slots: Int32Array;

  constructor(s: WindowSeries, tm: DeliveryTiming, ipSize: (a: number) => number) {
    const n = s.ips;
    const start = tm.d.start;
    this.key = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      const departures = a + 1 < start.length ? start[a + 1] - start[a] : 0;
      this.key[a] = (s.xSum[a] * departures) / ipSize(a);
    }
    const key = this.key;
    this.order = new Int32Array(n);
    for (let a = 0; a < n; a++) this.order[a] = a;
    this.order.sort((a, b) => key[b] - key[a] || a - b);
    this.slots = new Int32Array(n);
  }

  /**
   * The slots of `sw` (state at the delivery, `tm` split at it) whose ip is near or whose key
   * bound reaches `floor` (> 0), ascending in slots[0 ..); returns their count. Every other slot
   * fails scanSda's visit test (ub/size)·bound(a) < floor.
   */
  collect(sw: IpSweep, tm: DeliveryTiming, floor: number): number {
    const mT = sw.syPref + sw.yp;
    if (!(mT > 0)) return 0;
    let m = 0;
    for (let k = 0; k < tm.nearN; k++) {
      const q = sw.slotOfIp(tm.nearList[k]);
      if (q >= 0) this.slots[m++] = q;
    }
    // fl(key·unit) grows with key, so the first far ip below the bar ends the prefix.
    const unit = tm.farUnit / mT;
    const bar = floor * (1 - 1e-9);
    for (let k = 0; k < this.order.length; k++) {
      const a = this.order[k];
      if (tm.isNear(a)) continue;
      if (this.key[a] * unit < bar) break;
      const q = sw.slotOfIp(a);
      if (q >= 0) this.slots[m++] = q;
    }
    this.slots.subarray(0, m).sort();
    return m;
  }
}
