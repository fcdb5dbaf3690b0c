/**
 * What Session's swarms hold: stored items (one per store, shared by every poller that waits for
 * it) and pickups (one per item and poller that found it, shared by the retrieve responses that
 * carry it back). Both are slot pools reused through free lists, so memory follows what is
 * stored or in flight, not the run.
 */
import { growF64, growI32, growU8 } from '../parts/grow.js';
import { SlotPool } from '../parts/slot-pool.js';

export class StoredItems extends SlotPool {
  msg: Int32Array<ArrayBuffer>;
  /** T_MSG / T_SYNC / T_GROUP. */
  type: Uint8Array<ArrayBuffer>;
  /** Pollers still waiting for the item; released at 0. */
  refs: Int32Array<ArrayBuffer>;
  /** Per swarm member a (at i · MS + a): when the item can be retrieved there, and the row that brought it. */
  avail: Float64Array<ArrayBuffer>;
  row: Int32Array<ArrayBuffer>;

  constructor(
    /** Largest swarm size: the stride of `avail` and `row`. */
    readonly MS: number,
  ) {
    const cap = 256;
    super(cap);
    this.msg = new Int32Array(cap);
    this.type = new Uint8Array(cap);
    this.refs = new Int32Array(cap);
    this.avail = new Float64Array(cap * MS);
    this.row = new Int32Array(cap * MS);
  }

  protected grow(cap: number): void {
    this.msg = growI32(this.msg, cap);
    this.type = growU8(this.type, cap);
    this.refs = growI32(this.refs, cap);
    this.avail = growF64(this.avail, cap * this.MS);
    this.row = growI32(this.row, cap * this.MS);
  }
}

export class Pickups extends SlotPool {
  msg: Int32Array<ArrayBuffer>;
  /** Recipient of record, −1 when the pickup delivers nothing (a sync copy, the sender's own group message). */
  to: Int32Array<ArrayBuffer>;
  /** Retrieve responses still carrying it; released at 0. */
  refs: Int32Array<ArrayBuffer>;
  /** Bytes of the response that carries it. */
  bytes: Int32Array<ArrayBuffer>;
  /** 1 once the first response reached the device (only that one delivers). */
  done: Uint8Array<ArrayBuffer>;

  constructor() {
    const cap = 256;
    super(cap);
    this.msg = new Int32Array(cap);
    this.to = new Int32Array(cap);
    this.refs = new Int32Array(cap);
    this.bytes = new Int32Array(cap);
    this.done = new Uint8Array(cap);
  }

  protected grow(cap: number): void {
    this.msg = growI32(this.msg, cap);
    this.to = growI32(this.to, cap);
    this.refs = growI32(this.refs, cap);
    this.bytes = growI32(this.bytes, cap);
    this.done = growU8(this.done, cap);
  }
}
