/**
 * Per-delivery timing correlation. For target i the adversary asks which departure from a
 * user device explains the payload it saw at the anchor row a, and scores each user by the
 * posterior mass of the departures that could be theirs (users behind one address share it).
 *
 * Trace (param `trace`, default on) — a beam search backwards from the anchor, one hop at a
 * time. A hypothesis is (row, probability that this row carried the payload):
 * - row leaves a user device ⇒ terminal: its mass goes to the users at that address;
 * - the adversary holds the forwarding party ⇒ it knows the cause: follow `prev` exactly;
 * - the view watches the party's links without holding it (a link observer, e.g. global
 *   passive) ⇒ every incoming row c there with tRx(c) in [tTx(row) − dwell.hi, tTx(row) − dwell.lo]
 *   (and tRx(c) ≤ tTx(row)) is a possible cause, with probability ∝ dwell.pdf(tTx(row) − tRx(c))
 *   (uniform prior over the incoming rows, normalised at each branching);
 * - otherwise the chain is lost there (unheld party whose other links are not watched, a held
 *   party that reports no cause, or no incoming row fits the dwell model).
 * The beam keeps the `beam` most probable hypotheses per hop (pruned mass is dropped; the
 * result is renormalised) and stops after MAX_DEPTH hops (remaining mass counts as lost).
 *
 * Fallback — mass lost anywhere is spread by the end-to-end model: every row leaving a user
 * device with tTx in [x − endToEnd.hi, x − endToEnd.lo] (and ≤ x), x = tRx(anchor), gets
 * probability ∝ endToEnd.pdf(x − tTx). This is the marginal law of (anchor sighting − sender's
 * departure) over all anchored deliveries, so it is exact as a marginal but ignores what the
 * trace learnt before it broke (a model conditioned on the break point would be sharper).
 * With `trace: false` only the fallback runs (the plain end-to-end correlator).
 *
 * Every row used is at or before the anchor sighting, itself no later than the delivery, so
 * the scores are causal and causalTop is their unique argmax.
 */
import type { AttackInput, AttackModule, AttackResult } from './attack.js';
import { type HostIndex, incomingIndex, lowerBound, type TimeIndex, timeIndex, upperBound } from './util-index.js';
import { boolParam, numberParam, ScoreBuilder } from './util-scores.js';

