/**
 * What SimpleX's storage relays hold per queue: the stored, undelivered rows, FIFO as a linked
 * list through the store rows (no per-queue arrays; the relay hands out one at a time and the
 * next only after the ACK), and the queue's delivery state. Also the per-row side table the
 * design keeps for rows whose identifiers do not name their queue.
 */
import { growI32 } from '../parts/grow.js';

export class RelayQueues {
  /** First and last stored row of each queue (−1 = empty). */
  readonly head: Int32Array;
  readonly tail: Int32Array;
  /** 1 while a message of the queue is on its way to the recipient (awaiting its ACK). */
  readonly inFlight: Uint8Array;
  /** 1 while a woken iOS device is draining the queue with GET (it fetches until the queue is empty). */
  readonly draining: Uint8Array;
  /** 1 while the queue is in its recipient's parked list (waiting for it to subscribe). */
  readonly parked: Uint8Array;
  /**
   * Per-row side data: for a row whose identifiers do not name its queue (sender → proxy,
   * NTF → APNs → device), the queue; for a store row, the next stored row of its queue (-1 = last).
   */
  aux = new Int32Array(1 << 16);

  constructor(queues: number) {
    this.head = new Int32Array(queues).fill(-1);
    this.tail = new Int32Array(queues).fill(-1);
    this.inFlight = new Uint8Array(queues);
    this.draining = new Uint8Array(queues);
    this.parked = new Uint8Array(queues);
  }

  setAux(row: number, v: number): void {
    if (row >= this.aux.length) this.aux = growI32(this.aux, Math.max(row + 1, this.aux.length * 2));
    this.aux[row] = v;
  }

  /** Appends store row `row` to queue q. */
  enqueue(q: number, row: number): void {
    this.setAux(row, -1);
    if (this.tail[q] < 0) this.head[q] = row;
    else this.aux[this.tail[q]] = row;
    this.tail[q] = row;
  }

  /** Removes and returns the first stored row of q (q must not be empty). */
  dequeue(q: number): number {
    const row = this.head[q];
    this.head[q] = this.aux[row];
    if (this.head[q] < 0) this.tail[q] = -1;
    return row;
  }
}
