/**
 * Caps that follow the load (timing param `widen`, docs/attacks.md#timing): a target whose
 * posterior the scan, beam or budget cap cut by more than CAP_MASS is scored again from scratch
 * with the caps that cut GROW times wider, each at most `widen` times its configured value, and
 * only while widening still changes the answer: once a round moved the target's posterior by less
 * than MOVED (L1 distance to the previous round's) while the caps cut less than SETTLE_CUT of it,
 * the target keeps that round's scores.
 *
 * Invariants: a target's scores are exactly those of the attack with its last caps fixed (every
 * round scores from scratch, only the last round's scores are kept, and the rule reads nothing but
 * those rounds' posteriors and cuts); so a target's result depends on no other target, nor on the
 * order targets are scored in.
 */
import { CAP_MASS } from './attack.js';
import type { ScoreBuilder } from './util-scores.js';

/** The caps that widen, by index into the tracer's `cut` (timing.ts CAPS; the depth limit does not). */
export const WIDENED = ['scan', 'beam', 'budget'] as const;

/**
 * Each round multiplies the caps that cut by this much (up to the ceiling `widen`). Measured on
 * Session, global observer, 3162 users, widen 32: ×2 31.7 CPU s, ×4 36.4, ×8 37.1, all caps ×4
 * (not only those that cut) 50.3, for the same top1 (0.734–0.735): finer steps stop at smaller caps.
 */
export const GROW = 2;

/**
 * A round that moved the posterior less than this (L1 distance, of 2) ends the widening. Chosen by
 * measurement (per-round logs of every target, widen 32–64, no stopping rule; rounds past the
 * stopping point are exact prefixes, so each rule's result and cost follow from the logs):
 * - default scenario, Signal global observer: rounds after the first cost 5.2 of its 5.6 CPU s
 *   and changed 0.1 % of its tops; stopping at 1e-3 leaves 3.2 s (1e-2: 2.7) at 99.9 % same tops;
 * - Session, global observer, 3162 users (every target, widen 64): 1e-3 keeps every top (46.2 of
 *   46.4 CPU s), while 3e-3 / 1e-2 / 3e-2 change 0 / 9 / 25 % of them: Session's caps bind as a
 *   threshold (the budget's cut stays ~1 for doublings until the trace fits, then drops to ~0),
 *   so its posteriors hardly move for rounds before they change;
 * - the same shape rules out stopping a cap whose doubling did not halve its cut (the reviewer's
 *   observation for the beam): Session widen 32 top1 0.735 → 0.513, at 12.8 instead of 39.6
 *   CPU s; only the beam (cut kept above 3/4): 0.733 at 35.5 s.
 */
export const MOVED = 1e-3;

/**
 * A round that did not move the posterior settles the target only while the caps cut less than
 * this of it (the widened caps' cuts summed, as bounds). A trace the caps cut (almost) whole
 * leaves the posterior to the end-to-end fallback, which no cap changes: two such rounds give the
 * same posterior (moved exactly 0) however close the next doubling is to letting the trace through.
 * Small cap-bound worlds (test/attacks/timing-widen.test.ts) show scan ×1 → ×2 moving 0 and ×4
 * moving 1.2 to the true sender; without this guard the rule lost 129 true tops to the attack
 * without it and won 105 (45 600 targets, widen 64), with it 25 and 8.
 */
export const SETTLE_CUT = 0.5;

/** What the widening needs of the tracer: caps to set, a target to score, and what the caps cut. */
export interface CapScorer {
  /** Posterior mass (bound) each cap left out of the last scored target, indexed as WIDENED (more entries may follow). */
  readonly cut: Float64Array;
  setCaps(scan: number, beam: number, budget: number): void;
  score(anchor: number): void;
}

/**
 * Called after every scoring round of every target (tests and diagnostics; never in results):
 * the anchor, each widened cap's factor over its configured value, what the caps cut, and how far
 * the round moved the posterior from the previous round's (NaN for a target's first round).
 */
export type WidenReport = (anchor: number, factors: Int32Array, cut: Float64Array, moved: number) => void;

export class Widener {
  /** This target's factor over the configured cap, per WIDENED. */
  private readonly f = new Int32Array(WIDENED.length);
  private readonly caps: readonly number[];
  /** The previous round's posterior: dense by user (zero elsewhere), and the users it lists. */
  private readonly prev: Float64Array;
  private prevUsers = new Int32Array(64);
  private nPrev = 0;

  constructor(
    private readonly tracer: CapScorer,
    private readonly b: ScoreBuilder,
    users: number,
    scan: number,
    beam: number,
    budget: number,
    private readonly widen: number,
    private readonly report?: WidenReport,
  ) {
    this.caps = [scan, beam, budget];
    this.prev = new Float64Array(users);
  }

  /**
   * Scores `anchor` into the builder (not committed) at the configured caps, then again from
   * scratch while a cap that cut may grow and the last round moved the posterior; leaves the last
   * round's scores in the builder and its cuts in `tracer.cut`. Nothing carries over between targets.
   */
  trace(anchor: number): void {
    const { f, caps, tracer, widen } = this;
    const { cut } = tracer;
    f.fill(1);
    this.forget();
    for (let round = 0; ; round++) {
      tracer.setCaps(caps[0] * f[0], caps[1] * f[1], caps[2] * f[2]);
      tracer.score(anchor);
      let grows = false;
      for (let k = 0; k < WIDENED.length; k++) grows ||= cut[k] > CAP_MASS && f[k] < widen;
      // The first round's posterior is kept only when a second may follow; a later round's
      // distance is measured when it decides whether to go on (or is reported).
      let moved = Number.NaN;
      if (round === 0) {
        if (grows) this.move();
      } else if (grows || this.report) moved = this.move();
      this.report?.(anchor, f, cut, moved);
      let cutAll = 0;
      for (let k = 0; k < WIDENED.length; k++) cutAll += cut[k];
      if (!grows || (moved < MOVED && cutAll < SETTLE_CUT)) return;
      for (let k = 0; k < WIDENED.length; k++)
        if (cut[k] > CAP_MASS && f[k] < widen) f[k] = Math.min(widen, f[k] * GROW);
      this.b.clear();
    }
  }

  /** Clears the kept posterior. */
  private forget(): void {
    for (let k = 0; k < this.nPrev; k++) this.prev[this.prevUsers[k]] = 0;
    this.nPrev = 0;
  }

  /**
   * L1 distance between the builder's current posterior (evidence normalised) and the kept one,
   * which it then replaces. 0 between two empty posteriors, 1 from or to an empty one.
   */
  private move(): number {
    const { b, prev } = this;
    const n = b.touchedCount;
    let total = 0;
    for (let k = 0; k < n; k++) total += b.evidence(b.touchedUser(k));
    let d = 0;
    if (n === 0 || this.nPrev === 0) d = n === this.nPrev ? 0 : 1;
    else {
      for (let k = 0; k < n; k++) {
        const u = b.touchedUser(k);
        d += Math.abs(b.evidence(u) / total - prev[u]);
      }
      for (let k = 0; k < this.nPrev; k++) {
        const u = this.prevUsers[k];
        if (b.evidence(u) === 0) d += prev[u];
      }
    }
    this.forget();
    if (this.prevUsers.length < n) this.prevUsers = new Int32Array(Math.max(n, 2 * this.prevUsers.length));
    for (let k = 0; k < n; k++) {
      const u = b.touchedUser(k);
      prev[u] = b.evidence(u) / total;
      this.prevUsers[k] = u;
    }
    this.nPrev = n;
    return d;
  }
}
