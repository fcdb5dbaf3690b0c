/**
 * Parameters shared by the windowed attacks (flow, disclosure): the window widths, the ingress
 * shift and the list bounds.
 */
import { bool, duration, int, oneOf, readParams } from '../../params/typed.js';
import type { AttackInput, DelayModel } from '../attack.js';

type Params = AttackInput['params'];

export const SHIFTS = ['min', 'median', 'mean', 'none'] as const;
export type ShiftRule = (typeof SHIFTS)[number];

/**
 * Mean and median of a delay model (a histogram density) by midpoint integration over
 * [lo, hi]. Both are 0 without a model.
 */
export function delayStats(m: DelayModel, steps = 4096): { mean: number; median: number } {
  if (m.samples === 0 || !(m.hi > m.lo)) return { mean: 0, median: 0 };
  const dx = (m.hi - m.lo) / steps;
  const mass = new Float64Array(steps);
  let total = 0;
  let first = 0;
  for (let i = 0; i < steps; i++) {
    const x = m.lo + (i + 0.5) * dx;
    mass[i] = m.pdf(x) * dx;
    total += mass[i];
    first += x * mass[i];
  }
  if (!(total > 0)) return { mean: 0, median: 0 };
  let cum = 0;
  let median = m.hi;
  for (let i = 0; i < steps; i++) {
    if (cum + mass[i] >= total / 2) {
      median = m.lo + (i + (total / 2 - cum) / mass[i]) * dx;
      break;
    }
    cum += mass[i];
  }
  return { mean: first / total, median };
}

/**
 * The shift s subtracted from ingress times. The share of a flow's packets that land in the same
 * window on both sides is E[(1 − |D − s|/W)⁺]. Default 'min', the smallest end-to-end delay the
 * adversary measured (the model's lo, exact): delays are one-sided above it, as in V14, and it is
 * immune to the long store-and-forward tail. The median would maximise the overlap when the spread
 * fits in a window, but the model is a histogram over [min, max], so with offline tails of hours
 * its bins are seconds wide and the median (and the mean, dragged by the tail) lands seconds off;
 * on the default scenario 'median' cost a global observer of SimpleX nearly all of its flow signal
 * (top-1 0.31 with 'min', 0.001 with 'median'). Never negative.
 */
export function delayShift(m: DelayModel, rule: ShiftRule): number {
  if (rule === 'none') return 0;
  if (rule === 'min') return m.samples > 0 ? Math.max(0, m.lo) : 0;
  const s = delayStats(m);
  return Math.max(0, rule === 'mean' ? s.mean : s.median);
}

export const SHIFT_PARAM = oneOf('shift', SHIFTS, {
  default: 'min',
  description:
    "Delay subtracted from ingress times: the minimum, median or mean of the adversary's end-to-end model, or none",
  source:
    'Levine et al. 2004 (shift by the known delay); min: exact and tail-proof, whereas the histogram median is only ' +
    'resolved to one bin of the log-spaced model (see delayShift)',
});

export const PAIR_TOP_PARAM = int('pairTop', {
  default: 256,
  min: 1,
  description: 'Pair scores kept per recipient (best first, ties kept; at least listTop); the rest score 0',
  source: '[assumption] memory bound: 10 000 users → ≤ 2.6 M pairs',
});

export const LIST_TOP_PARAM = int('listTop', {
  default: 128,
  min: 5,
  description: 'Candidates listed per target (best first, ties kept); the rest score base = 0',
  source: '[assumption] top-k exact for k ≤ listTop; entropy a lower bound when cut',
});

/** The list bounds: per-target lists come from the pair lists, so those keep at least listTop entries. */
export function listBounds(p: Params): { pairKeep: number; listTop: number } {
  const { pairTop, listTop } = readParams([PAIR_TOP_PARAM, LIST_TOP_PARAM], p);
  return { pairKeep: Math.max(pairTop, listTop), listTop };
}

export const DELIVERY_TIMING_PARAM = bool('deliveryTiming', {
  default: true,
  description:
    "Score each delivery's candidates by their pair score times the delivery's own timing: the end-to-end " +
    "delay model's density at the delay from each of the candidate's departures to the delivery's anchor " +
    "sighting, per departure of the candidate (false: every delivery to R is ranked by R's pair scores alone)",
  source:
    "the Poisson (Palm) likelihood ratio f(delay)/rate of each departure, as in the timing attack's end-to-end " +
    'fallback (Danezis, PET 2004; docs/attacks-flow-disclosure.md): per-delivery top1 then means the same for every attack',
});

/** Flow's window width W (flow.ts). */
export const WINDOW_PARAM = duration('window', {
  default: '5s',
  description: 'Window width W of the interval counts',
  source:
    '[assumption] tuned to the widest delivery spread among the modelled designs, Session 5 s polls: ' +
    'ρ·√K peaks at 1.5 × spread for dense flows and lower for sparse ones; on the default scenario 5 s beats ' +
    '2 s and 10 s for Session and 10 s for every design (docs/attacks-flow-disclosure.md)',
});

/** Disclosure's SDA round length E (disclosure.ts). */
export const EPOCH_PARAM = duration('epoch', {
  default: '5s',
  description: 'Round length E of the SDA',
  source:
    '[assumption] rounds must hold the delivery spread (Session polls every 5 s) yet stay short, since the rounds ' +
    'needed grow with the background per round: the flow-window trade-off, same default (measured on the default scenario)',
});

/**
 * Window width and ingress shift of a windowed attack's series for these parameters (`window`
 * for flow, `epoch` for disclosure): what the pipeline's correlation figures bin by, read here so
 * the pipeline never reads attack parameters.
 */
export function seriesOptions(params: Params, endToEnd: DelayModel): { width: number; shift: number } {
  const p = readParams([WINDOW_PARAM, EPOCH_PARAM, SHIFT_PARAM], params);
  // Flow's parameters hold `window`, disclosure's `epoch` (each filled by the scenario layer).
  return { width: params.window !== undefined ? p.window : p.epoch, shift: delayShift(endToEnd, p.shift) };
}
