/**
 * Pure helpers of the trade-off chart (g): the message rates a run records per sweep cell and
 * design (src/export/rates.ts, inlined as `rates`), the Pareto front of (cost, top1), and the
 * anonymity-trilemma bound of Das, Meiser, Mohammadi and Kate (IEEE S&P 2018).
 *
 * The trilemma: with ℓ rounds of latency overhead, β cover and p′ real messages per user per round,
 * strong anonymity against a global passive adversary needs 2ℓ(β + p′) ≥ 1. In continuous time
 * the round length cancels: with L seconds of latency and r = real + cover messages per user per
 * second, it needs 2·L·r ≥ 1, so the region r < 1/(2L) is where strong anonymity is impossible.
 * No DOM here, so Node tests import it directly.
 */
import type { AggRow, Cell, Interval, Model } from './data.js';

/** Messages per user per second of one design item in one sweep cell. */
export interface Rate {
  real: number;
  cover: number;
  /** real + cover. */
  total: number;
}

/** Rates by model cell index, then by design name. */
export type RatesIndex = Map<number, Map<string, Rate>>;

function finiteNonNeg(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * Matches the inlined `rates` block to the viewer's sweep cells (`Model.cells`, numbered by first
 * appearance in summary.csv / aggregate.csv): by the swept values as written in the CSV when the
 * swept keys agree, so an index mismatch can never attach one cell's rates to another. Returns
 * null when there is no usable block (results written before rates existed, or edited CSVs whose
 * sweep no longer matches); entries with a non-numeric or negative rate are dropped.
 */
export function parseRates(raw: unknown, sweepKeys: readonly string[], cells: readonly Cell[]): RatesIndex | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  const keys = Array.isArray(o.keys) ? o.keys.map((k) => (typeof k === 'string' ? k : '')) : null;
  if (!keys || JSON.stringify(keys) !== JSON.stringify(sweepKeys) || !Array.isArray(o.cells)) return null;
  const byValues = new Map(cells.map((c, i) => [JSON.stringify(c.values), i]));
  const index: RatesIndex = new Map();
  for (const c of o.cells) {
    if (!c || typeof c !== 'object') continue;
    const rc = c as Record<string, unknown>;
    if (!Array.isArray(rc.values) || !Array.isArray(rc.designs)) continue;
    const values = rc.values.map((v) => (typeof v === 'string' ? v : String(v)));
    const cell = byValues.get(JSON.stringify(values));
    if (cell === undefined) continue;
    const designs = index.get(cell) ?? new Map<string, Rate>();
    for (const d of rc.designs) {
      if (!d || typeof d !== 'object') continue;
      const rd = d as Record<string, unknown>;
      const real = finiteNonNeg(rd.realPerUserPerS);
      const cover = finiteNonNeg(rd.coverPerUserPerS) ?? (rd.coverPerUserPerS === undefined ? 0 : undefined);
      if (typeof rd.name !== 'string' || real === undefined || cover === undefined) continue;
      designs.set(rd.name, { real, cover, total: real + cover });
    }
    if (designs.size > 0) index.set(cell, designs);
  }
  return index.size > 0 ? index : null;
}

/** Rates of a design in a model cell, or undefined when the run recorded none. */
export function ratesFor(index: RatesIndex | null | undefined, cell: number, design: string): Rate | undefined {
  return index?.get(cell)?.get(design);
}

export interface XY {
  x: number;
  y: number;
}

/**
 * Indices of the points on the Pareto front when both x and y are minimised: those no other point
 * dominates (another point dominates p when it is ≤ p in both and < in at least one). Identical
 * points are all on the front or all off it. Points with a non-finite coordinate are never on it.
 * Returned in order of increasing x (then input order).
 */
export function paretoFront(points: readonly XY[]): number[] {
  const idx = points
    .map((_, i) => i)
    .filter((i) => Number.isFinite(points[i].x) && Number.isFinite(points[i].y))
    .sort((a, b) => points[a].x - points[b].x || points[a].y - points[b].y || a - b);
  const front: number[] = [];
  let best = Number.POSITIVE_INFINITY; // lowest y among points with strictly smaller x
  for (let k = 0; k < idx.length; ) {
    const x = points[idx[k]].x;
    const minY = points[idx[k]].y; // sorted by y within equal x
    let j = k;
    while (j < idx.length && points[idx[j]].x === x) {
      // Only the lowest y at this x can be undominated, and only if nothing further left is as low.
      if (points[idx[j]].y === minY && minY < best) front.push(idx[j]);
      j++;
    }
    best = Math.min(best, minY);
    k = j;
  }
  return front;
}

/**
 * The staircase through front points (sorted by x, y strictly falling): vertices of a step line
 * that goes right from each point at its y and then drops to the next point, continued right to
 * `xEnd` when given. Everything above and to the right of it is dominated.
 */
