/**
 * The widening schedule of the timing attack (param `widen`, src/attacks/timing-widen.ts) as
 * docs/attacks.md states it, re-derived here from single-target runs with fixed caps (widen 1):
 * the caps that cut more than CAP_MASS double for the next round, each up to `widen` times its
 * configured value, until none may grow or a round moved the target's posterior (its listed
 * scores) by less than 1e-3 in L1 distance from the previous round's while the caps cut less than
 * half of it. The tests compare the
 * widened attack's scores for a target with the fixed-cap run at the caps this schedule ends at.
 */
import type { AttackResult } from '../../src/attacks/attack.js';

export const WIDENED = ['scan', 'beam', 'budget'] as const;
export type Factors = Record<(typeof WIDENED)[number], number>;

/** The documented thresholds: a cap cuts when it leaves out more than 0.1 %; a round moves when ≥ 0.1 % (L1). */
const CAP_MASS = 1e-3;
const MOVED = 1e-3;
/** ... unless the caps still cut at least half of it (summed): an unmoved fallback says nothing then. */
const SETTLE_CUT = 0.5;

/** One fixed-cap run of one target, and what each cap cut of its posterior (WIDENED order). */
export interface FixedRun {
  result: AttackResult;
  cut: ArrayLike<number>;
}

export interface Schedule {
  /** The run at the last caps. */
  last: FixedRun;
  /** Factors over the configured caps at the end. */
  f: Factors;
  /** True when the schedule ended because a round did not move the posterior while a cap could still grow. */
  settled: boolean;
  /** Rounds scored. */
  rounds: number;
}

/** L1 distance between target 0's listed posteriors in two results (0 between empty ones, 1 to or from an empty one). */
export function distance(a: AttackResult, b: AttackResult): number {
  const list = (r: AttackResult) => {
    const { offsets, cand, score } = r.perTarget;
    const m = new Map<number, number>();
    for (let k = offsets[0]; k < offsets[1]; k++) m.set(cand[k], score[k]);
    return m;
  };
  const p = list(a);
  const q = list(b);
  if (p.size === 0 || q.size === 0) return p.size === q.size ? 0 : 1;
  let d = 0;
  for (const [u, v] of p) d += Math.abs(v - (q.get(u) ?? 0));
  for (const [u, v] of q) if (!p.has(u)) d += v;
  return d;
}

/** Follows the schedule for one target: `at(f)` scores it alone with the configured caps × f, widen 1. */
export function widenSchedule(widen: number, at: (f: Factors) => FixedRun): Schedule {
  const f: Factors = { scan: 1, beam: 1, budget: 1 };
  let before: FixedRun | null = null;
  for (let rounds = 1; ; rounds++) {
    const run = at(f);
    const grow = WIDENED.filter((k, i) => run.cut[i] > CAP_MASS && f[k] < widen);
    const cutAll = WIDENED.reduce((t, _k, i) => t + run.cut[i], 0);
    const settled =
      before !== null && grow.length > 0 && cutAll < SETTLE_CUT && distance(run.result, before.result) < MOVED;
    if (grow.length === 0 || settled) return { last: run, f: { ...f }, settled, rounds };
    for (const k of grow) f[k] = Math.min(widen, f[k] * 2);
    before = run;
  }
}
