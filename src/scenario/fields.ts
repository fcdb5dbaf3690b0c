/**
 * The hand-written checker behind scenario validation. A `Checker` collects every problem
 * (it never stops at the first) and resolves values by their `FieldSpec` — the same shape
 * as a design's `ParamSpec`, plus `string` and exclusive lower bounds — so top-level keys,
 * workload keys, design parameters and attack parameters share one set of rules and messages.
 *
 * Bounds (`min`/`max`) are in resolved units: plain numbers as written, durations in ns,
 * rates per ns. Distributions whose `unit` is absent, `duration` or a time unit take
 * durations ("30ms"); any other unit (e.g. `bytes`) takes plain numbers.
 */
import { DIST_FORM, parseDist } from '../core/dist.js';
import { InputError, suggest } from '../core/errors.js';
import { formatDuration, parseDuration, parseRate, RATE_FORM } from '../core/time.js';
import { distUnit, type Field, type FieldSpec, type Resolved, type ValueReader } from '../params/spec.js';
import type { PositionLookup, Problem } from './errors.js';
import { isPlainObject, joinPath, type Raw } from './paths.js';

export { distUnit, type FieldSpec, type Resolved } from '../params/spec.js';

/** A value as it appears in a message: numbers bare, strings quoted, containers by kind. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'a mapping';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  return String(v);
}

function bound(spec: FieldSpec, x: number): string {
  if (spec.type === 'duration') return formatDuration(x);
  return String(x);
}

/** Fractions are bounded by [0, 1] unless the spec narrows them. */
function effective(spec: FieldSpec): FieldSpec {
  return spec.type === 'fraction' ? { ...spec, min: spec.min ?? 0, max: spec.max ?? 1 } : spec;
}

/** The `expected …` text for a spec (also used by the docs generator). */
export function expectedText(spec: FieldSpec): string {
  spec = effective(spec);
  const lo = spec.min;
  const hi = spec.max;
  const range = (noun: string): string => {
    if (lo !== undefined && hi !== undefined)
      return `${noun} in ${spec.minExclusive ? '(' : '['}${bound(spec, lo)}, ${bound(spec, hi)}]`;
    if (lo !== undefined) return `${noun} ${spec.minExclusive ? '>' : '≥'} ${bound(spec, lo)}`;
    if (hi !== undefined) return `${noun} ≤ ${bound(spec, hi)}`;
    return noun;
  };
  switch (spec.type) {
    case 'int':
      return range('an integer');
    case 'number':
      return range('a number');
    case 'fraction':
      return range('a fraction');
    case 'bool':
      return 'true or false';
    case 'duration':
      return `${range('a duration')} with a unit (ns us ms s min h d), e.g. "50ms", "10min"`;
    case 'dist':
      return distUnit(spec) === 'duration'
        ? DIST_FORM
        : 'a number or const(x) | uniform(a, b) | exp(mean) | normal(mean, sd) | lognormal(median, sigma) | pareto(scale, shape)';
    case 'rate':
      return RATE_FORM;
    case 'enum':
      return `one of ${(spec.values ?? []).join(' | ')}`;
    case 'string':
      return 'a non-empty string (at most 100 characters, no control characters)';
  }
}

/** A resolved value back as scenario text (durations and rates with units, dists as written). */
export function formatValue(spec: FieldSpec, v: Resolved): string | number | boolean {
  if (typeof v === 'object') return v.text;
  if (spec.type === 'duration' && typeof v === 'number') return formatDuration(v);
  if (spec.type === 'rate' && typeof v === 'number') return formatRate(v);
  return v;
}

const RATE_UNITS: [string, number][] = [
  ['s', 1e9],
  ['min', 60e9],
  ['h', 3600e9],
  ['d', 86400e9],
];

