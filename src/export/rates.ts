/**
 * Message rates per sweep cell and design item, for the viewer's anonymity-trilemma panel
 * (chart g): how many real and cover messages each user sends per second. They come from the
 * resolved cell scenarios (not from the simulation), are recorded in manifest.json as `rates` and
 * inlined into report.html next to the CSVs. Not part of any CSV.
 *
 * - `realPerUserPerS`: the workload's offered rate of real messages per user,
 *   `(rate · R + groups.count · groups.rate / users) · f`, where R counts replies (each message is
 *   answered with probability p, replies too: R = 1 + p + p² + … up to the number of think times that
 *   fit in the duration) and f is the fraction of time a user is online (1 for `online.model: always`,
 *   mean(on) / (mean(on) + mean(off)) for `sessions`, since traffic is thinned to online periods).
 * - `coverPerUserPerS`: the design item's cover messages per user, `(coverRate + loopRate + dropRate) · f`
 *   over whichever of those rate parameters it has (`coverRate` for the messenger countermeasure,
 *   `loopRate`/`dropRate` for the Loopix-style mixnet); 0 when it has none. With slots (the
 *   messengers' `coverMode: slots` over `coverRate`, the mixnet's `payloadRate`) every slot sends
 *   a message, real or dummy, so the slot rate λ adds `max(0, λ · f − real)` dummies instead.
 */
import type { Scenario } from '../scenario/types.js';
import { cell } from './format.js';

/** Design parameters (rates per user per ns) counted as cover traffic. */
export const COVER_PARAMS = ['coverRate', 'loopRate', 'dropRate'] as const;

export interface DesignRates {
  /** Design item name (the `design` column of the CSVs). */
  name: string;
  realPerUserPerS: number;
  coverPerUserPerS: number;
}

export interface CellRates {
  /** Sweep cell index (the order of cells in summary.csv / aggregate.csv). */
  cell: number;
  /** The cell's swept values exactly as written in the CSV columns, in `keys` order. */
  values: string[];
  designs: DesignRates[];
}

export interface SweepRates {
  unit: 'messages per user per second';
  /** Swept key paths (the CSV's sweep columns). */
  keys: string[];
  cells: CellRates[];
}

const NS_PER_S = 1e9;

/** Six significant digits: enough for a chart, and stable text in manifest.json. */
function round6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : 0;
}

/** Fraction of the time a user is online. */
export function onlineFraction(s: Scenario): number {
  const o = s.workload.online;
  if (o.model !== 'sessions') return 1;
  const on = o.on.mean;
  const off = o.off.mean;
  return on + off > 0 && Number.isFinite(on + off) ? on / (on + off) : 1;
}

/** Expected messages per original 1:1 message, replies (and replies to replies) included. */
export function replyFactor(s: Scenario): number {
  const p = s.workload.replyProbability;
  if (!(p > 0)) return 1;
  const think = s.workload.thinkTime.mean;
  // A chain cannot be longer than the think times that fit in the run.
  const depth = think > 0 && Number.isFinite(think) ? Math.max(1, Math.floor(s.duration / think)) : 1000;
  return p >= 1 ? depth + 1 : (1 - p ** (depth + 1)) / (1 - p);
}

/** Real messages per user per second of a resolved scenario's workload. */
export function realPerUserPerS(s: Scenario): number {
  const w = s.workload;
  const perNs = w.rate * replyFactor(s) + (w.users > 0 ? (w.groups.count * w.groups.rate) / w.users : 0);
  return perNs * onlineFraction(s) * NS_PER_S;
}

/** Cover messages per user per second of one design item of a resolved scenario. */
export function coverPerUserPerS(s: Scenario, designIndex: number): number {
  const params = s.designs[designIndex]?.params ?? {};
  const slotParam = params.coverMode === 'slots' ? 'coverRate' : 'payloadRate';
  let perNs = 0;
  for (const k of COVER_PARAMS) {
    const v = params[k];
    if (k !== slotParam && typeof v === 'number' && v > 0) perNs += v;
  }
  const cover = perNs * onlineFraction(s) * NS_PER_S;
  const slots = params[slotParam];
  if (!(typeof slots === 'number' && slots > 0)) return cover;
  return cover + Math.max(0, slots * onlineFraction(s) * NS_PER_S - realPerUserPerS(s));
}

/**
 * Rates of every sweep cell (as numbered by the run: `cells[i].cell`) and design item. `sweep` are
 * the cell's swept values, formatted like the CSV's sweep columns so the viewer can match them.
 */
export function sweepRates(
  cells: readonly { cell: number; sweep: readonly (string | number | boolean)[]; scenario: Scenario }[],
  keys: readonly string[],
): SweepRates {
  return {
    unit: 'messages per user per second',
    keys: [...keys],
    cells: cells.map((c) => {
      const real = round6(realPerUserPerS(c.scenario));
      return {
        cell: c.cell,
        values: c.sweep.map((v) => cell(v)),
        designs: c.scenario.designs.map((d, i) => ({
          name: d.name,
          realPerUserPerS: real,
          coverPerUserPerS: round6(coverPerUserPerS(c.scenario, i)),
        })),
      };
    }),
  };
}
