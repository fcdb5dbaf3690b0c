/**
 * The typed parameter builders (src/params/typed.ts) as the attacks use them: each spec is the
 * plain ParamSpec the docs read, and `readParams` applies each default once, from the spec.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ATTACKS } from '../../src/attacks/registry.js';
import { TIMING_PARAMS } from '../../src/attacks/timing-params.js';
import { InputError } from '../../src/core/errors.js';
import { SEC } from '../../src/core/time.js';
import { bool, duration, int, oneOf, readParams } from '../../src/params/typed.js';

const doc = { description: 'd', source: 's' };

describe('typed parameter specs', () => {
  it('are plain ParamSpecs without absent keys', () => {
    expect(int('n', { default: 2, min: 0, unit: 'nodes', ...doc })).toStrictEqual({
      name: 'n',
      type: 'int',
      default: 2,
      unit: 'nodes',
      min: 0,
      description: 'd',
      source: 's',
    });
    expect(Object.keys(oneOf('m', ['a', 'b'], { default: 'a', ...doc }))).toEqual([
      'name',
      'type',
      'default',
      'values',
      'description',
      'source',
    ]);
    expect(duration('w', { default: '5s', ...doc }).unit).toBe('duration');
  });

  it('resolve to a typed object with the defaults applied', () => {
    const P = [
      int('n', { default: 2, ...doc }),
      bool('b', { default: true, ...doc }),
      duration('w', { default: '5s', ...doc }),
      oneOf('m', ['a', 'b'], { default: 'b', ...doc }),
    ];
    const r = readParams(P, { n: 7, w: '7s' });
    expect(r).toEqual({ n: 7, b: true, w: 7 * SEC, m: 'b' });
    expectTypeOf(r).toEqualTypeOf<{ n: number; b: boolean; w: number; m: 'a' | 'b' }>();
    expect(readParams(P, { w: 3 }).w).toBe(3);
  });

  it('report a value of the wrong kind instead of falling back', () => {
    const P = [oneOf('m', ['a', 'b'], { default: 'a', ...doc }), int('n', { default: 1, ...doc })];
    expect(() => readParams(P, { m: 'c' }, 'attackParams.x.')).toThrow(InputError);
    expect(() => readParams(P, { m: 'c' })).toThrow('m must be one of a, b, got c');
    expect(() => readParams(P, { n: 1.5 })).toThrow('n must be an integer, got 1.5');
  });

  it("every attack's defaults read back as the scenario layer fills them", () => {
    for (const a of ATTACKS.values()) expect(() => readParams(a.params, {})).not.toThrow();
    expect(readParams(TIMING_PARAMS, {}).scan).toBe(512);
  });
});