export function paretoSteps(front: readonly XY[], xEnd?: number): [number, number][] {
  const pts = [...front].sort((a, b) => a.x - b.x || a.y - b.y);
  const out: [number, number][] = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (last) {
      if (p.x === last[0] && p.y === last[1]) continue;
      out.push([p.x, last[1]]);
    }
    out.push([p.x, p.y]);
  }
  const last = out[out.length - 1];
  if (last && xEnd !== undefined && xEnd > last[0]) out.push([xEnd, last[1]]);
  return out;
}

/** The trilemma bound: the least messages per user per second (real + cover) for latency L seconds. */
export function trilemmaBound(latencyS: number): number {
  return latencyS > 0 ? 1 / (2 * latencyS) : Number.POSITIVE_INFINITY;
}

/** Whether (L seconds, r messages/user/s) meets the necessary condition 2·L·r ≥ 1. */
export function trilemmaMet(latencyS: number, rate: number): boolean {
  return 2 * latencyS * rate >= 1;
}

/**
 * Axis domains of the trilemma panel (both log): the points with a factor-2 margin, widened so the
 * curve r = 1/(2L) crosses the panel (if the whole box lay on one side of it, the panel would show
 * no curve at all).
 */
export function trilemmaDomains(points: readonly { latencyS: number; rate: number }[]): {
  x: [number, number];
  y: [number, number];
} {
  const xs = points.map((p) => p.latencyS).filter((v) => v > 0 && Number.isFinite(v));
  const ys = points.map((p) => p.rate).filter((v) => v > 0 && Number.isFinite(v));
  const xLo = xs.length > 0 ? Math.min(...xs) / 2 : 0.01;
  const xHi = xs.length > 0 ? Math.max(...xs) * 2 : 100;
  let yLo = ys.length > 0 ? Math.min(...ys) / 2 : 0.001;
  let yHi = ys.length > 0 ? Math.max(...ys) * 2 : 1;
  // The curve falls with L: its lowest point in the panel is at xHi, its highest at xLo.
  if (trilemmaBound(xHi) >= yHi) yHi = trilemmaBound(xHi) * 4;
  if (trilemmaBound(xLo) <= yLo) yLo = trilemmaBound(xLo) / 4;
  return { x: [xLo, xHi], y: [yLo, yHi] };
}

/**
 * The region r < 1/(2L) inside the box x × y, as polygon vertices in data space (exact on log-log
 * axes, where the curve is a straight line of slope −1): the box's bottom edge, then the curve
 * clamped to the box. Empty when the curve lies below the box.
 */
export function boundRegion(x: [number, number], y: [number, number]): [number, number][] {
  const [xLo, xHi] = x;
  const [yLo, yHi] = y;
  if (trilemmaBound(xLo) <= yLo) return [];
  const clamp = (v: number) => Math.min(yHi, Math.max(yLo, v));
  const breaks = [xLo, xHi, 1 / (2 * yHi), 1 / (2 * yLo)].filter((v) => v >= xLo && v <= xHi).sort((a, b) => a - b);
  const xsOnCurve = breaks.filter((v, i) => i === 0 || v !== breaks[i - 1]);
  return [[xLo, yLo], ...xsOnCurve.map((v): [number, number] => [v, clamp(trilemmaBound(v))]), [xHi, yLo]];
}

/** The bound curve r = 1/(2L) clipped to the box, as its two end points (a line on log-log axes), or null. */
export function boundSegment(x: [number, number], y: [number, number]): [[number, number], [number, number]] | null {
  const a = Math.max(x[0], 1 / (2 * y[1]));
  const b = Math.min(x[1], 1 / (2 * y[0]));
  if (!(a < b)) return null;
  return [
    [a, trilemmaBound(a)],
    [b, trilemmaBound(b)],
  ];
}

/** Whether a positive range spans more than one decade (then the chart uses a log axis). */
export function spansDecade(values: readonly number[]): boolean {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length < 2 || v.some((x) => x <= 0)) return false;
  return Math.max(...v) / Math.min(...v) > 10;
}

/** One point of the trade-off chart: a design in a sweep cell, for one adversary × attack. */
export interface TradeoffPoint {
  design: string;
  cell: number;
  cellLabel: string;
  users: number;
  top1: Interval;
  latencyMs: Interval;
  bytes: Interval;
  /** Messages per user per second, when the run recorded rates. */
  rate?: Rate;
}

const NO_INTERVAL: Interval = { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };

/** Every sweep cell × design of the chosen adversary × attack that has a top1 value. */
export function tradeoffPoints(model: Model, adversary: string, attack: string): TradeoffPoint[] {
  return model.aggregate
    .filter((r: AggRow) => r.adversary === adversary && r.attack === attack && Number.isFinite(r.m.top1?.mean))
    .map((r) => {
      const p: TradeoffPoint = {
        design: r.design,
        cell: r.cell,
        cellLabel: model.cells[r.cell]?.label ?? 'all',
        users: r.users,
        top1: r.m.top1,
        latencyMs: r.m.latency_p50_ms ?? NO_INTERVAL,
        bytes: r.m.bytes_per_message ?? NO_INTERVAL,
      };
      const rate = ratesFor(model.rates, r.cell, r.design);
      if (rate) p.rate = rate;
      return p;
    });
}
