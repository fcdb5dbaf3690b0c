// Durations and rates from scenario strings: valid forms, InputError messages, formatDuration round trips.
import { describe, expect, it } from 'vitest';
import { editDistance, InputError, suggest } from '../../src/core/errors.js';
import { Streams } from '../../src/core/rng.js';
import {
  DAY,
  DURATION_FORM,
  formatDuration,
  HOUR,
  MIN,
  MS,
  parseDuration,
  parseRate,
  RATE_FORM,
  SEC,
  US,
} from '../../src/core/time.js';

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseDuration', () => {
  it('parses numbers with units into integer ns', () => {
    expect(parseDuration('50 ms')).toBe(50 * MS);
    expect(parseDuration('1.5s')).toBe(1.5 * SEC);
    expect(parseDuration('10min')).toBe(10 * MIN);
    expect(parseDuration('2h')).toBe(2 * HOUR);
    expect(parseDuration('1d')).toBe(DAY);
    expect(parseDuration('  250 us ')).toBe(250 * US);
    expect(parseDuration('250µs')).toBe(250 * US);
    expect(parseDuration('3 MS')).toBe(3 * MS);
    expect(parseDuration('.5s')).toBe(500 * MS);
    expect(parseDuration('1e3ms')).toBe(SEC);
    expect(parseDuration('7ns')).toBe(7);
    expect(parseDuration('0.0000004ms')).toBe(0); // rounded to whole ns
  });

  it('allows a bare zero, with or without a unit', () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('0s')).toBe(0);
  });

  it('rejects unknown units, non-numbers, empty input, bare non-zero numbers and a lone sign', () => {
    const parsecs = inputError(() => parseDuration('5 parsecs', 'workload.gap'));
    expect(parsecs.message).toBe('unknown time unit "parsecs" in "5 parsecs"');
    expect(parsecs.path).toBe('workload.gap');
    expect(parsecs.expected).toBe(DURATION_FORM);
    expect(inputError(() => parseDuration('abc')).message).toBe('"abc" is not a duration');
    expect(inputError(() => parseDuration('')).message).toBe('"" is not a duration');
    expect(inputError(() => parseDuration('-')).message).toBe('"-" is not a duration');
    expect(inputError(() => parseDuration('5')).message).toBe('"5" has no unit');
    expect(inputError(() => parseDuration(5)).message).toBe('bare number 5 has no unit');
    expect(inputError(() => parseDuration('5 m s')).message).toMatch(/is not a duration/);
    expect(inputError(() => parseDuration('1/s')).message).toMatch(/is not a duration/);
  });
});

describe('parseRate', () => {
  it('parses N/<unit> and 1/<duration> into events per ns', () => {
    expect(parseRate('1/10min')).toBe(1 / (10 * MIN));
    expect(parseRate('6/h')).toBe(6 / HOUR);
    expect(parseRate('0.5/s')).toBe(0.5 / SEC);
    expect(parseRate('2 / 30 s')).toBe(2 / (30 * SEC));
    expect(parseRate('3/day')).toBe(3 / DAY);
    expect(parseRate('0/s')).toBe(0);
    expect(parseRate(0)).toBe(0);
    // One per ten minutes = six per hour.
    expect(parseRate('1/10min') / parseRate('6/h')).toBeCloseTo(1, 12);
  });

  it('rejects division by zero time, non-numeric counts, unknown units, negatives and bare numbers', () => {
    const zero = inputError(() => parseRate('1/0s', 'workload.rate'));
    expect(zero.message).toBe('rate "1/0s" divides by zero time');
    expect(zero.path).toBe('workload.rate');
    expect(zero.expected).toBe(RATE_FORM);
    expect(inputError(() => parseRate('x/h')).message).toBe('"x/h" is not a rate');
    expect(inputError(() => parseRate('1/10 parsecs')).message).toBe(
      '"1/10 parsecs" has an unknown time unit "10 parsecs"',
    );
    expect(inputError(() => parseRate('-1/s')).message).toBe('rate "-1/s" is negative');
    expect(inputError(() => parseRate('5')).message).toBe('"5" is not a rate');
    expect(inputError(() => parseRate(5)).message).toBe('bare number 5 is not a rate');
    expect(inputError(() => parseRate('1/')).message).toMatch(/is not a rate/);
  });
});

describe('formatDuration', () => {
  it('picks the largest unit that keeps the value exact', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(50 * MS)).toBe('50ms');
    expect(formatDuration(10 * MIN)).toBe('10min');
    expect(formatDuration(2 * HOUR)).toBe('2h');
    expect(formatDuration(DAY)).toBe('1d');
    expect(formatDuration(90 * MIN)).toBe('90min');
    expect(formatDuration(7)).toBe('7ns');
  });

  it('round-trips through parseDuration', () => {
    const fixed = [0, 1, 999, 1000, 1500, 50 * MS, 1.5 * SEC, 10 * MIN, 2 * HOUR, DAY, 36 * HOUR, 123_456_789, -5 * MS];
    for (const ns of fixed) expect(parseDuration(formatDuration(ns))).toBe(ns);
    const rng = new Streams(1).stream('durations');
    for (let i = 0; i < 5000; i++) {
      const ns = Math.floor(rng() * 2 ** (10 + Math.floor(rng() * 43))); // up to 2^52 ns ≈ 52 days
      const text = formatDuration(ns);
      if (parseDuration(text) !== ns) throw new Error(`${ns} → "${text}" → ${parseDuration(text)}`);
    }
    const units = [DAY, HOUR, MIN, SEC, MS, US];
    for (let i = 0; i < 2000; i++) {
      const ns = (1 + Math.floor(rng() * 1000)) * units[Math.floor(rng() * units.length)];
      expect(parseDuration(formatDuration(ns))).toBe(ns);
    }
  });
});

describe('suggestions', () => {
  it('editDistance and suggest find close names only', () => {
    expect(editDistance('signl', 'signal')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(suggest('signl', ['signal', 'session', 'simplex'])).toBe('signal');
    expect(suggest('Matirx', ['signal', 'matrix'])).toBe('matrix');
    expect(suggest('zzzzzz', ['signal', 'matrix'])).toBeUndefined();
  });
});
