/** fmtNum / cell: the fixed number text that keeps CSVs byte-stable. */
import { describe, expect, it } from 'vitest';
import { cell, fmtNum } from '../../src/export/format.js';

describe('fmtNum(x)', () => {
  it('writes integers exactly', () => {
    expect(fmtNum(0)).toBe('0');
    expect(fmtNum(-0)).toBe('0');
    expect(fmtNum(42)).toBe('42');
    expect(fmtNum(-7)).toBe('-7');
    expect(fmtNum(2147483647)).toBe('2147483647');
  });

  it('rounds other values to 6 significant digits without an exponent', () => {
    expect(fmtNum(1 / 3)).toBe('0.333333');
    expect(fmtNum(2 / 3)).toBe('0.666667');
    expect(fmtNum(123456.789)).toBe('123457');
    expect(fmtNum(0.1 + 0.2)).toBe('0.3');
    expect(fmtNum(1.5e-7)).toBe('0.00000015');
    expect(fmtNum(1.23456789e-10)).toBe('0.000000000123457');
    expect(fmtNum(-2.5e-3)).toBe('-0.0025');
    expect(fmtNum(1e21 + 12345)).toBe('1000000000000000000000');
    expect(fmtNum(9.99999951)).toBe('10');
    expect(fmtNum(1e-300)).not.toMatch(/e/);
  });

  it('writes NaN as an empty cell and infinities as inf', () => {
    expect(fmtNum(Number.NaN)).toBe('');
    expect(fmtNum(Number.POSITIVE_INFINITY)).toBe('inf');
    expect(fmtNum(Number.NEGATIVE_INFINITY)).toBe('-inf');
  });
});

describe('cell(v)', () => {
  it('formats booleans, nulls and strings', () => {
    expect(cell(true)).toBe('true');
    expect(cell(false)).toBe('false');
    expect(cell(null)).toBe('');
    expect(cell(undefined)).toBe('');
    expect(cell('colluding-10%')).toBe('colluding-10%');
    expect(cell(0.25)).toBe('0.25');
  });
});
