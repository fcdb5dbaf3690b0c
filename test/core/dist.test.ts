// Distributions: sample mean (4σ), Kolmogorov–Smirnov fit to cdf, pdf mass and moments, discrete choices.
import { describe, expect, it } from 'vitest';
import { type Dist, parseDist, phi, WeightedChoice, Zipf } from '../../src/core/dist.js';
import { InputError } from '../../src/core/errors.js';
import { Streams } from '../../src/core/rng.js';
import { MS } from '../../src/core/time.js';

const N = 20_000;

/** Composite Simpson's rule of f over [a, b] with `n` (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20_000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** ∫ g(x)·pdf(x) dx; lognormal and pareto integrate over ln x, where they are smooth. */
function integrate(d: Dist, g: (x: number) => number, lo: number, hi: number, logScale: boolean): number {
  if (!logScale) return simpson((x) => g(x) * d.pdf(x), lo, hi);
  return simpson(
    (u) => {
      const x = Math.exp(u);
      return g(x) * d.pdf(x) * x;
    },
    Math.log(lo),
    Math.log(hi),
  );
}

interface Case {
  text: string;
  unit?: 'duration' | 'number';
  /** Range for numeric integration of the pdf (covers all but a negligible tail). */
  range: [number, number];
  log?: boolean;
  /** Closed-form moments to compare against, where simpler than the implementation's. */
  mean?: number;
  variance?: number;
}

const halfNormalSd = 3 * MS;
const cases: Case[] = [
  { text: 'uniform(20ms, 60ms)', range: [20 * MS, 60 * MS], mean: 40 * MS, variance: (40 * MS) ** 2 / 12 },
  { text: 'exp(20ms)', range: [0, 800 * MS], mean: 20 * MS, variance: (20 * MS) ** 2 },
  { text: 'exponential(2.5)', unit: 'number', range: [0, 100], mean: 2.5, variance: 6.25 },
  { text: 'normal(40ms, 5ms)', range: [0, 100 * MS], mean: 40 * MS, variance: (5 * MS) ** 2 },
  // Heavily truncated: mu is half a standard deviation above the cut at 0.
  { text: 'normal(1ms, 2ms)', range: [0, 30 * MS] },
  // Half-normal: mean sd·√(2/π), variance sd²(1 − 2/π).
  {
    text: 'normal(0ms, 3ms)',
    range: [0, 40 * MS],
    mean: halfNormalSd * Math.sqrt(2 / Math.PI),
    variance: halfNormalSd ** 2 * (1 - 2 / Math.PI),
  },
  {
    text: 'lognormal(40ms, 0.5)',
    range: [40 * MS * Math.exp(-9 * 0.5), 40 * MS * Math.exp(9 * 0.5)],
    log: true,
    mean: 40 * MS * Math.exp(0.125),
    variance: (Math.exp(0.25) - 1) * (40 * MS) ** 2 * Math.exp(0.25),
  },
  // Shape 4.5: finite variance (and 4th moment, so the 4σ mean check is well calibrated).
  {
    text: 'pareto(10ms, 4.5)',
    range: [10 * MS, 10 * MS * 1e4],
    log: true,
    mean: (4.5 * 10 * MS) / 3.5,
    variance: (10 * MS) ** 2 * (4.5 / (3.5 ** 2 * 2.5)),
  },
  // Shape 2.5: variance finite, heavy tail (integrate far out: the tail beyond x holds (10ms/x)^0.5 of it).
  {
    text: 'pareto(10ms, 2.5)',
    range: [10 * MS, 10 * MS * 1e10],
    log: true,
    mean: (2.5 * 10 * MS) / 1.5,
    variance: (10 * MS) ** 2 * (2.5 / (1.5 ** 2 * 0.5)),
  },
];

