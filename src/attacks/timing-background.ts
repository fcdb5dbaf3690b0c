/**
 * The view's background traffic as the timing trace reads it (docs/attacks.md#background-traffic):
 * in each window the trace weighs — the incoming rows at a watched party, or the departures of the
 * end-to-end fallback — the periodic flows' crossings (keepalives, empty polls, PINGs, /sync
 * long-polls) are candidates like logged rows. The caller weighs what `read` returns; a background
 * cause ends its hypothesis at the device whose periodic exchange it is (a periodic flow is
 * followed link by link to its source and carries no payload onward).
 */
import { type Background, BackgroundReader } from '../adversary/background.js';
import type { AttackInput, SizeModel } from './attack.js';
import { backgroundCounted } from './wire-rows.js';

/** The distinct sizes of the descriptors `which` accepts (periodic flows have few). */
function distinctSizes(bg: Background, which: (d: number) => boolean): Int32Array {
  const set = new Set<number>();
  for (let d = 0; d < bg.count; d++) if (which(d)) set.add(bg.bytes[d]);
  return Int32Array.from(set);
}

export class BackgroundCauses {
  readonly reader: BackgroundReader;
  /** Densities the caller writes for the crossings of the last `read` (at most `scan`). */
  dens: Float64Array;
  /**
   * Whether the last `read` consulted the reader, whose answer depends on `scan` (it keeps the
   * `scan` newest crossings and looks at a multiple of `scan`); false when it returned early,
   * the same under every scan.
   */
  scanned = false;
  /** Distinct sizes of the descriptors arriving at parties (0) and leaving devices (1). */
  private readonly sizes: [Int32Array, Int32Array];
  /** Per size law, per (row size, side): whether any background size could be kept. */
  private readonly anyKept = new Map<SizeModel, Map<number, boolean>>();
  // The size law and row size the current query is weighed against (keepBySize).
  private keepLaw: SizeModel | null = null;
  private keepBytes = 0;
  /**
   * A crossing is a candidate unless the observer reads sizes and its size change was never
   * measured for a payload: periodic flows have one size each, so the size-aware observer rules
   * them out as wire-rows.ts rules out acks for the windowed attacks; the size-blind one cannot.
   */
  private readonly keepBySize = (d: number): boolean =>
    this.keepLaw === null || this.keepLaw.seen(this.keepBytes - this.data.bytes[d]);

  constructor(
    readonly data: Background,
    users: number,
    private scan: number,
  ) {
    this.reader = new BackgroundReader(data);
    this.dens = new Float64Array(scan);
    this.sizes = [distinctSizes(data, (d) => data.to[d] >= users), distinctSizes(data, (d) => data.from[d] < users)];
  }

  /** Sets the scan for the next reads (caps widen per target, param `widen`). */
  setScan(scan: number): void {
    this.scan = scan;
    if (scan > this.dens.length) this.dens = new Float64Array(scan);
  }

  /**
   * The most recent `scan` crossings of [lo, hi] (arrivals at party h, or departures from devices
   * when h < 0) the observer cannot rule out, in reader.outT/outD; returns how many. `law`/`bytes`:
   * the size change the size-aware observer checks (null: size-blind).
   */
  read(h: number, lo: number, hi: number, law: SizeModel | null, bytes: number): number {
    this.scanned = false;
    if (hi < lo) return 0;
    if (law) {
      // When no background size fits `bytes` nothing is read (a Signal service meets a keepalive
      // every few ms; a mixnet provider a fetch every few µs).
      const side = h < 0 ? 1 : 0;
      let byBytes = this.anyKept.get(law);
      if (!byBytes) this.anyKept.set(law, (byBytes = new Map()));
      const key = 2 * bytes + side;
      let any = byBytes.get(key);
      if (any === undefined) {
        any = false;
        for (const b of this.sizes[side]) any ||= law.seen(bytes - b);
        byBytes.set(key, any);
      }
      if (!any) return 0;
    }
    this.keepLaw = law;
    this.keepBytes = bytes;
    this.scanned = true;
    return h < 0
      ? this.reader.departures(lo, hi, this.scan, this.keepBySize)
      : this.reader.arrivals(h, lo, hi, this.scan, this.keepBySize);
  }
}

/** The trace's background reader, or null when the view has none or the observer strips it (`background`). */
export function backgroundCauses(input: AttackInput, scan: number): BackgroundCauses | null {
  const bg = backgroundCounted(input.params) ? input.background : undefined;
  return bg && bg.count > 0 ? new BackgroundCauses(bg, input.users, scan) : null;
}
