/**
 * Typed builders for parameter specs, and the one reader that turns a module's resolved
 * parameters into a typed object. A module declares each parameter once —
 * `int('beam', { default: 32, min: 1, … })` — and the result is both the plain spec that
 * `anonsim list`, docs/scenario.md and the JSON Schema read (no key added, none reordered) and,
 * as a phantom type, the type of its value, so `readParams(PARAMS, given)` returns
 * `ParamsOf<typeof PARAMS>` with every default applied from the spec and nowhere else, and the
 * scenario checker's `value(SPEC, …)` (`ValueReader`) returns the spec's value type. The scenario's
 * own keys and the adversary kinds' keys are built here too; only they may be free `text`.
 *
 * Domain-free like spec.ts: nothing here knows what an attack or a design is.
 */
import { type Dist, parseDist } from '../core/dist.js';
import { InputError } from '../core/errors.js';
import { parseDuration, parseRate } from '../core/time.js';
import { distUnit, type Field, type FieldSpec, type ParamSpec, type Resolved } from './spec.js';

export type { Field } from './spec.js';

/** A `ParamSpec` named `N` whose resolved value has type `T` (durations: ns, rates: per ns). */
export type Param<N extends string = string, T = Resolved> = ParamSpec & Field<N, T>;

/** The resolved values of a list of typed specs: `{ [name]: value }`. */
export type ParamsOf<P extends readonly Field[]> = {
  [K in P[number] as K['name']]: K extends Field<string, infer T> ? T : never;
};

/** A spec whose default is written as its value (numbers, booleans, names), so code may read it typed. */
type Plain<S, T> = S & { readonly default: T };

/** What every spec documents: its meaning, where its default comes from, and its unit if any. */
interface Doc {
  description: string;
  source: string;
  unit?: string;
}

interface Bounds {
  min?: number;
  /** `min` is exclusive (value > min); the checker and the docs say so. */
  minExclusive?: boolean;
  max?: number;
}

/** The spec in ParamSpec's key order, without absent keys (so generated docs stay byte-identical). */
function spec<N extends string, T, Ty extends FieldSpec['type'], D extends FieldSpec['default']>(
  name: N,
  type: Ty,
  o: Doc & Bounds & { default: D; values?: readonly string[] },
): Field<N, T> & { readonly type: Ty; readonly default: D } {
  const out: FieldSpec = {
    name,
    type,
    default: o.default,
    ...(o.unit !== undefined && { unit: o.unit }),
    ...(o.values !== undefined && { values: o.values }),
    ...(o.min !== undefined && { min: o.min }),
    ...(o.minExclusive !== undefined && { minExclusive: o.minExclusive }),
    ...(o.max !== undefined && { max: o.max }),
    description: o.description,
    source: o.source,
  };
  return out as Field<N, T> & { readonly type: Ty; readonly default: D };
}

/** An integer parameter. */
export function int<N extends string>(name: N, o: Doc & Bounds & { default: number }): Plain<Param<N, number>, number> {
  return spec(name, 'int', o);
}

/** A real-valued parameter. */
export function num<N extends string>(name: N, o: Doc & Bounds & { default: number }): Plain<Param<N, number>, number> {
  return spec(name, 'number', o);
}

/** A fraction in [0, 1] (the checker's bounds unless narrowed). */
export function fraction<N extends string>(
  name: N,
  o: Doc & Bounds & { default: number },
): Plain<Param<N, number>, number> {
  return spec(name, 'fraction', o);
}

export function bool<N extends string>(name: N, o: Doc & { default: boolean }): Plain<Param<N, boolean>, boolean> {
  return spec(name, 'bool', o);
}

/**
 * A duration written with a unit ("5s"); resolved to ns. Bounds are in ns; `unit` is 'duration'
 * unless given, and absent when given as undefined (the scenario's own duration and warmup,
 * whose docs name no unit).
 */
