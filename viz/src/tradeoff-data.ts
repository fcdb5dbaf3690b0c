/**
 * Pure helpers of the trade-off chart (g): the message rates a run records per sweep cell and
 * design (src/export/rates.ts, inlined as `rates`), the Pareto front of (cost, top1) over all
 * points and per design, each design's baseline cell and the cost added on top of it, and the
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
  /** The swept values of the cell as written in the CSV (in `Model.sweepKeys` order; [] without a sweep). */
  cellValues: string[];
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
        cellValues: model.cells[r.cell]?.values ?? [],
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

/**
 * Whether a swept value, as written in the CSV, means "this countermeasure is off": a number equal
 * to zero with an optional unit or rate suffix ("0", "0.0", "-0", "0s", "0 ms", "0/s", "0/min",
 * "0%", "0B", "0e3"), or one of the words false, off, none, no, disabled (any case). Anything else,
 * including the empty string, is not.
 */
export function isZeroLike(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['false', 'off', 'none', 'no', 'disabled'].includes(v)) return true;
  return /^[+-]?(?:0+(?:\.0*)?|\.0+)(?:e[+-]?\d+)?\s*(?:[a-zµ%]+)?(?:\s*\/\s*[a-zµ]*)?$/.test(v);
}

/**
 * Each design's own Pareto front (paretoFront over that design's points only): indices into
 * `points`, in order of increasing x, by design in order of first appearance. A design gets an
 * entry exactly when it has at least one point with finite x and y.
 */
export function frontsByDesign<T extends { design: string }>(
  points: readonly T[],
  xy: (p: T) => XY,
): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  points.forEach((p, i) => {
    const { x, y } = xy(p);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const g = groups.get(p.design);
    if (g) g.push(i);
    else groups.set(p.design, [i]);
  });
  const out = new Map<string, number[]>();
  for (const [design, idx] of groups) {
    const front = paretoFront(idx.map((i) => xy(points[i])));
    out.set(
      design,
      front.map((k) => idx[k]),
    );
  }
  return out;
}

/**
 * How a design's baseline cell was chosen: 'deployed' when every swept value of the cell is
 * zero-like (every swept countermeasure off; vacuously so without a sweep), 'cheapest' when the
 * design has no such cell with a value and its lowest-cost cell is used instead.
 */
export type BaselineKind = 'deployed' | 'cheapest';

export interface Baseline {
  /** Index into the points of the baseline cell. */
  index: number;
  kind: BaselineKind;
}

/**
 * Each design's baseline for one cost: among the design's points with a finite cost, those whose
 * swept values are all zero-like (isZeroLike) if there are any ('deployed'), else all of them
 * ('cheapest'); of these, the one with the lowest cost (ties: lower cell index, then input order).
 * Designs without any finite cost get no entry.
 */
export function designBaselines<T extends { design: string; cell: number; cellValues: readonly string[] }>(
  points: readonly T[],
  cost: (p: T) => number,
): Map<string, Baseline> {
  const byDesign = new Map<string, number[]>();
  points.forEach((p, i) => {
    if (!Number.isFinite(cost(p))) return;
    const g = byDesign.get(p.design);
    if (g) g.push(i);
    else byDesign.set(p.design, [i]);
  });
  const out = new Map<string, Baseline>();
  for (const [design, idx] of byDesign) {
    const zero = idx.filter((i) => points[i].cellValues.every(isZeroLike));
    const kind: BaselineKind = zero.length > 0 ? 'deployed' : 'cheapest';
    const pool = zero.length > 0 ? zero : idx;
    const best = pool.reduce((a, b) => {
      const d = cost(points[b]) - cost(points[a]) || points[b].cell - points[a].cell || b - a;
      return d < 0 ? b : a;
    });
    out.set(design, { index: best, kind });
  }
  return out;
}

/**
 * Cost added on top of each design's baseline (designBaselines): cost(p) − cost(baseline of p's
 * design), so the baseline itself is 0. Negative when a cell is cheaper than its design's
 * 'deployed' baseline (measurement noise, or a countermeasure that lowers the per-message cost);
 * never negative for a 'cheapest' baseline. NaN where the cost is not finite.
 */
