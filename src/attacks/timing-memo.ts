/**
 * Weighed windows of the timing trace, kept per row (src/attacks/timing.ts, `walk`). Expanding a
 * hypothesis at a party on watched links — weighing its incoming rows and background arrivals —
 * is a function of the row and the `scan` cap alone as long as the delivery's `budget` does not
 * bind: the row fixes the party, the dwell law, the size and direction weights and the window.
 * Deliveries close in time reach the same rows again and again (a global observer of SimpleX
 * re-expands 99 % of its expansions' rows, of Session 84 %, at 3162 users), so each row is weighed
 * once and replayed.
 *
 * Invariant: a record holds the very numbers the weighing produced — each kept child's density,
 * the window's sum, the share a cap left out — and the replay applies them in the weighing's order
 * with the same arithmetic, so a replay is bit-for-bit the expansion it stands for. A record is
 * replayed only under a scan in [scanLo, scanHi], the scans for which the weigher proved the
 * weighing the same (timing.ts, `weigh`), and a budget of at least min(span, scan). Caps widen per
 * target (param `widen`), so a row may hold several records for disjoint-or-not scan ranges,
 * chained newest first; a new one is made only when none fits. A record the scan stopped also keeps
 * where its last chunk began (resRows …), so that the weighing at a larger scan resumes it instead
 * of starting again from the window's newest row (timing-weigh.ts proves it the same bit for bit).
 */

/** What an expansion left out of its window, as AttackResult.caps counts it: none. */
export const NO_CUT = -1;

/** scanHi of a record whose weighing is the same under every larger scan. */
export const ANY_SCAN = 0x7fffffff;

function grownI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

function grownF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Pool entries kept at most (12 B each, ~200 MB): past it rows are weighed every time they are
 * reached, as without the memo, so memory stays bounded at any scale and results do not change
 * (10^4 users keep a few million).
 */
const MAX_POOL = 1 << 24;

export class Expansions {
  // Row → record, open addressing (-1 = empty), at most half full.
  private keys = new Int32Array(1 << 12).fill(-1);
  private ids = new Int32Array(1 << 12);
  /** Records stored; record `count` is the scratch one (an expansion the budget cut, not kept). */
  private count = 0;
  /** Per record: rows in the window (the weighing did not depend on a budget ≥ min(span, scan)). */
  span = new Int32Array(256);
  /** Per record: the scans it may be replayed under, [scanLo, scanHi] (ANY_SCAN: unbounded). */
  scanLo = new Int32Array(256);
  scanHi = new Int32Array(256);
  /** Per record: the row's next (older) record, −1 for none. */
  private chain = new Int32Array(256);
  /** Rows weighed (background crossings included): what the expansion takes from the budget. */
  used = new Int32Array(256);
  /** The window's total weight (not > 0: the hypothesis is lost). */
  sum = new Float64Array(256);
  /** Share of the window's mass the rows left unweighed could have had, and which cap cut them (NO_CUT: none). */
  share = new Float64Array(256);
  cap = new Int32Array(256);
  /** Entries of the pool: [start, start + kids) children (rows), then `bgs` background causes (origin devices). */
  start = new Int32Array(256);
  kids = new Int32Array(256);
  bgs = new Int32Array(256);
  /**
   * Per record the scan stopped (timing-weigh.ts, resumption): rows before its last, clamped chunk
   * (0: not resumable), that chunk's size, the kept children before it, and `sum` and `top` at its
   * start. A weighing at a larger scan starts there instead of at the window's newest row.
   */
  resRows = new Int32Array(256);
  resStep = new Int32Array(256);
  resKids = new Int32Array(256);
  resSum = new Float64Array(256);
  resTop = new Float64Array(256);
  /** The pool: a child row or background origin, and its weight before normalisation by `sum`. */
  ref = new Int32Array(1 << 12);
  v = new Float64Array(1 << 12);
  private top = 0;
  private end = 0;
  private nKids = 0;

  /** `maxPool`: pool entries (children and background causes) kept at most. */
  constructor(private readonly maxPool = MAX_POOL) {}

  /** The record of `row` that may be replayed under `scan`, or -1. */
  find(row: number, scan: number): number {
    const i = this.slot(row);
    if (this.keys[i] !== row) return -1;
    for (let r = this.ids[i]; r >= 0; r = this.chain[r]) if (this.scanLo[r] <= scan && scan <= this.scanHi[r]) return r;
    return -1;
  }