/** Per-ns rate as text that parses back to the same rate: `1/10min` when exact, else `N/h`. */
export function formatRate(perNs: number): string {
  if (perNs === 0) return '0/s';
  const period = Math.round(1 / perNs);
  const asPeriod = `1/${formatDuration(period).replace(/^1(?=[a-z])/, '')}`;
  if (!asPeriod.endsWith('ns') && Math.abs(parseRate(asPeriod) - perNs) <= perNs * 1e-12) return asPeriod;
  // The smallest unit with a count of at least one reads best: 7/h rather than 168/d or 0.00194/s.
  const [u, scale] = RATE_UNITS.find(([, sc]) => perNs * sc >= 1) ?? RATE_UNITS[RATE_UNITS.length - 1];
  return `${Number((perNs * scale).toPrecision(12))}/${u}`;
}

/**
 * `suggest` (edit distance) plus a shared-prefix fallback, so `colluded` → colluding and
 * `timingg` → timing still get a hint when the edit distance is just over the limit.
 */
export function nearMiss(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const s = suggest(word, list);
  if (s !== undefined) return s;
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestLen = 0;
  for (const c of list) {
    const lc = c.toLowerCase();
    let k = 0;
    while (k < w.length && k < lc.length && w[k] === lc[k]) k++;
    if (k > bestLen) {
      bestLen = k;
      best = c;
    }
  }
  return bestLen >= 4 && bestLen >= Math.ceil(0.6 * Math.min(w.length, best?.length ?? 0)) ? best : undefined;
}