export function addedCosts<T extends { design: string; cell: number; cellValues: readonly string[] }>(
  points: readonly T[],
  cost: (p: T) => number,
): { added: number[]; baselines: Map<string, Baseline> } {
  const baselines = designBaselines(points, cost);
  const added = points.map((p) => {
    const b = baselines.get(p.design);
    const v = cost(p);
    return b && Number.isFinite(v) ? v - cost(points[b.index]) : Number.NaN;
  });
  return { added, baselines };
}

/** An x axis for added costs: symlog (constant `constant`) with `ticks`, or linear. */
export interface AddedAxis {
  kind: 'symlog' | 'linear';
  /** The symlog constant: values within about ±constant are drawn linearly around 0. */
  constant: number;
  domain: [number, number];
  /** Tick values for the symlog axis (0 always included); empty for a linear axis (d3 picks them). */
  ticks: number[];
}

const symT = (v: number, c: number) => Math.sign(v) * Math.log1p(Math.abs(v) / c);
const symInv = (t: number, c: number) => Math.sign(t) * c * Math.expm1(Math.abs(t));

/**
 * The x axis of an added-cost panel. 0 (the baselines) is always inside the domain, with a margin
 * so that points on it are not drawn on the y axis. When the non-zero |values| span more than a
 * decade the axis is symlog, with constant = max(smallest non-zero |value|, largest |value| / 1000)
 * (so it shows at most about three decades and differences far below the largest added cost sit
 * at 0), and ticks at 0 and ±10^k (±1·10^k and ±3·10^k when that gives fewer than 3 ticks; when
 * values are negative but no −10^k fits, the first of −{1, 2, 3, 5}·10^k that does) at least
 * `minGapPx` apart over `widthPx`. Otherwise it is linear.
 */
export function addedAxis(values: readonly number[], widthPx = 300, minGapPx = 28): AddedAxis {
  const v = values.filter((x) => Number.isFinite(x));
  const lo = Math.min(0, ...v);
  const hi = Math.max(0, ...v);
  const nonZero = v.filter((x) => x !== 0).map(Math.abs);
  if (!spansDecade(nonZero)) {
    const span = hi - lo || 1;
    return { kind: 'linear', constant: 1, domain: [lo - 0.05 * span, hi + 0.06 * span], ticks: [] };
  }
  const maxAbs = Math.max(...nonZero);
  const c = Math.max(Math.min(...nonZero), maxAbs / 1000);
  const tLo = symT(lo, c);
  const tHi = symT(hi, c);
  const pad = 0.05 * (tHi - tLo);
  const domain: [number, number] = [symInv(tLo - pad, c), symInv(tHi + pad, c)];
  const px = (x: number) => ((symT(x, c) - (tLo - pad)) / (tHi - tLo + 2 * pad)) * widthPx;
  const side = (sign: 1 | -1, mults: number[]) => {
    const kMin = Math.floor(Math.log10(c)) - 1;
    const kMax = Math.ceil(Math.log10(maxAbs)) + 1;
    const out: number[] = [];
    let last = px(0);
    for (let k = kMin; k <= kMax; k++)
      for (const mult of mults) {
        const t = sign * Number((mult * 10 ** k).toPrecision(12));
        if (t < domain[0] || t > domain[1] || Math.abs(px(t) - last) < minGapPx) continue;
        out.push(t);
        last = px(t);
      }
    return out;
  };
  // Powers of ten; half decades (1, 3) when that leaves fewer than 3 ticks; on the negative side,
  // which is often short (only noise below the baselines), 1, 2, 3, 5 when nothing else fits.
  let pos = side(1, [1]);
  let neg = side(-1, [1]);
  if (pos.length + neg.length < 2) {
    pos = side(1, [1, 3]);
    neg = side(-1, [1, 3]);
  }
  if (neg.length === 0 && lo < 0) neg = side(-1, [1, 2, 3, 5]);
  const ticks = [0, ...pos, ...neg].sort((a, b) => a - b);
  return { kind: 'symlog', constant: c, domain, ticks };
}