const MAX_DEPTH = 64;

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
  private readonly incoming: HostIndex | null;
  private readonly departures: TimeIndex;
  private readonly links: boolean;
  private readonly trace: boolean;
  private readonly beam: number;
  // Frontier and children buffers (row, mass); children grow on demand.
  private fRow: Int32Array;
  private fW: Float64Array;
  private cRow = new Int32Array(256);
  private cW = new Float64Array(256);
  private order = new Int32Array(256);

  constructor(
    private readonly input: AttackInput,
    private readonly b: ScoreBuilder,
    trace: boolean,
    beam: number,
  ) {
    const { obs, users } = input;
    this.beam = beam;
    this.fRow = new Int32Array(beam);
    this.fW = new Float64Array(beam);
    this.links = trace && watchesLinks(input);
    this.incoming = this.links ? incomingIndex(obs, input.hostIp.length) : null;
    this.departures = timeIndex(obs.tTx, obs.length, (j) => obs.from[j] < users);
    this.trace = trace;
  }

  /** Scores one anchored target into the builder (does not commit). */
  score(anchor: number): void {
    const lost = this.trace ? this.walk(anchor) : 1;
    if (lost > 0) this.fallback(this.input.obs.tRx[anchor], lost);
  }

  /** Beam search from the anchor; returns the mass that could not be traced to a device. */
  private walk(anchor: number): number {
    const { obs, users, dwell } = this.input;
    let lost = 0;
    let nf = 1;
    this.fRow[0] = anchor;
    this.fW[0] = 1;
    for (let depth = 0; nf > 0; depth++) {
      if (depth === MAX_DEPTH) {
        for (let k = 0; k < nf; k++) lost += this.fW[k];
        break;
      }
      let nc = 0;
      for (let k = 0; k < nf; k++) {
        const row = this.fRow[k];
        const w = this.fW[k];
        const h = obs.from[row];
        if (h < users) {
          this.b.addIp(h, w);
          continue;
        }
        const p = obs.prev[row];
        if (p >= 0 && p < row) {
          nc = this.push(nc, p, w);
          continue;
        }
        if (obs.heldFrom[row] === 1 || !this.links || dwell.samples === 0) {
          lost += w;
          continue;
        }
        // Unheld party on watched links: candidate causes among its incoming rows.
        const inc = this.incoming as HostIndex;
        const t = obs.tTx[row];
        const lo = lowerBound(inc.t, inc.start[h], inc.start[h + 1], t - dwell.hi);
        const hi = upperBound(inc.t, lo, inc.start[h + 1], Math.min(t, t - dwell.lo));
        let sum = 0;
        for (let m = lo; m < hi; m++) sum += dwell.pdf(t - inc.t[m]);
        if (!(sum > 0)) {
          lost += w;
          continue;
        }
        for (let m = lo; m < hi; m++) {
          const f = dwell.pdf(t - inc.t[m]);
          if (f > 0) nc = this.push(nc, inc.rows[m], (w * f) / sum);
        }
      }
      nf = this.prune(nc);
    }
    return lost;
  }

  private push(nc: number, row: number, w: number): number {
    if (nc === this.cRow.length) {
      const r = new Int32Array(nc * 2);
      r.set(this.cRow);
      const x = new Float64Array(nc * 2);
      x.set(this.cW);
      this.cRow = r;
      this.cW = x;
      this.order = new Int32Array(nc * 2);
    }
    this.cRow[nc] = row;
    this.cW[nc] = w;
    return nc + 1;
  }

  /** Moves the `beam` heaviest children (ties by row, for determinism) into the frontier. */
  private prune(nc: number): number {
    if (nc <= this.beam) {
      this.fRow.set(this.cRow.subarray(0, nc));
      this.fW.set(this.cW.subarray(0, nc));
      return nc;
    }
    const ord = this.order.subarray(0, nc);
    for (let k = 0; k < nc; k++) ord[k] = k;
    const cW = this.cW;
    const cRow = this.cRow;
    ord.sort((a, b) => cW[b] - cW[a] || cRow[a] - cRow[b]);
    for (let k = 0; k < this.beam; k++) {
      this.fRow[k] = cRow[ord[k]];
      this.fW[k] = cW[ord[k]];
    }
    return this.beam;
  }

  /** Spreads `mass` over departures from user devices by the end-to-end model from time x. */
  private fallback(x: number, mass: number): void {
    const { obs, endToEnd } = this.input;
    if (endToEnd.samples === 0) return;
    const d = this.departures;
    const lo = lowerBound(d.t, 0, d.t.length, x - endToEnd.hi);
    const hi = upperBound(d.t, lo, d.t.length, Math.min(x, x - endToEnd.lo));
    let sum = 0;
    for (let k = lo; k < hi; k++) sum += endToEnd.pdf(x - d.t[k]);
    if (!(sum > 0)) return;
    for (let k = lo; k < hi; k++) {
      const f = endToEnd.pdf(x - d.t[k]);
      if (f > 0) this.b.addIp(obs.from[d.rows[k]], (mass * f) / sum);
    }
  }
}

function run(input: AttackInput): AttackResult {
  const trace = boolParam(input.params.trace, true);
  const beam = Math.max(1, Math.floor(numberParam(input.params.beam, 32)));
  const b = new ScoreBuilder(input);
  const tracer = new Tracer(input, b, trace, beam);
  const { targets } = input;
  for (let i = 0; i < targets.count; i++) {
    const a = targets.anchor[i];
    if (a >= 0) tracer.score(a);
    b.commit(i, b.uniqueArgmax());
  }
  return b.result();
}

export const timing: AttackModule = {
  id: 'timing',
  summary:
    'per-delivery timing correlation: traces the payload back hop by hop (exact where a party is held, by the dwell model where links are watched), else matches departures by the end-to-end delay model',
  params: [
    {
      name: 'trace',
      type: 'bool',
      default: true,
      description: 'trace hop by hop before falling back to the end-to-end model (false: end-to-end model only)',
      source: '[design choice] hop-by-hop likelihood tracing, after Danezis 2004 (continuous-time mixes)',
    },
    {
      name: 'beam',
      type: 'int',
      default: 32,
      min: 1,
      unit: 'hypotheses',
      description: 'most probable partial paths kept per hop while tracing',
      source: '[assumption] speed/accuracy trade-off; results are insensitive above ~16 in the validation runs',
    },
  ],
  run,
};
