/** setPath / getPath / parseScalar: the key-path machinery behind --set and sweeps. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { getPath, parseScalar, setPath, splitPath } from '../../src/scenario/paths.js';

describe('parseScalar(text)', () => {
  it('reads numbers, booleans and strings as YAML does', () => {
    expect(parseScalar('500')).toBe(500);
    expect(parseScalar('0.1')).toBe(0.1);
    expect(parseScalar('true')).toBe(true);
    expect(parseScalar('1h')).toBe('1h');
    expect(parseScalar('uniform(20ms, 60ms)')).toBe('uniform(20ms, 60ms)');
    expect(parseScalar('"500"')).toBe('500');
    expect(parseScalar('[timing, flow]')).toEqual(['timing', 'flow']);
  });

  it('keeps text YAML would read as a mapping, and empty text, as strings', () => {
    expect(parseScalar('a: b')).toBe('a: b');
    expect(parseScalar('')).toBe('');
  });
});

describe('setPath(raw, path, value)', () => {
  it('sets nested keys and list items, creating missing mappings', () => {
    const raw: Record<string, unknown> = { designs: [{ design: 'signal' }, { design: 'session' }] };
    setPath(raw, 'designs.1.nodes', '500');
    setPath(raw, 'workload.groups.count', '3');
    expect(raw).toEqual({
      designs: [{ design: 'signal' }, { design: 'session', nodes: 500 }],
      workload: { groups: { count: 3 } },
    });
    expect(getPath(raw, 'designs.1.nodes')).toBe(500);
    expect(getPath(raw, 'designs.7.nodes')).toBeUndefined();
  });

  it('treats everything after sweep. as one key', () => {
    const raw: Record<string, unknown> = {};
    setPath(raw, 'sweep.adversaries.1.fraction', '[0.1, 0.2]');
    expect(raw).toEqual({ sweep: { 'adversaries.1.fraction': [0.1, 0.2] } });
    expect(splitPath('sweep.adversaries.1.fraction')).toEqual(['sweep', 'adversaries.1.fraction']);
  });

  it('refuses list items that are not there, lists that are not written, and prototype keys', () => {
    const raw = { designs: [{ design: 'signal' }], seed: 1 };
    expect(() => setPath(raw, 'designs.3.x', 1)).toThrow(
      'there is no item 3 in designs (it has 1 item, numbered from 0)',
    );
    expect(() => setPath(raw, 'adversaries.0.fraction', 1)).toThrow('adversaries is not written in the scenario');
    expect(() => setPath(raw, 'seed.x', 1)).toThrow('seed is the value 1, not a mapping or list');
    expect(() => setPath(raw, '__proto__.polluted', 1)).toThrow(InputError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => setPath(raw, 'a..b', 1)).toThrow('is not a key path');
  });
});
