/**
 * A pool of numbered slots over typed-array columns (struct of arrays), reused through a free
 * list: memory follows what is in flight, not the length of the run. A subclass declares its
 * columns and grows them in `grow(cap)`; the pool hands out slot numbers.
 *
 * Invariants: a released slot is handed out again last-in first-out (the free list is a stack),
 * and fresh slots are numbered 0, 1, 2, … in order; capacity doubles when full. Slot numbers
 * never reach the outputs, but the order is part of what makes runs repeatable, so keep it.
 */
export abstract class SlotPool {
  /** Slots the columns have room for. */
  protected cap: number;
  private count = 0;
  private readonly free: number[] = [];

  constructor(cap: number) {
    this.cap = cap;
  }

  /** A free slot (its columns hold whatever its last user left: the caller sets every field it reads). */
  alloc(): number {
    if (this.free.length > 0) return this.free.pop() as number;
    if (this.count === this.cap) {
      this.cap *= 2;
      this.grow(this.cap);
    }
    return this.count++;
  }

  /** Slot `i` is done with; it will be handed out again. */
  release(i: number): void {
    this.free.push(i);
  }

  /** Reallocates every column for `cap` slots, keeping the contents. */
  protected abstract grow(cap: number): void;
}
