/**
 * Per-delivery timing correlation. For target i the adversary asks which departure from a
 * user device explains the payload it saw at the anchor row a, and scores each user by the
 * posterior mass of the departures that could be theirs (users behind one address share it).
 * Method and assumptions: docs/attacks.md#timing.
 *
 * Trace (param `trace`, default on) — a beam search backwards from the anchor, one hop at a
 * time. A hypothesis is (row, probability that this row carried the payload):
 * - row leaves a user device ⇒ terminal: its mass goes to the users at that address (never
 *   to the recipient itself: a path back to its own device, e.g. its poll, is not a send);
 * - the adversary holds the forwarding party ⇒ it knows the cause: follow `prev` exactly;
 * - the view watches the party's links without holding it (a link observer, e.g. global
 *   passive) ⇒ every incoming row c there with tRx(c) in [tTx(row) − dwell.hi, tTx(row) − dwell.lo]
 *   (and tRx(c) ≤ tTx(row)) is a possible cause, with probability ∝ dwell.pdf(tTx(row) − tRx(c))
 *   (uniform prior over the incoming rows, normalised at each branching); with `dwell: per-kind`
 *   the law is the one for the party's role and whether `row` goes to a device or a party;
 * - otherwise the chain is lost there (unheld party whose other links are not watched, a held
 *   party that reports no cause, no incoming row fits the dwell model, or the row left before
 *   x − endToEnd.hi, when no sender's departure can be behind it).
 * The beam keeps the `beam` most probable hypotheses per hop (a row reached twice is one
 * hypothesis; pruned mass is dropped and the result renormalised) and stops after MAX_DEPTH
 * hops (remaining mass counts as lost). Work budget: at most `scan` rows per window (the most
 * recent, i.e. shortest delays) and `budget` rows per delivery; past it hypotheses are lost.
 * Caps follow the load (param `widen`, timing-widen.ts): a target whose posterior scan, beam or
 * budget cut by more than CAP_MASS is scored again from scratch with those caps doubled, until none
 * cuts more, each has grown `widen`-fold, or a round no longer moves a posterior the caps cut less
 * than half of; its scores are the attack's with its last caps fixed, and `caps` counts the
 * targets still cut then.
 *
 * Fallback — mass lost anywhere is spread by the end-to-end model: every row leaving a user
 * device with tTx in [x − endToEnd.hi, x − endToEnd.lo] (and ≤ x), x = tRx(anchor), gets
 * probability ∝ endToEnd.pdf(x − tTx) (the `scan` most recent such rows). This is the marginal
 * law of (anchor sighting − sender's departure) over all anchored deliveries, so it is right
 * as a marginal but ignores what the trace learnt before it broke. With `fallback: break`, mass
 * lost where the exact chain breaks is spread the same way from the break row's time by the law
 * of (break row − departure) instead. With `trace: false` only the fallback runs.
 *
 * Densities are read robustly (`density`): the histogram's edges are extended by a few
 * expected sampling gaps and a floor of one calibration sample's worth replaces empty bins.
 *
 * Every row used is at or before the anchor sighting. The primary anchor is almost always
 * sighted by the delivery time, and causalTop is then the scores' unique argmax; when it is a
 * copy sighted later, causalTop is the argmax of a trace from the best anchor sighted by then.
 */

import { readParams } from '../params/typed.js';
import {
  type AttackInput,
  type AttackModule,
  type AttackResult,
  CAP_MASS,
  type DelayModel,
  dwellKind,
  type SizeModel,
} from './attack.js';
import { type BackgroundCauses, backgroundCauses } from './timing-background.js';
import { Beam } from './timing-beam.js';
import { density, densityBound, densityRun, type Margins, margins } from './timing-laws.js';
import { NO_CUT } from './timing-memo.js';
import { TIMING_PARAMS } from './timing-params.js';
import { CHUNK, cutShare, NEGLIGIBLE, SpreadResume, STOP, Weigher } from './timing-weigh.js';
import { Widener, type WidenReport } from './timing-widen.js';
import { lowerBound, type TimeIndex, timeIndex, upperBound } from './util-index.js';
import { ScoreBuilder } from './util-scores.js';