describe('continuous distributions', () => {
  for (const c of cases) {
    describe(c.text, () => {
      const d = parseDist(c.text, c.unit ?? 'duration');
      const samples = new Float64Array(N);
      const rng = new Streams(2024).stream(c.text);
      for (let i = 0; i < N; i++) samples[i] = d.sample(rng);

      it('reports the closed-form mean and variance', () => {
        // 7 digits: phi() is an approximation with |error| < 1.5e-7.
        if (c.mean !== undefined) expect(d.mean / c.mean).toBeCloseTo(1, 7);
        if (c.variance !== undefined) expect(d.variance / c.variance).toBeCloseTo(1, 7);
        expect(d.text).toBe(c.text);
      });

      it('sample mean is within 4σ of mean', () => {
        let s = 0;
        for (const x of samples) s += x;
        const sigma = Math.sqrt(d.variance / N);
        expect(Number.isFinite(sigma)).toBe(true);
        expect(Math.abs(s / N - d.mean)).toBeLessThan(4 * sigma);
      });

      it('passes a Kolmogorov–Smirnov test against cdf (D < 2.2/√n, ≈1e-4 level)', () => {
        const sorted = Float64Array.from(samples).sort();
        let dmax = 0;
        for (let i = 0; i < N; i++) {
          const f = d.cdf(sorted[i]);
          dmax = Math.max(dmax, f - i / N, (i + 1) / N - f);
        }
        expect(dmax).toBeLessThan(2.2 / Math.sqrt(N));
        expect(sorted[0]).toBeGreaterThanOrEqual(0);
      });

      it('pdf integrates to 1 and its first two moments match mean and variance', () => {
        const [lo, hi] = c.range;
        const mass = integrate(d, () => 1, lo, hi, c.log ?? false);
        expect(mass).toBeCloseTo(1, 4);
        const m1 = integrate(d, (x) => x, lo, hi, c.log ?? false);
        expect(m1 / d.mean).toBeCloseTo(1, 3);
        const m2 = integrate(d, (x) => (x - d.mean) ** 2, lo, hi, c.log ?? false);
        expect(m2 / d.variance).toBeCloseTo(1, 3);
      });

      it('pdf is the derivative of cdf, and cdf runs from 0 to 1', () => {
        const hi = c.range[1];
        const sorted = Float64Array.from(samples).sort();
        for (const q of [0.1, 0.3, 0.5, 0.7, 0.9]) {
          const x = sorted[Math.floor(q * N)];
          const h = x * 1e-3;
          const deriv = (d.cdf(x + h) - d.cdf(x - h)) / (2 * h);
          expect(Math.abs(deriv / d.pdf(x) - 1)).toBeLessThan(1e-2);
        }
        expect(d.cdf(-1)).toBe(0);
        expect(d.cdf(hi * 10)).toBeCloseTo(1, 5);
        expect(d.support[0]).toBeLessThanOrEqual(d.support[1]);
      });
    });
  }

  it('normal(1ms, 2ms): the truncated mean and variance are far from the untruncated ones', () => {
    const d = parseDist('normal(1ms, 2ms)');
    // α = −0.5: λ = φ(α)/(1 − Φ(α)) = 0.50916; mean = μ + σλ; var = σ²(1 + αλ − λ²).
    const a = -0.5;
    const lam = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI) / (1 - phi(a));
    expect(lam).toBeCloseTo(0.50916, 4);
    expect(d.mean / MS).toBeCloseTo(1 + 2 * lam, 6);
    expect(d.variance / MS ** 2).toBeCloseTo(4 * (1 + a * lam - lam * lam), 6);
    expect(d.mean).toBeGreaterThan(1.9 * MS);
    expect(d.variance).toBeLessThan(0.6 * 4 * MS ** 2);
  });

  it('phi is the standard normal CDF (to 1e-7)', () => {
    expect(phi(0)).toBeCloseTo(0.5, 7);
    expect(phi(1)).toBeCloseTo(0.8413447461, 6);
    expect(phi(-1.96)).toBeCloseTo(0.0249978952, 6);
    expect(phi(3)).toBeCloseTo(0.998650102, 6);
  });
});

describe('const', () => {
  for (const text of ['30ms', 'const(30ms)', 'constant(30 ms)']) {
    it(`${text}: every sample is the value; mean exact, variance 0; step cdf`, () => {
      const d = parseDist(text);
      expect(d.kind).toBe('const');
      expect(d.mean).toBe(30 * MS);
      expect(d.variance).toBe(0);
      const rng = new Streams(1).stream('const');
      for (let i = 0; i < 100; i++) expect(d.sample(rng)).toBe(30 * MS);
      expect(d.cdf(30 * MS - 1)).toBe(0);
      expect(d.cdf(30 * MS)).toBe(1);
      expect(d.pdf(30 * MS)).toBe(Number.POSITIVE_INFINITY);
      expect(d.pdf(29 * MS)).toBe(0);
      expect(d.support).toEqual([30 * MS, 30 * MS]);
    });
  }

  it('accepts plain numbers with unit "number" and 0 as a duration', () => {
    expect(parseDist('2.5', 'number').mean).toBe(2.5);
    expect(parseDist(0).mean).toBe(0);
    expect(parseDist('uniform(1, 3)', 'number').mean).toBe(2);
  });
});

