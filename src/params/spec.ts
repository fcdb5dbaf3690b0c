/**
 * How a tunable value is declared, domain-free: designs, attacks, adversary kinds and the
 * scenario's own keys all describe their parameters with these specs, and one checker
 * (`scenario/fields.ts`) resolves them with the same messages. Nothing here knows what a
 * messenger is, so every layer may import it without an import cycle.
 */
import type { Dist } from '../core/dist.js';

/** One tunable parameter, documented where it is defined (feeds `anonsim list` and docs). */
export interface ParamSpec {
  name: string;
  type: 'int' | 'number' | 'fraction' | 'bool' | 'duration' | 'dist' | 'rate' | 'enum';
  default: string | number | boolean;
  /** Unit of the value as written in a scenario (e.g. "nodes", "bytes", "duration"). */
  unit?: string;
  values?: readonly string[];
  min?: number;
  /** The lower bound is exclusive (value > min), e.g. durations that must be positive. */
  minExclusive?: boolean;
  max?: number;
  description: string;
  /** Where the default comes from (spec, code, paper) or "[assumption]". */
  source: string;
}

/** A scenario key: a parameter spec that may also be a free string. */
export interface FieldSpec extends Omit<ParamSpec, 'type'> {
  type: ParamSpec['type'] | 'string';
}

// The phantom key: never present at run time, it only carries the value type T.
declare const VALUE: unique symbol;

/**
 * A `FieldSpec` named `N` whose resolved value has type `T` (durations: ns, rates: per ns), as the
 * builders of typed.ts make it. A plain `FieldSpec` is a `Field` of any name and `Resolved` value.
 */
export type Field<N extends string = string, T = Resolved> = FieldSpec & {
  readonly name: N;
  readonly [VALUE]?: T;
};

const TIME_UNITS = new Set(['duration', 'ns', 'us', 'ms', 's', 'min', 'h', 'd']);

/**
 * Whether a `dist` spec takes durations or plain numbers: durations when its `unit` is absent,
 * `duration` or a time unit ("30ms"), plain numbers for any other unit (e.g. `bytes`).
 */
export function distUnit(spec: { unit?: string }): 'duration' | 'number' {
  return spec.unit === undefined || TIME_UNITS.has(spec.unit) ? 'duration' : 'number';
}

/** A value once resolved: durations in ns, rates per ns, distributions parsed. */
export type Resolved = number | boolean | string | Dist;

/**
 * What a module's resolver needs of the scenario checker: resolve one value by its spec, typed
 * as the spec's value (problems recorded at `path`, undefined when invalid), and report problems
 * or warnings.
 */
export interface ValueReader {
  value<T = Resolved>(spec: Field<string, T>, v: unknown, path: string): T | undefined;
  error(path: string, message: string, expected: string, hint?: string): void;
  warn(path: string, message: string, advice?: string): void;
}
