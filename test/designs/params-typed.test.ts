/**
 * Design parameters through the typed builders (src/params/typed.ts): rates and distributions
 * resolve as the scenario layer resolves them, a value it already resolved passes through as is,
 * and every design entry point (`check`, `infraHosts`, `build`) gets its typed parameters with the
 * defaults applied (`defineDesign`).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Dist, parseDist } from '../../src/core/dist.js';
import { InputError } from '../../src/core/errors.js';
import { parseRate } from '../../src/core/time.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { PARAMS as SIGNAL_PARAMS } from '../../src/designs/signal/params.js';
import { dist, duration, rate, readParams } from '../../src/params/typed.js';
import { resolveScenario } from '../../src/scenario/resolve.js';

const doc = { description: 'd', source: 's' };

describe('typed rate and distribution specs', () => {
  it('are plain ParamSpecs: a dist takes durations unless its unit says otherwise', () => {
    expect(rate('r', { default: '0/s', unit: 'per user', ...doc })).toStrictEqual({
      name: 'r',
      type: 'rate',
      default: '0/s',
      unit: 'per user',
      description: 'd',
      source: 's',
    });
    expect(dist('x', { default: 'exp(30s)', ...doc }).unit).toBe('duration');
    expect(duration('p', { default: '5s', min: 0, minExclusive: true, ...doc })).toMatchObject({
      min: 0,
      minExclusive: true,
    });
  });

  it('read text with the parsers the checker uses, and take resolved values as they are', () => {
    const P = [rate('r', { default: '1/min', ...doc }), dist('x', { default: 'exp(30s)', ...doc })];
    const r = readParams(P, {});
    expectTypeOf(r).toEqualTypeOf<{ r: number; x: Dist }>();
    expect(r.r).toBe(parseRate('1/min'));
    expect(r.x.text).toBe(parseDist('exp(30s)').text);
    const given = parseDist('uniform(1s, 2s)');
    expect(readParams(P, { r: 2e-9, x: given })).toEqual({ r: 2e-9, x: given });
    expect(readParams(P, { x: given }).x).toBe(given);
    expect(() => readParams(P, { x: true })).toThrow(InputError);
    expect(() => readParams(P, { r: false })).toThrow('r must be a rate, got false');
  });
});

describe('design parameters', () => {
  it('are typed by their specs', () => {
    const p = readParams(SIGNAL_PARAMS, {});
    expectTypeOf(p.sealedSender).toEqualTypeOf<boolean>();
    expectTypeOf(p.readDelay).toEqualTypeOf<Dist>();
    expectTypeOf(p.keepaliveInterval).toEqualTypeOf<number>();
  });

  it('take their defaults at every entry point, so infraHosts({}) counts the default infrastructure', () => {
    const designs = [...DESIGNS.keys()].map((design) => ({ design }));
    const { scenario } = resolveScenario({ workload: { users: 50 }, designs }, 's.yaml');
    for (const item of scenario.designs) {
      const mod = DESIGNS.get(item.design);
      expect(mod?.infraHosts({}), item.design).toBe(mod?.infraHosts(item.params));
      expect(mod?.check?.({}, 50) ?? [], item.design).toEqual([]);
    }
  });
});
