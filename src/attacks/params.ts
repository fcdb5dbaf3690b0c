/**
 * Reading an attack's parameters from a resolved scenario: a value of the wrong kind is an input
 * error naming `attackParams.<name>`, never a silent fallback.
 */
import { InputError } from '../core/errors.js';
import { parseDuration } from '../core/time.js';
import type { AttackInput } from './attack.js';

type Params = AttackInput['params'];

/** A duration parameter: a number is already ns (resolved scenario), a string is parsed. */
export function durationParam(p: Params, name: string, def: string): number {
  const v = p[name] ?? def;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseDuration(v, `attackParams.${name}`);
  throw new InputError(`${name} must be a duration`, `attackParams.${name}`, 'e.g. "10s"');
}

export function intParam(p: Params, name: string, def: number, min: number): number {
  const v = p[name] ?? def;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new InputError(`${name} must be an integer ≥ ${min}, got ${String(v)}`, `attackParams.${name}`);
  }
  return n;
}

export function enumParam<T extends string>(p: Params, name: string, values: readonly T[], def: T): T {
  const v = p[name] ?? def;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new InputError(`${name} must be one of ${values.join(', ')}, got ${String(v)}`, `attackParams.${name}`);
  }
  return v as T;
}

export function boolParam(p: Params, name: string, def: boolean): boolean {
  const v = p[name] ?? def;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new InputError(`${name} must be true or false, got ${String(v)}`, `attackParams.${name}`);
}
