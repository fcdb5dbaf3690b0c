/**
 * The observation log: one row per hop (a packet crossing one link), in columnar typed
 * arrays. A row holds what the two parties at the ends of that hop observe:
 * times, hosts (hence addresses), size, and the identifiers visible at that protocol layer.
 *
 * Visibility rules (the contract between designs and adversary views):
 * - `tTx`, `tRx`, `from`, `to`, `bytes` are visible to both endpoints and to anyone on the link.
 * - `sAcct`, `rAcct`, `obj` are visible to the parties named by `idVis`: bit 1 (VIS_RX) the
 *   receiving party `to`, bit 2 (VIS_TX) the sending party `from`. Default both. An exit relay
 *   forwarding a sealed request sets VIS_RX only; a swarm node answering through an onion path
 *   sets VIS_TX only. They are never visible on the wire (every link is encrypted).
 * - `prev` is the row whose arrival at `from` caused this row (same logical payload); only a
 *   party holding `from` knows it. -1 at the origin.
 * - `kind` and `msg` are ground truth for tests, metrics and the viewer; adversary views never
 *   carry them (sizes and timing are what leaks, not labels).
 */
export const Kind = {
  message: 1,
  receipt: 2,
  sync: 3,
  poll: 4,
  fetch: 5,
  replicate: 6,
  push: 7,
  keyShare: 8,
  ephemeral: 9,
  cover: 10,
  ack: 11,
  subscribe: 12,
  keepalive: 13,
} as const;
export type KindId = (typeof Kind)[keyof typeof Kind];
export const KIND_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Kind).map(([k, v]) => [v, k]));

export const VIS_RX = 1;
export const VIS_TX = 2;

/** Identifier fields a hop carries; -1 (or omitted) means none. `vis` defaults to VIS_RX | VIS_TX. */
export interface HopIds {
  sAcct?: number;
  rAcct?: number;
  obj?: number;
  vis?: number;
}

export class ObservationLog {
  length = 0;
  tTx = new Float64Array(1024);
  tRx = new Float64Array(1024);
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  bytes = new Int32Array(1024);
  kind = new Uint8Array(1024);
  prev = new Int32Array(1024);
  sAcct = new Int32Array(1024);
  rAcct = new Int32Array(1024);
  obj = new Int32Array(1024);
  idVis = new Uint8Array(1024);
  msg = new Int32Array(1024);
  /** Streaming hook (src/log/write.ts): called once `rowsEvery` more rows exist; rows never change once appended. */
  private rowsHook: (() => void) | null = null;
  private rowsEvery = 0;
  private rowsAt = Number.POSITIVE_INFINITY;

  /** Calls `hook` each time `every` more rows have been appended (null: stop). */
  onRows(every: number, hook: (() => void) | null): void {
    this.rowsHook = hook;
    this.rowsEvery = every;
    this.rowsAt = hook ? this.length + every : Number.POSITIVE_INFINITY;
  }

  /** Appends a row; returns its index. */
  append(
    tTx: number,
    tRx: number,
    from: number,
    to: number,
    bytes: number,
    kind: KindId,
    prev: number,
    msg: number,
    ids?: HopIds,
  ): number {
    if (this.length === this.tTx.length) this.grow();
    const i = this.length++;
    this.tTx[i] = tTx;
    this.tRx[i] = tRx;
    this.from[i] = from;
    this.to[i] = to;
    this.bytes[i] = bytes;
    this.kind[i] = kind;
    this.prev[i] = prev;
    this.msg[i] = msg;
    this.sAcct[i] = ids?.sAcct ?? -1;
    this.rAcct[i] = ids?.rAcct ?? -1;
    this.obj[i] = ids?.obj ?? -1;
    this.idVis[i] = ids?.vis ?? VIS_RX | VIS_TX;
    if (this.length >= this.rowsAt) {
      this.rowsAt += this.rowsEvery;
      this.rowsHook?.();
    }
    return i;
  }

  /** Ensures room for `n` rows without further growth (designs pass an estimate up front). */
  reserve(n: number): void {
    if (this.tTx.length < n) this.grow(n);
  }

  /** Total bytes over all logged hops. */
  totalBytes(): number {
    let s = 0;
    for (let i = 0; i < this.length; i++) s += this.bytes[i];
    return s;
  }

  /**
   * Grows every column to at least `min` rows: doubling while small, then by a quarter, so a
   * 70 M-row log (Session, 10^5 users × 1 h) ends at most 25 % oversized instead of up to 100 %
   * (50 bytes per row). Columns are replaced one at a time, so the old copy of one column at a
   * time is live beside the new ones.
   */
  private grow(min = 0): void {
    const cap = this.tTx.length;
    this.resize(Math.max(min, cap < 1 << 24 ? cap * 2 : Math.ceil(cap * 1.25)));
  }

  /** Shrinks every column to the rows logged, dropping the growth slack (up to 25 %) once a run is over. */
  trim(): void {
    if (this.tTx.length > this.length) this.resize(this.length);
  }

  private resize(n: number): void {
    const g = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a.subarray(0, Math.min(n, a.length)));
      return b;
    };
    this.tTx = g(this.tTx);
    this.tRx = g(this.tRx);
    this.from = g(this.from);
    this.to = g(this.to);
    this.bytes = g(this.bytes);
    this.kind = g(this.kind);
    this.prev = g(this.prev);
    this.sAcct = g(this.sAcct);
    this.rAcct = g(this.rAcct);
    this.obj = g(this.obj);
    this.idVis = g(this.idVis);
    this.msg = g(this.msg);
  }
}

/**
 * Periodic background traffic kept as flows instead of rows (Session's 5 s polls, keepalives,
 * Matrix long-polls): the exchange happens at phase + k·period for t in [start, end), along
 * `path` (user first). Exchanges that carry a payload are logged as ordinary rows as well.
 * Observers holding a host on the path, or watching its links, see every exchange.
 */
export interface PeriodicFlow {
  path: Int32Array;
  period: number;
  phase: number;
  start: number;
  end: number;
  /** Bytes per exchange on each link of the path, both directions together. */
  bytesPerLink: number;
  /**
   * Of those, the request's (the direction away from the user); the answer has the rest. Absent:
   * half each way (a keepalive and its echo, a PING and its PONG). Observers see each direction
   * as its own row (src/adversary/background.ts), so an empty answer and a request differ in size.
   */
  bytesUp?: number;
  kind: KindId;
}

/** Bytes of a flow's request on each link (the answer has bytesPerLink minus this). */
export function requestBytes(f: PeriodicFlow): number {
  return f.bytesUp ?? f.bytesPerLink / 2;
}

export class PeriodicFlows {
  readonly flows: PeriodicFlow[] = [];
  add(f: PeriodicFlow): void {
    this.flows.push(f);
  }
  /** Exchanges of one flow in [start, end). */
  static count(f: PeriodicFlow): number {
    if (f.end <= f.start) return 0;
    const first = f.start + ((((f.phase - f.start) % f.period) + f.period) % f.period);
    return first >= f.end ? 0 : Math.floor((f.end - 1 - first) / f.period) + 1;
  }
  totalBytes(): number {
    let s = 0;
    for (const f of this.flows) s += PeriodicFlows.count(f) * f.bytesPerLink * (f.path.length - 1);
    return s;
  }
}
