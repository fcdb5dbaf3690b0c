/**
 * Weighing one window of the timing trace (src/attacks/timing.ts, `walk`): the candidate causes of
 * a row that an unheld party on watched links forwarded — its incoming rows in the dwell window and
 * the background arrivals there — weighed by the dwell law (times size and direction weights), the
 * most recent rows first, in chunks of CHUNK rows and then doubling, until what the older rows
 * could still weigh is below STOP of the window's mass, or `scan` rows (`budget` for the delivery)
 * are weighed. Each weighing becomes a record of the memo (timing-memo.ts).
 *
 * Resumption. Caps widen per target (param `widen`): a target cut by its scan is scored again with
 * the scan doubled, and the windows the scan stopped are weighed again at the larger scan (85 % of
 * the rows widened targets weighed were such re-weighings). A weighing at scan s' that the scan did
 * not stop before s runs the very chunks a weighing at scan s < s' ran, up to the last one, which s
 * clamped: chunk i spans [hi − 32·(2^(i+1) − 1), hi − 32·(2^i − 1)) before clamping at `limit`, and
 * the stop rule, checked after each chunk, saw the same sum, bound and rows. So a record the scan
 * stopped keeps the state at the start of its clamped chunk — where it began (hi − lo), that chunk's
 * size, `sum` and `top` so far and how many kept children lie before it — and a weighing at a larger
 * scan starts from there: it redoes that chunk unclamped (the same densityRun call, same rows, same
 * order as from scratch), goes on as from scratch, and takes the children of the rows before the
 * chunk from the record, kept if above the new `least`. Bit for bit the weighing from scratch:
 * - sum and top are accumulated in the same order from the same values (chunks newest first,
 *   rows oldest first within a chunk; densityRun is called with the same bounds, so its bin cursor
 *   walks the same rows — no claim about where a run starts is needed);
 * - a row before the clamped chunk is a child iff its density exceeds least = top·NEGLIGIBLE with the
 *   final top; the final top is at least the record's, so every such row was a child of the record
 *   (kept there iff above the record's smaller least) with the same density, in the same order.
 * Not resumed: weighings whose background read consulted the reader (it keeps the `scan` newest
 * crossings, so the window's first terms differ under another scan); the read returns early, the
 * same under every scan, for the rest. A resumed weighing keeps no more pool entries than one from
 * scratch would (the memo's bound holds), and only kept records (the pool had room) are resumed.
 */
import type { AttackInput, DelayModel, SizeModel } from './attack.js';
import { CAP_MASS, dwellKind } from './attack.js';
import type { BackgroundCauses } from './timing-background.js';
import { density, densityBound, densityRun, type Margins } from './timing-laws.js';
import { ANY_SCAN, Expansions, NO_CUT } from './timing-memo.js';
import { type HostIndex, incomingIndex, lowerBound, upperBound } from './util-index.js';

/**
 * Candidates whose density is below this fraction of the best in their window are not
 * expanded (their mass, at most scan·1e-6 of the window's, is dropped): it keeps floor-level
 * rows from costing work when a real candidate exists, and keeps them when none does.
 */
export const NEGLIGIBLE = 1e-6;

/** Rows weighed first in a window; each further chunk doubles. */
export const CHUNK = 32;
/**
 * A window stops growing once the rows left out could take at most this share of its mass:
 * well below CAP_MASS, so a target whose windows all stop this way is not counted as capped.
 */
export const STOP = CAP_MASS / 8;

/** Indices of the caps a weighing can be cut by (timing.ts CAPS). */
export const SCAN = 0;
export const BUDGET = 2;

/**
 * Share of a window's mass that `rows` unweighed rows, each of density at most `bound`, could
 * have taken from the `sum` the weighed ones got (1 when nothing was weighed or the bound is unknown).
 */
export function cutShare(rows: number, bound: number, sum: number): number {
  const m = rows * bound;
  return m > 0 ? (Number.isFinite(m) && sum > 0 ? m / (sum + m) : 1) : 0;
}

export class Weigher {
  private readonly incoming: HostIndex;
  /**
   * Per entry of `incoming`: the row's bytes and whether it left a device, laid out beside the
   * index's times so that weighing a window reads three sequential arrays instead of gathering from
   * the whole log (cache misses were most of a candidate's cost at 10^4 users).
   */
  private readonly incBytes: Int32Array;
  private readonly incDevice: Uint8Array;
  // Densities of the rows in the current window (at most `scan`).
  private dens: Float64Array;
  /** Where each kind of forward's causes come from (AttackInput.causeClasses); null when not given. */
  private readonly causes: NonNullable<AttackInput['causeClasses']> | null;
  /** Expansions at parties on watched links, weighed once per row (timing-memo.ts). */
  readonly ex = new Expansions();