const MAX_DEPTH = 64;
/** Calibration samples a kind of forward needs for a dwell law of its own (param `dwell: per-kind`). */
const MIN_KIND_SAMPLES = 30;

/** The work caps whose cuts are counted (AttackResult.caps), by index into Tracer.cut. */
const CAPS = ['scan', 'beam', 'budget', 'depth'] as const;
// The first three are the caps that widen, in timing-widen.ts's WIDENED order.
const SCAN = 0;
const BEAM = 1;
const BUDGET = 2;
const DEPTH = 3;

/**
 * True when the view sees rows between parties it does not hold: it watches links, so the
 * incoming rows at every party are visible (a view made of held parties only sees rows with
 * a held end). AttackInput carries no explicit flag for this.
 */
function watchesLinks(input: AttackInput): boolean {
  const { obs } = input;
  for (let j = 0; j < obs.length; j++) if (obs.heldFrom[j] === 0 && obs.heldTo[j] === 0) return true;
  return false;
}

class Tracer {
  /**
   * Weighs windows at parties on watched links and keeps them (timing-weigh.ts); null when the
   * view watches no links or `trace` is off.
   */
  private readonly weigher: Weigher | null;
  private readonly departures: TimeIndex;
  /**
   * Per departure: the row's bytes and sending host, laid out beside the index's times so that
   * weighing a window reads sequential arrays instead of gathering from the whole log (cache
   * misses were most of a candidate's cost at 10^4 users).
   */
  private readonly depBytes: Int32Array;
  private readonly depHost: Int32Array;
  private readonly links: boolean;
  private readonly trace: boolean;
  private readonly dwellEdges: Margins;
  /** Per-kind dwell laws and their margins (param `dwell: per-kind`), indexed by dwellKind; null = pooled. */
  private readonly kinds: { role: Uint8Array; models: DelayModel[]; edges: Margins[] } | null;
  private readonly e2eEdges: Margins;
  /** Departure-to-break law and margins (param `fallback: break`); null = spread lost mass from the anchor. */
  private readonly fromBreak: { model: DelayModel; edges: Margins } | null;
  // Hypotheses lost where the exact chain breaks (row, mass), spread from there when fromBreak is set.
  private bRow = new Int32Array(64);
  private bW = new Float64Array(64);
  private nb = 0;
  /** The beam search's frontier and the children of its current level. */
  private readonly level: Beam;
  // Densities of the departures in the current fallback window (at most `scan`): the anchor's
  // spread in `aDens` (kept for resumption while `resume` names the anchor), a break row's in `dens`.
  private dens: Float64Array;
  private aDens: Float64Array;
  private readonly resume = new SpreadResume();
  // End-to-end size-change law, when the adversary reads sizes (param `sizes`).
  private readonly e2eSizes: SizeModel | null;
  /** Posterior mass (bound) each cap left out of the current target, by CAPS index. */
  readonly cut = new Float64Array(CAPS.length);
  /**
   * The view's background traffic (keepalives, empty polls, PINGs, /sync long-polls), read in the
   * windows the trace weighs (timing-background.ts). Null when the view has none or the observer
   * stripped it (`background`).
   */
  private readonly bg: BackgroundCauses | null;

  constructor(
    private readonly input: AttackInput,
    private readonly b: ScoreBuilder,
    trace: boolean,
    beam: number,
    private scan: number,
    private budget: number,
    sizes: boolean,
    perKind: boolean,
    fromBreak: boolean,
  ) {
    const { obs, users } = input;
    this.dwellEdges = margins(input.dwell);
    const byKind = perKind ? input.dwellByKind : undefined;
    if (byKind) {
      // A kind seen too rarely to have a law of its own is weighed by the pooled one.
      const models = byKind.models.map((m) => (m && m.samples >= MIN_KIND_SAMPLES ? m : input.dwell));
      this.kinds = { role: byKind.role, models, edges: models.map(margins) };
    } else this.kinds = null;
    this.e2eEdges = margins(input.endToEnd);
    const fb = fromBreak ? input.fromBreak : undefined;
    this.fromBreak = fb && fb.samples > 0 ? { model: fb, edges: margins(fb) } : null;
    this.level = new Beam(beam);
    this.links = trace && watchesLinks(input);
    this.departures = timeIndex(obs.tTx, obs.length, (j) => obs.from[j] < users);
    const dep = this.departures.rows;
    this.depBytes = new Int32Array(dep.length);
    this.depHost = new Int32Array(dep.length);
    for (let k = 0; k < dep.length; k++) {
      this.depBytes[k] = obs.bytes[dep[k]];
      this.depHost[k] = obs.from[dep[k]];
    }
    this.trace = trace;
    this.dens = new Float64Array(scan);
    this.aDens = new Float64Array(scan);
    this.e2eSizes = sizes && input.endToEndSizes?.samples ? input.endToEndSizes : null;
    this.bg = backgroundCauses(input, scan);
    const hopSizes = sizes && input.hopSizes?.samples ? input.hopSizes : null;
    this.weigher = this.links ? new Weigher(input, hopSizes, this.bg, scan) : null;
  }

