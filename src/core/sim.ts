/**
 * The event loop: a virtual clock and a pending-event heap ordered by (time, insertion seq).
 *
 * Invariants:
 * - Events fire in non-decreasing time; events at equal times fire in the order they were
 *   scheduled (seq is assigned at scheduling and strictly increases).
 * - `now` never goes backwards; scheduling into the past is an error.
 *
 * NOTE: the heap is three parallel typed arrays (time, seq, slot) and handlers receive one
 * numeric argument, so a pending event costs no object allocation. Measured here, an
 * object-per-event heap is 6–16× slower at 100k–1M pending events, and async processes 16×
 * slower than callbacks. Cancellation is lazy: the slot's handler is cleared and the heap
 * entry is skipped when it surfaces. O(log n) schedule and pop, O(1) cancel.
 */

/** An event handler; `arg` is the number given to `schedule` (e.g. a row or entity index). */
export type Handler = (arg: number) => void;

const SLOT_BITS = 2 ** 25;

/**
 * Under test (`ANONSIM_STRICT_TIME=1`, set by vitest.config.ts) every scheduled time must be a
 * whole number of ns: a fractional time is a delay drawn from a continuous law that skipped
 * `Sim.after`, and it would make event order depend on sub-ns noise. Off in production runs
 * (one branch per event either way).
 */
const STRICT_TIME = typeof process !== 'undefined' && process.env?.ANONSIM_STRICT_TIME === '1';

export interface RunOptions {
  /** Stop after the last event at or before this time (ns); `now` is then set to it. */
  until?: number;
}

export class Sim {
  /** Current virtual time, ns. */
  now = 0;
  /** Events fired so far. */
  fired = 0;

  private hTime: Float64Array;
  private hSeq: Float64Array;
  private hSlot: Int32Array;
  private size = 0;
  private seq = 0;

  private fn: (Handler | null)[] = [];
  private arg: Float64Array;
  private gen: Int32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotCount = 0;
  private live = 0;

  constructor(capacity = 1024) {
    this.hTime = new Float64Array(capacity);
    this.hSeq = new Float64Array(capacity);
    this.hSlot = new Int32Array(capacity);
    this.arg = new Float64Array(capacity);
    this.gen = new Int32Array(capacity);
    this.freeSlots = new Int32Array(capacity);
  }

  /** Events scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Schedules `handler(arg)` after `delay` ns (≥ 0). Returns a handle for `cancel`. */
  schedule(delay: number, handler: Handler, arg = 0): number {
    if (!(delay >= 0)) throw new RangeError(`negative or NaN delay ${delay}`);
    return this.push(this.now + delay, handler, arg);
  }

  /** Schedules `handler(arg)` at absolute time `time` (≥ now). */
  at(time: number, handler: Handler, arg = 0): number {
    if (!(time >= this.now)) throw new RangeError(`time ${time} is before now (${this.now})`);
    return this.push(time, handler, arg);
  }

  /**
   * Schedules `handler(arg)` at `from + delay`, the delay rounded to whole ns. Every delay drawn
   * from a continuous law (latency, processing, holds, think times) goes through here, so time
   * stays integer (docs/architecture.md, Core). `from` must itself be integer (a logged tRx,
   * `now`).
   */
  after(from: number, delay: number, handler: Handler, arg = 0): number {
    return this.at(from + Math.round(delay), handler, arg);
  }

  /** Cancels a pending event; returns false if it already fired or was cancelled. */
  cancel(handle: number): boolean {
    const slot = handle % SLOT_BITS;
    const g = Math.floor(handle / SLOT_BITS);
    if (slot >= this.slotCount || this.gen[slot] !== g || this.fn[slot] === null) return false;
    this.fn[slot] = null;
    this.live--;
    return true;
  }

  /** Fires the next event; returns false when none is pending. */
  step(): boolean {
    while (this.size > 0) {
      const slot = this.hSlot[0];
      const t = this.hTime[0];
      this.popTop();
      const f = this.fn[slot];
      const a = this.arg[slot];
      this.release(slot);
      if (f === null) continue;
      this.live--;
      this.now = t;
      this.fired++;
      f(a);
      return true;
    }
    return false;
  }

  /** Runs until no events remain or the next one is later than `until`. */
  run(opts: RunOptions = {}): void {
    const until = opts.until ?? Number.POSITIVE_INFINITY;
    while (this.size > 0 && this.hTime[0] <= until) {
      const slot = this.hSlot[0];
      const t = this.hTime[0];
      this.popTop();
      const f = this.fn[slot];
      const a = this.arg[slot];
      this.release(slot);
      if (f === null) continue;
      this.live--;
      this.now = t;
      this.fired++;
      f(a);
    }
    if (Number.isFinite(until) && until > this.now) this.now = until;
  }

  /** Time of the next pending (possibly cancelled) entry, or +Infinity. */
  peekTime(): number {
    return this.size > 0 ? this.hTime[0] : Number.POSITIVE_INFINITY;
  }

  private push(time: number, handler: Handler, arg: number): number {
    if (STRICT_TIME && !Number.isInteger(time)) throw new RangeError(`time ${time} is not a whole number of ns`);
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount];
    else {
      slot = this.slotCount++;
      if (slot >= this.arg.length) this.growSlots();
    }
    this.fn[slot] = handler;
    this.arg[slot] = arg;
    this.live++;
    if (this.size === this.hTime.length) this.growHeap();
    const s = this.seq++;
    // sift up
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hTime[p];
      if (pt < time || (pt === time && hSeq[p] < s)) break;
      hTime[i] = pt;
      hSeq[i] = hSeq[p];
      hSlot[i] = hSlot[p];
      i = p;
    }
    hTime[i] = time;
    hSeq[i] = s;
    hSlot[i] = slot;
    return slot + this.gen[slot] * SLOT_BITS;
  }

  private popTop(): void {
    const n = --this.size;
    if (n === 0) return;
    const hTime = this.hTime;
    const hSeq = this.hSeq;
    const hSlot = this.hSlot;
    const t = hTime[n];
    const s = hSeq[n];
    const sl = hSlot[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (hTime[r] < hTime[c] || (hTime[r] === hTime[c] && hSeq[r] < hSeq[c]))) c = r;
      const ct = hTime[c];
      if (t < ct || (t === ct && s < hSeq[c])) break;
      hTime[i] = ct;
      hSeq[i] = hSeq[c];
      hSlot[i] = hSlot[c];
      i = c;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hSlot[i] = sl;
  }

  private release(slot: number): void {
    this.fn[slot] = null;
    this.gen[slot] = (this.gen[slot] + 1) % 2 ** 27;
    this.freeSlots[this.freeCount++] = slot;
  }

  private growHeap(): void {
    const n = this.hTime.length * 2;
    const t = new Float64Array(n);
    t.set(this.hTime);
    const s = new Float64Array(n);
    s.set(this.hSeq);
    const l = new Int32Array(n);
    l.set(this.hSlot);
    this.hTime = t;
    this.hSeq = s;
    this.hSlot = l;
  }

  private growSlots(): void {
    const n = this.arg.length * 2;
    // Handles pack the slot into the low 25 bits; more pending events would alias handles.
    if (n > SLOT_BITS) throw new RangeError(`more than ${SLOT_BITS} pending events`);
    const a = new Float64Array(n);
    a.set(this.arg);
    const g = new Int32Array(n);
    g.set(this.gen);
    const f = new Int32Array(n);
    f.set(this.freeSlots);
    this.arg = a;
    this.gen = g;
    this.freeSlots = f;
  }
}