export function duration<N extends string>(name: N, o: Doc & Bounds & { default: string }): Param<N, number> {
  return spec(name, 'duration', 'unit' in o ? o : { ...o, unit: 'duration' });
}

/** A rate written "N/unit" or "1/duration"; resolved to events per ns. Bounds are per ns. */
export function rate<N extends string>(name: N, o: Doc & Bounds & { default: string }): Param<N, number> {
  return spec(name, 'rate', o);
}

/**
 * A value or distribution ("30ms", "exp(30s)"); resolved to a `Dist`. Its parameters are durations
 * when `unit` is a time unit or 'duration' (the default here), plain numbers otherwise (`distUnit`).
 */
export function dist<N extends string>(name: N, o: Doc & { default: string }): Param<N, Dist> {
  return spec(name, 'dist', { ...o, unit: o.unit ?? 'duration' });
}

/** One of the listed names; the value's type is their union. */
export function oneOf<N extends string, const V extends readonly string[]>(
  name: N,
  values: V,
  o: Doc & { default: V[number] },
): Plain<Param<N, V[number]>, V[number]> {
  return spec(name, 'enum', { ...o, values });
}

/**
 * Free text (a scenario or adversary name): a non-empty line of at most 100 characters. Scenario
 * keys only: a design or attack parameter is never free text, so this is a `Field`, not a `Param`.
 */
export function text<N extends string>(name: N, o: Doc & { default: string }): Plain<Field<N, string>, string> {
  return spec(name, 'string', o);
}

/**
 * The typed parameters of `specs` from `given`: a value present is taken as resolved (the scenario
 * layer, src/scenario/fields.ts, has already checked its kind and bounds and resolved it: a duration
 * to ns, a rate to per ns, a distribution to a `Dist`); text is still accepted where tests write it
 * ("7s", "1/min", "exp(30s)") and parsed by the parsers the checker uses. An absent value is the
 * spec's default. A value of the wrong kind is a bug in the caller, reported as an input error at
 * `<at><name>`, never a silent fallback. Bounds are not re-checked here: the checker enforces
 * `min`/`max` for every spec.
 */
export function readParams<const P extends readonly Param[]>(
  specs: P,
  given: Readonly<Record<string, unknown>>,
  at = '',
): ParamsOf<P> {
  const out: Record<string, unknown> = {};
  for (const s of specs) out[s.name] = readOne(s, given[s.name] ?? s.default, `${at}${s.name}`);
  return out as ParamsOf<P>;
}

function isDist(v: unknown): v is Dist {
  return typeof v === 'object' && v !== null && typeof (v as Dist).sample === 'function';
}

function readOne(s: ParamSpec, v: unknown, path: string): number | boolean | string | Dist {
  const wrong = (expected: string): never => {
    throw new InputError(`${s.name} must be ${expected}, got ${String(v)}`, path);
  };
  switch (s.type) {
    case 'int':
    case 'number':
    case 'fraction': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) return wrong('a number');
      if (s.type === 'int' && !Number.isInteger(n)) return wrong('an integer');
      return n;
    }
    case 'bool':
      if (v === true || v === 'true') return true;
      if (v === false || v === 'false') return false;
      return wrong('true or false');
    case 'duration':
      if (typeof v === 'number') return v;
      if (typeof v === 'string') return parseDuration(v, path);
      return wrong('a duration');
    case 'rate':
      if (typeof v === 'number') return v;
      if (typeof v === 'string') return parseRate(v, path);
      return wrong('a rate');
    case 'dist':
      if (isDist(v)) return v;
      if (typeof v === 'string' || typeof v === 'number') return parseDist(v, distUnit(s), path);
      return wrong('a distribution');
    case 'enum':
      if (typeof v !== 'string' || !(s.values ?? []).includes(v)) return wrong(`one of ${(s.values ?? []).join(', ')}`);
      return v;
  }
}