  /**
   * Sets the work caps for the next `score` (they widen per target, param `widen`). A score
   * depends on its caps alone: the memo replays a record only under a scan it was proved for.
   */
  setCaps(scan: number, beam: number, budget: number): void {
    this.scan = scan;
    this.budget = budget;
    this.level.setWidth(beam);
    if (scan > this.dens.length) this.dens = new Float64Array(scan);
    if (scan > this.aDens.length) {
      const a = new Float64Array(scan);
      a.set(this.aDens);
      this.aDens = a;
    }
    this.bg?.setScan(scan);
    this.weigher?.setScan(scan);
  }

  /** Scores one anchored target into the builder (does not commit); `cut` holds what the caps left out. */
  score(anchor: number): void {
    const { obs, endToEnd } = this.input;
    const x = obs.tRx[anchor];
    this.nb = 0;
    this.cut.fill(0);
    const lost = this.trace ? this.walk(anchor, x) : 1;
    if (lost > 0) this.spread(endToEnd, this.e2eEdges, x, lost, anchor);
    const fb = this.fromBreak;
    if (fb) for (let k = 0; k < this.nb; k++) this.spread(fb.model, fb.edges, obs.tTx[this.bRow[k]], this.bW[k], -1);
  }

  /** A hypothesis lost where the exact chain breaks: kept to be spread from the break row (fallback: break). */
  private lostAtBreak(row: number, w: number): void {
    if (this.nb === this.bRow.length) {
      const r = new Int32Array(this.nb * 2);
      r.set(this.bRow);
      const x = new Float64Array(this.nb * 2);
      x.set(this.bW);
      this.bRow = r;
      this.bW = x;
    }
    this.bRow[this.nb] = row;
    this.bW[this.nb++] = w;
  }