  constructor(
    private readonly input: AttackInput,
    /** The size-change law at a hop, when the adversary reads sizes (param `sizes`). */
    private readonly hopSizes: SizeModel | null,
    /** The view's background traffic read in each window (timing-background.ts), shared with the tracer. */
    private readonly bg: BackgroundCauses | null,
    private scan: number,
  ) {
    const { obs, users } = input;
    const inc = incomingIndex(obs, input.hostIp.length);
    this.incoming = inc;
    this.incBytes = new Int32Array(inc.rows.length);
    this.incDevice = new Uint8Array(this.incBytes.length);
    for (let m = 0; m < this.incBytes.length; m++) {
      const j = inc.rows[m];
      this.incBytes[m] = obs.bytes[j];
      this.incDevice[m] = obs.from[j] < users ? 1 : 0;
    }
    this.dens = new Float64Array(scan);
    this.causes = input.causeClasses ?? null;
  }

  /** Sets the scan cap for the next weighings (caps widen per target, param `widen`). */
  setScan(scan: number): void {
    this.scan = scan;
    if (scan > this.dens.length) this.dens = new Float64Array(scan);
  }

  /**
   * Weighs the candidate causes of `row`, which party h forwarded (dwell law `model`, margins `e`),
   * with `budget` rows left for the delivery, into a record of `ex`; returns its id. Resumes the
   * row's record the scan stopped at the largest smaller scan, when there is one (module comment).
   */
  weigh(row: number, h: number, model: DelayModel, e: Margins, budget: number): number {
    const { obs, users } = this.input;
    const inc = this.incoming;
    const t = obs.tTx[row];
    const hi = upperBound(inc.t, inc.start[h], inc.start[h + 1], Math.min(t, t - model.lo + e.lo));
    const full = lowerBound(inc.t, inc.start[h], hi, t - model.hi - e.hi);
    // Work: the most recent rows (shortest dwells) first, in growing chunks, until what the
    // older ones could still weigh is below STOP of the window's mass, or `scan` rows per party
    // (`budget` per delivery) are weighed; past the budget the remaining hypotheses fall back.
    const limit = Math.max(full, hi - this.scan, hi - budget);
    const cap = hi - budget > Math.max(full, hi - this.scan) ? BUDGET : SCAN;
    const f = this.dens;
    const hs = this.hopSizes;
    // Directions: how likely a cause from a device (or from a party) is for this kind of forward.
    const cs = this.causes;
    const ck = cs ? 2 * dwellKind(cs.role[h], obs.to[row] < users) : -1;
    const byClass = cs !== null && ck + 1 < cs.p.length;
    const cls = cs as NonNullable<typeof cs>;
    // The largest factor sizes and directions can give an unweighed row (bounds stay bounds).
    const scale = (byClass ? Math.max(cls.p[ck], cls.p[ck + 1]) : 1) * (hs ? hs.max : 1);
    let sum = 0;
    let top = 0;
    // Background arrivals at h first: their mass is part of the window's, which the adaptive
    // scan below compares what it leaves out against.
    const nbg = this.bg
      ? this.bg.read(h, t - model.hi - e.hi, Math.min(t, t - model.lo + e.lo), hs, obs.bytes[row])
      : 0;
    if (nbg > 0) {
      const { data, reader, dens } = this.bg as BackgroundCauses;
      for (let k = 0; k < nbg; k++) {
        const d = reader.outD[k];
        let v = density(model, t - reader.outT[k], e);
        if (byClass && v > 0) v *= cls.p[ck + (data.from[d] < users ? 1 : 0)];
        if (hs && v > 0) v *= hs.p(obs.bytes[row] - data.bytes[d]);
        dens[k] = v;
        sum += v;
        if (v > top) top = v;
      }
    }
    const scanned = this.bg?.scanned === true;
    const ex = this.ex;
    // A record stopped at scan s ≤ hi − limit ran the chunks this weighing runs up to its clamped
    // one (module comment); its read was not scanned, nor is this one (same early return).
    const src = scanned ? -1 : ex.resumable(row, hi - limit);
    let lo = hi;
    let step = CHUNK;
    if (src >= 0) {
      lo = hi - ex.resRows[src];
      step = ex.resStep[src];
      sum = ex.resSum[src];
      top = ex.resTop[src];
    }
    // Rows of the records before `src`'s clamped chunk: their children are the record's.
    const srcLo = lo;
    // The state at the start of the last chunk run, what a weighing at a larger scan resumes from.
    let cLo = lo;
    let cStep = step;
    let cSum = sum;
    let cTop = top;
    let bound = 0;
    const rowBytes = obs.bytes[row];
    const { incBytes, incDevice } = this;
    for (; ; step *= 2) {
      cLo = lo;
      cStep = step;
      cSum = sum;
      cTop = top;
      const next = Math.max(limit, lo - step);
      densityRun(model, e, t, inc.t, next, lo, f, hi - 1);
      for (let m = next; m < lo; m++) {
        let v = f[hi - 1 - m];
        if (byClass && v > 0) v *= cls.p[ck + incDevice[m]];
        if (hs && v > 0) v *= hs.p(rowBytes - incBytes[m]);
        f[hi - 1 - m] = v;
        sum += v;
        if (v > top) top = v;
      }
      lo = next;
      if (lo === full) break;
      bound = densityBound(model, e, t - inc.t[lo - 1], t - inc.t[full]) * scale;
      if (lo === limit || cutShare(lo - full, bound, sum) <= STOP) break;
    }
    const cut = lo > full ? (lo === limit ? cap : SCAN) : NO_CUT;
    ex.open();
    // Kept children before the last chunk's start (what a resumption skips of this record's).
    let before = 0;
    // Kept as the trace applies them; nothing when the window weighs nothing (sum not > 0).
    if (sum > 0) {
      const least = top * NEGLIGIBLE;
      for (let m = lo; m < srcLo; m++)
        if (f[hi - 1 - m] > least) {
          ex.add(inc.rows[m], f[hi - 1 - m]);
          if (m < cLo) before++;
        }
      if (src >= 0) {
        // The pool may grow (and move) while adding: index it afresh each time.
        const k1 = ex.start[src] + ex.kids[src];
        for (let k = ex.start[src] + ex.resKids[src]; k < k1; k++) if (ex.v[k] > least) ex.add(ex.ref[k], ex.v[k]);
      }
      ex.backgrounds();
      if (nbg > 0) {
        const { data, reader, dens } = this.bg as BackgroundCauses;
        for (let k = 0; k < nbg; k++) if (dens[k] > least) ex.add(data.origin[reader.outD[k]], dens[k]);
      }
    }
    // The weighing read `budget` only through `limit`; when that is max(full, hi − scan) it is the
    // same for every budget ≥ min(hi − full, scan), and the record is kept for the row.
    const free = limit === Math.max(full, hi - this.scan);
    const share = cut === NO_CUT ? 0 : cutShare(lo - full, bound, sum);
    // The scans it is the same under (a free weighing reads `scan` only through `limit` and the
    // background read): the chunks are the same under any scan ≥ hi − lo, the rows weighed, unless
    // the scan stopped them (lo = limit > full: a larger scan weighs more); a background read that
    // consulted the reader keeps the `scan` newest crossings, so the record holds for this scan only.
    const stopped = lo === limit && lo > full;
    let scanLo = hi - lo;
    let scanHi = stopped ? this.scan : ANY_SCAN;
    if (scanned) scanLo = scanHi = this.scan;
    const r = ex.close(row, free, scanLo, scanHi, hi - full, nbg + hi - lo, sum, share, cut);
    // Resumable: stopped by the scan alone (free), at hi − scan, with a read the scan did not shape.
    if (stopped && free && !scanned) ex.resumeAt(r, hi - cLo, cStep, before, cSum, cTop);
    return r;
  }
}

/**
 * The fallback spread from one anchor (timing.ts, `spread`) that the scan stopped, resumed at a
 * larger scan as windows are (module comment): the spread weighs the departures before the anchor
 * in the same chunks, and a target widened for its scan spreads from the same anchor again. Kept:
 * the anchor (-1: none), the scan it stopped at, and the state at the start of its last chunk; the
 * densities of the rows before that chunk stay in the caller's buffer for anchor spreads, which only
 * anchor spreads write. Not kept when the background read consulted the reader (scan-shaped).
 */
export class SpreadResume {
  anchor = -1;
  scan = 0;
  rows = 0;
  step = 0;
  sum = 0;
  top = 0;

  /** Whether the last anchor spread can be resumed for `anchor` under `scan` (a larger scan than it stopped at). */
  resumable(anchor: number, scan: number): boolean {
    return anchor === this.anchor && scan > this.scan;
  }

  /** Records the anchor spread just done: resumable from its last chunk if `anchor` ≥ 0, none otherwise. */
  keep(anchor: number, scan: number, rows: number, step: number, sum: number, top: number): void {
    this.anchor = anchor;
    this.scan = scan;
    this.rows = rows;
    this.step = step;
    this.sum = sum;
    this.top = top;
  }
}