describe('parseDist errors', () => {
  const err = (text: string, unit: 'duration' | 'number' = 'duration'): InputError => {
    try {
      parseDist(text, unit, 'designs.0.latency');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error(`parseDist("${text}") did not throw`);
  };

  it('unknown name suggests a close one', () => {
    const e = err('unifrom(1ms, 2ms)');
    expect(e.message).toMatch(/unknown distribution "unifrom"/);
    expect(e.message).toMatch(/did you mean uniform\?/);
    expect(e.path).toBe('designs.0.latency');
    expect(e.expected).toMatch(/uniform\(a, b\)/);
    expect(err('expo(3ms)').message).toMatch(/did you mean exp/);
    expect(err('gamma(1ms, 2)').message).not.toMatch(/did you mean/);
  });

  it('wrong arity', () => {
    expect(err('uniform(1ms)').message).toMatch(/uniform\(…\) takes 2 arguments/);
    expect(err('exp(1ms, 2ms)').message).toMatch(/exp\(…\) takes 1 argument,/);
    expect(err('normal(1ms,)').message).toMatch(/takes 2 arguments/);
    expect(err('const()').message).toMatch(/takes 1 argument/);
  });

  it('negative values and bad parameters', () => {
    expect(err('-5ms').message).toMatch(/is negative/);
    expect(err('const(-1ms)').message).toMatch(/is negative/);
    expect(err('uniform(5ms, 2ms)').message).toMatch(/needs 0 ≤ a ≤ b/);
    expect(err('uniform(-1ms, 2ms)').message).toMatch(/needs 0 ≤ a ≤ b/);
    expect(err('exp(0ms)').message).toMatch(/needs mean > 0/);
    expect(err('exp(0)').message).toMatch(/needs mean > 0/);
    expect(err('normal(1ms, 0ms)').message).toMatch(/needs sd > 0/);
    expect(err('lognormal(40ms, 0)').message).toMatch(/needs median > 0 and sigma > 0/);
    expect(err('lognormal(0ms, 0.5)').message).toMatch(/needs median > 0/);
    expect(err('pareto(10ms, -1)').message).toMatch(/needs scale > 0 and shape > 0/);
  });

  it('arguments without units or that are not numbers', () => {
    expect(err('exp(20)').message).toMatch(/"20" in "exp\(20\)" is not a duration/);
    expect(err('exp(20)').expected).toMatch(/50ms/);
    expect(err('lognormal(40ms, abc)').message).toMatch(/"abc" in "lognormal\(40ms, abc\)" is not a number/);
    expect(err('exp(x)', 'number').message).toMatch(/is not a number/);
    expect(err('5 parsecs').message).toMatch(/unknown time unit "parsecs"/);
  });
});

describe('WeightedChoice and Zipf', () => {
  /** Per-category 4σ check plus a chi-square bound (df + 4·√(2·df)). */
  function checkCategorical(sample: () => number, p: (i: number) => number, k: number, n: number): void {
    const counts = new Array(k).fill(0);
    for (let t = 0; t < n; t++) {
      const i = sample();
      if (!(Number.isInteger(i) && i >= 0 && i < k)) throw new Error(`index ${i} out of range`);
      counts[i]++;
    }
    let chi2 = 0;
    let df = -1;
    for (let i = 0; i < k; i++) {
      const e = n * p(i);
      if (e === 0) {
        expect(counts[i]).toBe(0);
        continue;
      }
      expect(Math.abs(counts[i] - e)).toBeLessThanOrEqual(4 * Math.sqrt(e * (1 - p(i))));
      chi2 += (counts[i] - e) ** 2 / e;
      df++;
    }
    expect(chi2).toBeLessThan(df + 4 * Math.sqrt(2 * df));
  }

  it('WeightedChoice draws each index with probability weight/total; zero weights never', () => {
    const w = [5, 0, 1, 3, 0.5, 10, 0, 2];
    const total = w.reduce((a, b) => a + b, 0);
    const wc = new WeightedChoice(w);
    expect(wc.total).toBe(total);
    for (let i = 0; i < w.length; i++) expect(wc.probability(i)).toBeCloseTo(w[i] / total, 12);
    const rng = new Streams(5).stream('wc');
    checkCategorical(
      () => wc.sample(rng),
      (i) => w[i] / total,
      w.length,
      50_000,
    );
  });

  it('WeightedChoice rejects negative, NaN and all-zero weights', () => {
    expect(() => new WeightedChoice([1, -1])).toThrow(/weight 1 is -1/);
    expect(() => new WeightedChoice([1, Number.NaN])).toThrow(RangeError);
    expect(() => new WeightedChoice([0, 0])).toThrow(/sum to zero/);
    expect(() => new WeightedChoice([])).toThrow(RangeError);
  });

  it('Zipf(n, s): P(k) ∝ 1/(k+1)^s', () => {
    const z = new Zipf(50, 1.2);
    let h = 0;
    for (let k = 1; k <= 50; k++) h += k ** -1.2;
    let sum = 0;
    for (let k = 0; k < 50; k++) {
      expect(z.probability(k)).toBeCloseTo((k + 1) ** -1.2 / h, 12);
      sum += z.probability(k);
    }
    expect(sum).toBeCloseTo(1, 12);
    expect(z.probability(0) / z.probability(1)).toBeCloseTo(2 ** 1.2, 10);
    const rng = new Streams(5).stream('zipf');
    checkCategorical(
      () => z.sample(rng),
      (k) => z.probability(k),
      50,
      50_000,
    );
  });
});