  /** Beam search from the anchor; returns the mass that could not be traced to a device. */
  private walk(anchor: number, x: number): number {
    const { obs, users, dwell, endToEnd } = this.input;
    // Every row of the true chain left at or after the sender's departure, which the end-to-end
    // model puts no earlier than x − endToEnd.hi: older hypotheses cannot be the payload.
    const oldest = endToEnd.samples > 0 ? x - endToEnd.hi - this.e2eEdges.hi : Number.NEGATIVE_INFINITY;
    let lost = 0;
    let budget = this.budget;
    let nf = 1;
    const { level } = this;
    const { fRow, fW } = level;
    fRow[0] = anchor;
    fW[0] = 1;
    for (let depth = 0; nf > 0; depth++) {
      if (depth === MAX_DEPTH) {
        for (let k = 0; k < nf; k++) lost += fW[k];
        for (let k = 0; k < nf; k++) this.cut[DEPTH] += fW[k];
        break;
      }
      for (let k = 0; k < nf; k++) {
        const row = fRow[k];
        const w = fW[k];
        const h = obs.from[row];
        if (h < users) {
          // A path back to the recipient's own device (e.g. its poll) is not a send to it.
          this.b.addIp(h, w);
          continue;
        }
        if (obs.tTx[row] < oldest) {
          lost += w;
          continue;
        }
        const p = obs.prev[row];
        if (p >= 0 && p < row) {
          level.push(p, w);
          continue;
        }
        let model = dwell;
        let e = this.dwellEdges;
        const kinds = this.kinds;
        if (kinds) {
          const k = dwellKind(kinds.role[h], obs.to[row] < users);
          if (k < kinds.models.length) {
            model = kinds.models[k];
            e = kinds.edges[k];
          }
        }
        if (obs.heldFrom[row] === 1 || !this.links || model.samples === 0) {
          if (this.fromBreak) this.lostAtBreak(row, w);
          else lost += w;
          continue;
        }
        if (budget <= 0) {
          lost += w;
          this.cut[BUDGET] += w;
          continue;
        }
        // Unheld party on watched links: candidate causes among its incoming rows, weighed once
        // per row while the budget does not bind (timing-memo.ts), and applied with this mass.
        const wg = this.weigher as Weigher;
        const { ex } = wg;
        let r = ex.find(row, this.scan);
        if (r < 0 || budget < Math.min(ex.span[r], this.scan)) r = wg.weigh(row, h, model, e, budget);
        budget -= ex.used[r];
        if (ex.cap[r] !== NO_CUT) this.cut[ex.cap[r]] += w * ex.share[r];
        const sum = ex.sum[r];
        if (!(sum > 0)) {
          lost += w;
          continue;
        }
        const s1 = ex.start[r] + ex.kids[r];
        for (let k = ex.start[r]; k < s1; k++) level.push(ex.ref[k], (w * ex.v[k]) / sum);
        // A background cause ends the hypothesis at the device whose periodic exchange it is (a
        // periodic flow is followed link by link to its source; it carries no payload onward).
        for (let k = s1; k < s1 + ex.bgs[r]; k++) this.b.addIp(ex.ref[k], (w * ex.v[k]) / sum);
      }
      nf = level.next();
      this.cut[BEAM] += level.pruned;
    }
    return lost;
  }

  /**
   * Spreads `mass` over departures from user devices by `model`, the law of (x − departure):
   * the end-to-end model from x = tRx(anchor), or the departure-to-break model from the break
   * row's time. `sizeRow` ≥ 0 also weighs size changes up to that row (anchor only).
   */
  private spread(model: DelayModel, e: Margins, x: number, mass: number, sizeRow: number): void {
    const { obs } = this.input;
    if (model.samples === 0) return;
    const d = this.departures;
    const hi = upperBound(d.t, 0, d.t.length, Math.min(x, x - model.lo + e.lo));
    const full = lowerBound(d.t, 0, hi, x - model.hi - e.hi);
    // Work: the most recent departures (shortest delays) first, in growing chunks, as in `walk`.
    const limit = Math.max(full, hi - this.scan);
    const f = sizeRow >= 0 ? this.aDens : this.dens;
    const es = sizeRow >= 0 ? this.e2eSizes : null;
    const anchorBytes = es ? obs.bytes[sizeRow] : 0;
    const scale = es ? es.max : 1;
    let sum = 0;
    let top = 0;
    // Background departures from devices (polls, keepalives) are candidate sends as well.
    const nbg = this.bg
      ? this.bg.read(-1, x - model.hi - e.hi, Math.min(x, x - model.lo + e.lo), es, es ? obs.bytes[sizeRow] : 0)
      : 0;
    if (nbg > 0) {
      const { data, reader, dens } = this.bg as BackgroundCauses;
      for (let k = 0; k < nbg; k++) {
        let v = density(model, x - reader.outT[k], e);
        if (es && v > 0) v *= es.p(obs.bytes[sizeRow] - data.bytes[reader.outD[k]]);
        dens[k] = v;
        sum += v;
        if (v > top) top = v;
      }
    }
    // The anchor's spread the scan stopped at a smaller scan ran these chunks up to its last one,
    // whose start it kept (timing-weigh.ts, SpreadResume): go on from there, bit for bit.
    const scanned = this.bg?.scanned === true;
    const rs = this.resume;
    let lo = hi;
    let step = CHUNK;
    if (sizeRow >= 0 && !scanned && rs.resumable(sizeRow, this.scan)) {
      lo = hi - rs.rows;
      step = rs.step;
      sum = rs.sum;
      top = rs.top;
    }
    let cLo = lo;
    let cStep = step;
    let cSum = sum;
    let cTop = top;
    let bound = 0;
    for (; ; step *= 2) {
      cLo = lo;
      cStep = step;
      cSum = sum;
      cTop = top;
      const next = Math.max(limit, lo - step);
      densityRun(model, e, x, d.t, next, lo, f, hi - 1);
      for (let k = next; k < lo; k++) {
        let v = f[hi - 1 - k];
        if (es && v > 0) v *= es.p(anchorBytes - this.depBytes[k]);
        f[hi - 1 - k] = v;
        sum += v;
        if (v > top) top = v;
      }
      lo = next;
      if (lo === full) break;
      bound = densityBound(model, e, x - d.t[lo - 1], x - d.t[full]) * scale;
      if (lo === limit || cutShare(lo - full, bound, sum) <= STOP) break;
    }
    if (sizeRow >= 0) {
      const stopped = lo === limit && lo > full && !scanned;
      rs.keep(stopped ? sizeRow : -1, this.scan, hi - cLo, cStep, cSum, cTop);
    }
    if (lo > full) this.cut[SCAN] += mass * cutShare(lo - full, bound, sum);
    if (!(sum > 0)) return;
    const least = top * NEGLIGIBLE;
    for (let k = lo; k < hi; k++)
      if (f[hi - 1 - k] > least) this.b.addIp(this.depHost[k], (mass * f[hi - 1 - k]) / sum);
    if (nbg > 0) {
      const { data, reader, dens } = this.bg as BackgroundCauses;
      for (let k = 0; k < nbg; k++)
        if (dens[k] > least) this.b.addIp(data.from[reader.outD[k]], (mass * dens[k]) / sum);
    }
  }
}