  /**
   * The resumable record of `row` with the largest scan s ≤ `maxScan` (the window's newest rows
   * down to its limit), or -1. Such a record was stopped at s (scanLo = scanHi = s).
   */
  resumable(row: number, maxScan: number): number {
    const i = this.slot(row);
    if (this.keys[i] !== row) return -1;
    let best = -1;
    for (let r = this.ids[i]; r >= 0; r = this.chain[r])
      if (this.resRows[r] > 0 && this.scanHi[r] <= maxScan && (best < 0 || this.scanHi[r] > this.scanHi[best]))
        best = r;
    return best;
  }

  /** Makes record `r` resumable from its last chunk's start (see resRows); a scratch record is never looked up. */
  resumeAt(r: number, rows: number, step: number, kids: number, sum: number, top: number): void {
    this.resRows[r] = rows;
    this.resStep[r] = step;
    this.resKids[r] = kids;
    this.resSum[r] = sum;
    this.resTop[r] = top;
  }

  /** Starts recording an expansion (into the scratch record until `close` keeps it). */
  open(): void {
    this.end = this.top;
    this.nKids = -1;
  }

  /** Appends a child row (before any background cause) or, after `backgrounds`, a background origin. */
  add(ref: number, v: number): void {
    if (this.end === this.ref.length) {
      this.ref = grownI32(this.ref, this.end + 1);
      this.v = grownF64(this.v, this.end + 1);
    }
    this.ref[this.end] = ref;
    this.v[this.end++] = v;
  }

  /** Marks the end of the children: what `add` appends from here on are background causes. */
  backgrounds(): void {
    this.nKids = this.end - this.top;
  }

  /**
   * Ends the record and returns its id. `keep`: the weighing did not depend on the budget, so it
   * is stored for `row` (while the pool has room) and replayed whenever the row is reached under a
   * scan in [scanLo, scanHi] with a budget of at least min(span, scan); otherwise it is the scratch
   * record, overwritten by the next `open`. The caller keeps a record only when `find` found none
   * for the scan it weighed under.
   */
  close(
    row: number,
    keep: boolean,
    scanLo: number,
    scanHi: number,
    span: number,
    used: number,
    sum: number,
    share: number,
    cap: number,
  ): number {
    const r = this.count;
    if (r === this.span.length) this.growRecords();
    this.span[r] = span;
    this.scanLo[r] = scanLo;
    this.scanHi[r] = scanHi;
    this.used[r] = used;
    this.sum[r] = sum;
    this.share[r] = share;
    this.cap[r] = cap;
    this.start[r] = this.top;
    this.kids[r] = this.nKids < 0 ? this.end - this.top : this.nKids;
    this.bgs[r] = this.end - this.top - this.kids[r];
    this.resRows[r] = 0;
    if (keep && this.end <= this.maxPool) {
      this.top = this.end;
      this.count++;
      if (this.count * 2 > this.keys.length) this.rehash();
      const i = this.slot(row);
      this.chain[r] = this.keys[i] === row ? this.ids[i] : -1;
      this.keys[i] = row;
      this.ids[i] = r;
    }
    return r;
  }

  private slot(row: number): number {
    const mask = this.keys.length - 1;
    let i = Math.imul(row, 0x9e3779b1) >>> 0;
    i = (i ^ (i >>> 15)) & mask;
    while (this.keys[i] !== -1 && this.keys[i] !== row) i = (i + 1) & mask;
    return i;
  }

  private rehash(): void {
    const keys = this.keys;
    const ids = this.ids;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.ids = new Int32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === -1) continue;
      const j = this.slot(keys[i]);
      this.keys[j] = keys[i];
      this.ids[j] = ids[i];
    }
  }

  private growRecords(): void {
    const n = this.count + 1;
    this.span = grownI32(this.span, n);
    this.scanLo = grownI32(this.scanLo, n);
    this.scanHi = grownI32(this.scanHi, n);
    this.chain = grownI32(this.chain, n);
    this.used = grownI32(this.used, n);
    this.sum = grownF64(this.sum, n);
    this.share = grownF64(this.share, n);
    this.cap = grownI32(this.cap, n);
    this.start = grownI32(this.start, n);
    this.kids = grownI32(this.kids, n);
    this.bgs = grownI32(this.bgs, n);
    this.resRows = grownI32(this.resRows, n);
    this.resStep = grownI32(this.resStep, n);
    this.resKids = grownI32(this.resKids, n);
    this.resSum = grownF64(this.resSum, n);
    this.resTop = grownF64(this.resTop, n);
  }
}