export class Checker implements ValueReader {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];

  constructor(
    readonly file: string,
    readonly positions: PositionLookup,
  ) {}

  /** Where `path` is written, else its nearest written ancestor, else 1:1. */
  where(path: string): { file: string; line: number; col: number } {
    let p = path;
    for (;;) {
      const pos = this.positions.get(p);
      if (pos) return { file: pos.file ?? this.file, line: pos.line, col: pos.col };
      const dot = p.lastIndexOf('.');
      if (dot < 0) break;
      p = p.slice(0, dot);
    }
    return { file: this.file, line: 1, col: 1 };
  }

  error(path: string, message: string, expected: string, hint?: string): void {
    this.problems.push({ ...this.where(path), path: path || '(root)', message, expected, hint });
  }

  warn(path: string, message: string, advice = ''): void {
    this.warnings.push({ ...this.where(path), path: path || '(root)', message, expected: advice });
  }

  fromInputError(e: unknown, path: string, expected: string): void {
    if (e instanceof InputError) {
      const m = /^(.*) \(did you mean (.+)\?\)$/.exec(e.message);
      if (m) this.error(path, m[1], e.expected || expected, m[2]);
      else this.error(path, e.message, e.expected || expected);
    } else throw e;
  }

  /**
   * Checks that `v` is a mapping whose keys are all in `allowed`; reports each unknown key with
   * a near-miss suggestion. `otherHome(key)` may explain where an unknown key belongs instead.
   */
  mapping(
    v: unknown,
    path: string,
    allowed: readonly string[],
    what: string,
    otherHome?: (key: string) => string | undefined,
  ): Raw | undefined {
    if (!isPlainObject(v)) {
      this.error(path, `${describeValue(v)} is not a mapping`, what);
      return undefined;
    }
    for (const key of Object.keys(v)) {
      if (allowed.includes(key)) continue;
      const elsewhere = otherHome?.(key);
      const list = allowed.length > 0 ? `one of ${allowed.join(', ')}` : 'no keys here';
      this.error(
        joinPath(path, key),
        elsewhere ? `unknown key "${key}" (${elsewhere})` : `unknown key "${key}"`,
        list,
        nearMiss(key, allowed),
      );
    }
    return v;
  }

  /**
   * Resolves `v` (or the spec's default when absent) by `spec`, typed as the spec's value;
   * undefined after reporting a problem. The one place a value meets its phantom type: the
   * builders of params/typed.ts tie `T` to `spec.type`, and `resolve` returns that type for it.
   */
  value<T = Resolved>(spec: Field<string, T>, v: unknown, path: string): T | undefined {
    return this.resolve(spec, v, path) as T | undefined;
  }

  private resolve(spec: FieldSpec, v: unknown, path: string): Resolved | undefined {
    if (v === undefined) return resolveDefault(spec, path);
    spec = effective(spec);
    const expected = expectedText(spec);
    const fail = (what: string, hint?: string): undefined => {
      this.error(path, what, expected, hint);
      return undefined;
    };
    const inRange = (x: number, shown: string): boolean => {
      if (spec.min !== undefined && (spec.minExclusive ? !(x > spec.min) : !(x >= spec.min))) {
        fail(`${shown} is too small`);
        return false;
      }
      if (spec.max !== undefined && !(x <= spec.max)) {
        fail(`${shown} is too large`);
        return false;
      }
      return true;
    };
    switch (spec.type) {
      case 'int':
      case 'number':
      case 'fraction': {
        if (typeof v !== 'number') return fail(`${describeValue(v)} is not a number`);
        if (!Number.isFinite(v)) return fail(`${v} is not a finite number`);
        if (spec.type === 'int' && !Number.isSafeInteger(v)) return fail(`${v} is not an integer`);
        return inRange(v, String(v)) ? v : undefined;
      }
      case 'bool':
        return typeof v === 'boolean' ? v : fail(`${describeValue(v)} is not a boolean`);
      case 'duration': {
        if (typeof v !== 'string' && typeof v !== 'number') return fail(`${describeValue(v)} is not a duration`);
        let ns: number;
        try {
          ns = parseDuration(v, path);
        } catch (e) {
          this.fromInputError(e, path, expected);
          return undefined;
        }
        if (ns < 0 && (spec.min === undefined || spec.min >= 0)) return fail(`${describeValue(v)} is negative`);
        if (ns === 0 && spec.min === 0 && spec.minExclusive) return fail(`${describeValue(v)} is zero`);
        return inRange(ns, describeValue(v)) ? ns : undefined;
      }
      case 'rate': {
        if (typeof v !== 'string' && typeof v !== 'number') return fail(`${describeValue(v)} is not a rate`);
        let r: number;
        try {
          r = parseRate(v, path);
        } catch (e) {
          this.fromInputError(e, path, expected);
          return undefined;
        }
        return inRange(r, describeValue(v)) ? r : undefined;
      }
      case 'dist': {
        if (typeof v !== 'string' && typeof v !== 'number') return fail(`${describeValue(v)} is not a distribution`);
        try {
          return parseDist(v, distUnit(spec), path);
        } catch (e) {
          this.fromInputError(e, path, expected);
          return undefined;
        }
      }
      case 'enum': {
        const values = spec.values ?? [];
        if (typeof v !== 'string') return fail(`${describeValue(v)} is not one of the allowed names`);
        if (!values.includes(v)) return fail(`unknown value "${v}"`, nearMiss(v, values));
        return v;
      }
      case 'string': {
        if (typeof v !== 'string') return fail(`${describeValue(v)} is not a string`);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
        if (v.trim() === '' || v.length > 100 || /[\u0000-\u001f\u007f]/.test(v))
          return fail(`${describeValue(v)} is not allowed`);
        return v;
      }
    }
  }
}

/**
 * A spec's default, resolved. A default that does not parse is a bug in the module that
 * declared it (not bad input), so it throws a plain Error (exit code 1).
 */
export function resolveDefault(spec: FieldSpec, path = spec.name): Resolved {
  const c = new Checker('(default)', new Map());
  const r = c.value({ ...spec }, spec.default, path);
  if (r === undefined || c.problems.length > 0)
    throw new Error(
      `default of ${path} (${String(spec.default)}) is invalid: ${c.problems.map((p) => p.message).join('; ')}`,
    );
  return r;
}
