/**
 * Virtual time is an integer number of nanoseconds held in a `number` (exact up to 2^53 ns,
 * about 104 days). Durations and rates come from scenario strings with units.
 */
import { InputError, suggest } from './errors.js';

export const NS = 1;
export const US = 1e3;
export const MS = 1e6;
export const SEC = 1e9;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

const UNITS: Record<string, number> = {
  ns: NS,
  us: US,
  µs: US,
  ms: MS,
  s: SEC,
  sec: SEC,
  min: MIN,
  m: MIN,
  h: HOUR,
  hr: HOUR,
  d: DAY,
  day: DAY,
};

/** Spelled-out units people write, mapped to ours, for `did you mean …?` only (never accepted). */
const UNIT_WORDS: Record<string, string> = {
  nanosecond: 'ns',
  microsecond: 'us',
  millisecond: 'ms',
  msec: 'ms',
  second: 's',
  minute: 'min',
  hour: 'h',
  day: 'd',
};

/** The unit we accept that `unit` most likely means (`mins` → `min`, `seconds` → `s`), or undefined. */
export function nearUnit(unit: string): string | undefined {
  const u = unit.toLowerCase();
  const singular = u.endsWith('s') && u.length > 2 ? u.slice(0, -1) : u;
  for (const w of [u, singular]) {
    if (UNITS[w] !== undefined && w !== u) return w;
    if (UNIT_WORDS[w] !== undefined) return UNIT_WORDS[w];
  }
  return suggest(u, Object.keys(UNITS));
}

export const DURATION_FORM = 'a number with a unit, e.g. "50ms", "1.5 s", "10min", "2h", "1d"';
export const RATE_FORM = 'N/<unit> or 1/<duration>, e.g. "1/10min", "6/h", "0.5/s"';

/** Parses "50 ms", "1.5s", "10min", "2h", "1d" into integer nanoseconds. Bare 0 is allowed. */
export function parseDuration(text: string | number, path = ''): number {
  if (typeof text === 'number') {
    if (text === 0) return 0;
    throw new InputError(`bare number ${text} has no unit`, path, DURATION_FORM);
  }
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-zµ]+)?\s*$/i.exec(text);
  if (!m) throw new InputError(`"${text}" is not a duration`, path, DURATION_FORM);
  const value = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  if (unit === undefined) {
    if (value === 0) return 0;
    throw new InputError(`"${text}" has no unit`, path, DURATION_FORM);
  }
  const scale = UNITS[unit];
  if (scale === undefined) {
    const near = nearUnit(unit);
    const hint = near ? ` (did you mean "${m[1]}${near}"?)` : '';
    throw new InputError(`unknown time unit "${m[2]}" in "${text}"${hint}`, path, DURATION_FORM);
  }
  return Math.round(value * scale);
}

/** Parses "1/10min" (one per ten minutes), "6/h", "0.5/s" into events per nanosecond. */
export function parseRate(text: string | number, path = ''): number {
  if (typeof text === 'number') {
    if (text === 0) return 0;
    throw new InputError(`bare number ${text} is not a rate`, path, RATE_FORM);
  }
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*\/\s*(.+?)\s*$/.exec(text);
  if (!m) throw new InputError(`"${text}" is not a rate`, path, RATE_FORM);
  const count = Number(m[1]);
  let per: number;
  const unitOnly = m[2].toLowerCase();
  if (UNITS[unitOnly] !== undefined) per = UNITS[unitOnly];
  else {
    try {
      per = parseDuration(m[2], path);
    } catch {
      const unit = /([a-zµ]+)\s*$/i.exec(m[2])?.[1];
      const near = unit ? nearUnit(unit) : undefined;
      const fixed = near && unit ? `${text.slice(0, text.lastIndexOf(unit)).replace(/\s+$/, '')}${near}` : '';
      const hint = fixed ? ` (did you mean "${fixed}"?)` : '';
      throw new InputError(`"${text}" has an unknown time unit "${m[2]}"${hint}`, path, RATE_FORM);
    }
  }
  if (!(count >= 0)) throw new InputError(`rate "${text}" is negative`, path, RATE_FORM);
  if (!(per > 0)) throw new InputError(`rate "${text}" divides by zero time`, path, RATE_FORM);
  return count / per;
}

/** Shortest exact rendering with the largest unit that keeps an integer-ish value. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  for (const [u, s] of [
    ['d', DAY],
    ['h', HOUR],
    ['min', MIN],
    ['s', SEC],
    ['ms', MS],
    ['us', US],
  ] as const) {
    if (Math.abs(ns) >= s && Number.isInteger(Math.round((ns / s) * 1e6) / 1e6)) {
      const v = Math.round((ns / s) * 1e6) / 1e6;
      if (Number.isInteger(v * 1000)) return `${v}${u}`;
    }
  }
  return `${ns}ns`;
}