/** The attack; `report` sees every scoring round of every target (tests of the widening schedule). */
export function runTiming(input: AttackInput, report?: WidenReport): AttackResult {
  // beam, scan, budget and widen are integers ≥ 1 (their specs' min, enforced by the scenario layer).
  const { trace, beam, scan, budget, widen, sizes, dwell, fallback } = readParams(TIMING_PARAMS, input.params);
  // Every candidate is listed: the posterior is bounded by the work caps, not folded at a count.
  const b = new ScoreBuilder(input, input.targets.count, Number.POSITIVE_INFINITY);
  const perKind = dwell === 'per-kind';
  const fromBreak = fallback === 'break';
  const tracer = new Tracer(input, b, trace, beam, scan, budget, sizes, perKind, fromBreak);
  const { cut } = tracer;
  const widener = new Widener(tracer, b, input.users, scan, beam, budget, widen, report);
  const { targets } = input;
  // Targets whose posterior each cap cut by more than CAP_MASS (AttackResult.caps), at their last caps.
  const capped = new Int32Array(CAPS.length);
  for (let i = 0; i < targets.count; i++) {
    const a = targets.anchor[i];
    // A primary anchor sighted after the delivery (a late copy) answers for the scores; the
    // causal top comes from the best anchor sighted by then (the same one almost always).
    const c = targets.causalAnchor ? targets.causalAnchor[i] : a;
    let top = -1;
    if (c !== a) {
      if (c >= 0) widener.trace(c);
      top = b.uniqueArgmax();
      b.clear();
    }
    if (a >= 0) {
      widener.trace(a);
      for (let k = 0; k < CAPS.length; k++) if (cut[k] > CAP_MASS) capped[k]++;
    }
    b.commit(i, c === a ? b.uniqueArgmax() : top);
  }
  const caps: Record<string, number> = {};
  for (let k = 0; k < CAPS.length; k++) if (capped[k] > 0) caps[CAPS[k]] = capped[k];
  return { ...b.result(), caps };
}

export const timing: AttackModule = {
  id: 'timing',
  summary:
    'per-delivery timing correlation: traces the payload back hop by hop (exact where a party is held, by the dwell model where links are watched), else matches departures by the end-to-end delay model',
  params: TIMING_PARAMS,
  // The pipeline builds what timing's parameters call for; it never reads them itself.
  needs: (p) => ({ laws: readParams(TIMING_PARAMS, p).calibration === 'independent-run' ? 'independent-run' : 'run' }),
  run: (input) => runTiming(input),
};
