/**
 * One level of the timing trace's beam search (src/attacks/timing.ts, `walk`): the children the
 * current frontier's hypotheses lead to, merged by row, and the frontier kept from them.
 */
import { kthLargest } from './util-index.js';

export class Beam {
  /** The frontier (row, mass): `beam` at most (the arrays may be longer). */
  fRow: Int32Array;
  fW: Float64Array;
  /** Children of the current level (row, mass), grown on demand. */
  private cRow = new Int32Array(256);
  private cW = new Float64Array(256);
  private order = new Float64Array(256);
  private nc = 0;
  // Children by row (open addressing, -1 = empty): merges duplicates while staying in cache (a
  // row-indexed array would miss on every lookup).
  private hRow = new Int32Array(1 << 12).fill(-1);
  private hIdx = new Int32Array(1 << 12);
  private cSlot = new Int32Array(256);
  /** Rows tied at the cut (as many as children, at most). */
  private tied = new Int32Array(256);

  constructor(public beam: number) {
    this.fRow = new Int32Array(beam);
    this.fW = new Float64Array(beam);
  }

  /**
   * Sets the width for the next search (caps widen per target, param `widen`); only between
   * searches, as it may replace the frontier arrays. A search depends on the width alone.
   */
  setWidth(beam: number): void {
    this.beam = beam;
    if (beam <= this.fRow.length) return;
    this.fRow = new Int32Array(beam);
    this.fW = new Float64Array(beam);
  }

  /**
   * Adds child (row, w) to the current level. A row reached from several parents is one
   * hypothesis: its masses add (the parents are disjoint events), so the beam is not wasted on
   * copies.
   */
  push(row: number, w: number): void {
    const nc = this.nc;
    let i = this.find(row);
    if (this.hRow[i] === row) {
      this.cW[this.hIdx[i]] += w;
      return;
    }
    if ((nc + 1) * 2 > this.hRow.length) {
      this.growTable(nc);
      i = this.find(row);
    }
    this.hRow[i] = row;
    this.hIdx[i] = nc;
    if (nc === this.cRow.length) {
      const z = new Int32Array(nc * 2);
      z.set(this.cSlot);
      this.cSlot = z;
      const r = new Int32Array(nc * 2);
      r.set(this.cRow);
      const x = new Float64Array(nc * 2);
      x.set(this.cW);
      this.cRow = r;
      this.cW = x;
      this.order = new Float64Array(nc * 2);
      this.tied = new Int32Array(nc * 2);
    }
    this.cRow[nc] = row;
    this.cW[nc] = w;
    this.cSlot[nc] = i;
    this.nc = nc + 1;
  }

  /** Slot of `row` in the level table: where it is, or the empty slot where it would go. */
  private find(row: number): number {
    const mask = this.hRow.length - 1;
    let i = Math.imul(row, 0x9e3779b1) >>> 0;
    i = (i ^ (i >>> 15)) & mask;
    while (this.hRow[i] !== -1 && this.hRow[i] !== row) i = (i + 1) & mask;
    return i;
  }

  private growTable(nc: number): void {
    this.hRow = new Int32Array(this.hRow.length * 2).fill(-1);
    this.hIdx = new Int32Array(this.hRow.length);
    for (let k = 0; k < nc; k++) {
      const i = this.find(this.cRow[k]);
      this.hRow[i] = this.cRow[k];
      this.hIdx[i] = k;
      this.cSlot[k] = i;
    }
  }

  /**
   * Ends the level: moves the `beam` heaviest children into the frontier and returns how many; a
   * selection (expected O(children)) finds the beam-th weight, then children strictly above it
   * and, for ties at it, those with the smallest rows (deterministic) are kept. `pruned` receives
   * the mass left out.
   */
  next(): number {
    const nc = this.nc;
    this.nc = 0;
    this.pruned = 0;
    // Clear the slots used (not by lookup: emptied slots would cut later probe chains).
    for (let k = 0; k < nc; k++) this.hRow[this.cSlot[k]] = -1;
    if (nc <= this.beam) {
      this.fRow.set(this.cRow.subarray(0, nc));
      this.fW.set(this.cW.subarray(0, nc));
      return nc;
    }
    const scratch = this.order;
    scratch.set(this.cW.subarray(0, nc));
    const cut = kthLargest(scratch, nc, this.beam);
    let n = 0;
    let pruned = 0;
    for (let k = 0; k < nc; k++) {
      if (this.cW[k] > cut) {
        this.fRow[n] = this.cRow[k];
        this.fW[n++] = this.cW[k];
      } else pruned += this.cW[k];
    }
    if (n < this.beam) {
      // Ties at the cut: keep the smallest rows (a numeric sort: rows are integers).
      let nt = 0;
      for (let k = 0; k < nc; k++) if (this.cW[k] === cut) this.tied[nt++] = this.cRow[k];
      const tied = this.tied.subarray(0, nt).sort();
      for (let k = 0; n < this.beam; k++) {
        this.fRow[n] = tied[k];
        this.fW[n++] = cut;
        pruned -= cut;
      }
    }
    this.pruned = pruned;
    return n;
  }

  /** Mass the last `next` left out of the frontier. */
  pruned = 0;
}
