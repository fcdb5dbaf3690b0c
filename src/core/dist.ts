/**
 * Distributions written as scenario strings. Durations carry units and sample in ns:
 *   "30ms" | "const(30ms)" | "uniform(20ms, 60ms)" | "exp(20ms)" (mean) |
 *   "normal(40ms, 5ms)" (truncated at 0) | "lognormal(40ms, 0.5)" (median, log-sd) |
 *   "pareto(10ms, 2.5)" (scale, shape)
 * Plain-number distributions (`unit: 'number'`) take the same forms without units.
 * Discrete helpers (Zipf, weighted choice) are classes with precomputed tables.
 */
import { InputError, suggest } from './errors.js';
import type { Rng } from './rng.js';
import { DURATION_FORM, parseDuration } from './time.js';

export interface Dist {
  /** Canonical text, parseable back into an equal distribution. */
  readonly text: string;
  readonly kind: 'const' | 'uniform' | 'exp' | 'normal' | 'lognormal' | 'pareto';
  readonly mean: number;
  readonly variance: number;
  sample(rng: Rng): number;
  /** Density (continuous) at x; for `const`, +Infinity at the value and 0 elsewhere. */
  pdf(x: number): number;
  cdf(x: number): number;
  /** Smallest and largest values with non-negligible mass (for windowing attacks). */
  readonly support: readonly [number, number];
  /** Whether parameters carry time units; set by parseDist so the text can be parsed back. */
  readonly unit?: 'duration' | 'number';
}

export const DIST_FORM =
  'a duration ("30ms") or const(d) | uniform(a, b) | exp(mean) | normal(mean, sd) | lognormal(median, sigma) | pareto(scale, shape)';

const SQRT2 = Math.SQRT2;
const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function phi(z: number): number {
  const x = Math.abs(z) / SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

function stdNormal(rng: Rng): number {
  // Box–Muller, one value per call (the pair's second value is dropped to keep draws per call fixed).
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function constant(v: number, text = `const(${v})`): Dist {
  return {
    text,
    kind: 'const',
    mean: v,
    variance: 0,
    sample: () => v,
    pdf: (x) => (x === v ? Number.POSITIVE_INFINITY : 0),
    cdf: (x) => (x >= v ? 1 : 0),
    support: [v, v],
  };
}

export function uniform(a: number, b: number, text = `uniform(${a}, ${b})`): Dist {
  const w = b - a;
  return {
    text,
    kind: 'uniform',
    mean: (a + b) / 2,
    variance: (w * w) / 12,
    sample: (rng) => a + w * rng(),
    pdf: (x) => (x >= a && x <= b ? (w > 0 ? 1 / w : Number.POSITIVE_INFINITY) : 0),
    cdf: (x) => (x <= a ? 0 : x >= b ? 1 : (x - a) / w),
    support: [a, b],
  };
}

export function exponential(mean: number, text = `exp(${mean})`): Dist {
  return {
    text,
    kind: 'exp',
    mean,
    variance: mean * mean,
    sample: (rng) => -mean * Math.log(1 - rng()),
    pdf: (x) => (x < 0 ? 0 : Math.exp(-x / mean) / mean),
    cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x / mean)),
    support: [0, mean * 40],
  };
}

/** Normal truncated to x ≥ 0 (latencies cannot be negative); mean/variance are of the truncated law. */
export function truncNormal(mu: number, sd: number, text = `normal(${mu}, ${sd})`): Dist {
  const a = -mu / sd;
  const z = 1 - phi(a);
  const pa = Math.exp(-0.5 * a * a) / SQRT2PI;
  const lam = pa / z;
  const mean = mu + sd * lam;
  const variance = sd * sd * (1 + a * lam - lam * lam);
  return {
    text,
    kind: 'normal',
    mean,
    variance,
    sample: (rng) => {
      for (;;) {
        const x = mu + sd * stdNormal(rng);
        if (x >= 0) return x;
      }
    },
    pdf: (x) => (x < 0 ? 0 : Math.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * SQRT2PI * z)),
    cdf: (x) => (x <= 0 ? 0 : (phi((x - mu) / sd) - phi(a)) / z),
    support: [Math.max(0, mu - 8 * sd), mu + 8 * sd],
  };
}

export function lognormal(median: number, sigma: number, text = `lognormal(${median}, ${sigma})`): Dist {
  const mu = Math.log(median);
  const s2 = sigma * sigma;
  return {
    text,
    kind: 'lognormal',
    mean: Math.exp(mu + s2 / 2),
    variance: (Math.exp(s2) - 1) * Math.exp(2 * mu + s2),
    sample: (rng) => Math.exp(mu + sigma * stdNormal(rng)),
    pdf: (x) => (x <= 0 ? 0 : Math.exp(-((Math.log(x) - mu) ** 2) / (2 * s2)) / (x * sigma * SQRT2PI)),
    cdf: (x) => (x <= 0 ? 0 : phi((Math.log(x) - mu) / sigma)),
    support: [median * Math.exp(-8 * sigma), median * Math.exp(8 * sigma)],
  };
}

export function pareto(scale: number, shape: number, text = `pareto(${scale}, ${shape})`): Dist {
  return {
    text,
    kind: 'pareto',
    mean: shape > 1 ? (shape * scale) / (shape - 1) : Number.POSITIVE_INFINITY,
    variance: shape > 2 ? (scale * scale * shape) / ((shape - 1) ** 2 * (shape - 2)) : Number.POSITIVE_INFINITY,
    sample: (rng) => scale / (1 - rng()) ** (1 / shape),
    pdf: (x) => (x < scale ? 0 : (shape * scale ** shape) / x ** (shape + 1)),
    cdf: (x) => (x < scale ? 0 : 1 - (scale / x) ** shape),
    support: [scale, scale * 1e-6 ** (-1 / shape)],
  };
}

type Unit = 'duration' | 'number';

function arg(text: string, unit: Unit, path: string, whole: string): number {
  if (unit === 'number') {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v))
      throw new InputError(`"${text}" in "${whole}" is not a number`, path, DIST_FORM);
    return v;
  }
  try {
    return parseDuration(text, path);
  } catch {
    throw new InputError(`"${text}" in "${whole}" is not a duration`, path, DURATION_FORM);
  }
}

function num(text: string, path: string, whole: string): number {
  return arg(text, 'number', path, whole);
}

const NAMES = ['const', 'constant', 'uniform', 'exp', 'exponential', 'normal', 'lognormal', 'pareto'];

/** Parses a distribution string; `unit` says whether location/scale parameters carry time units. */
export function parseDist(input: string | number, unit: Unit = 'duration', path = ''): Dist {
  return { ...parseDistInner(input, unit, path), unit };
}

function parseDistInner(input: string | number, unit: Unit, path: string): Dist {
  const text = typeof input === 'number' ? String(input) : input.trim();
  const m = /^([a-z]+)\s*\((.*)\)$/i.exec(text);
  if (!m) {
    const v =
      unit === 'duration' ? parseDuration(typeof input === 'number' ? input : text, path) : num(text, path, text);
    if (v < 0) throw new InputError(`"${text}" is negative`, path, DIST_FORM);
    return constant(v, text);
  }
  const name = m[1].toLowerCase();
  const args = m[2].split(',').map((s) => s.trim());
  const need = (n: number) => {
    if (args.length !== n || args.some((a) => a === ''))
      throw new InputError(`${name}(…) takes ${n} argument${n > 1 ? 's' : ''}, got "${text}"`, path, DIST_FORM);
  };
  switch (name) {
    case 'const':
    case 'constant': {
      need(1);
      const v = arg(args[0], unit, path, text);
      if (v < 0) throw new InputError(`"${text}" is negative`, path, DIST_FORM);
      return constant(v, text);
    }
    case 'uniform': {
      need(2);
      const a = arg(args[0], unit, path, text);
      const b = arg(args[1], unit, path, text);
      if (a < 0 || b < a) throw new InputError(`uniform(a, b) needs 0 ≤ a ≤ b, got "${text}"`, path, DIST_FORM);
      return uniform(a, b, text);
    }
    case 'exp':
    case 'exponential': {
      need(1);
      const mean = arg(args[0], unit, path, text);
      if (!(mean > 0)) throw new InputError(`exp(mean) needs mean > 0, got "${text}"`, path, DIST_FORM);
      return exponential(mean, text);
    }
    case 'normal': {
      need(2);
      const mu = arg(args[0], unit, path, text);
      const sd = arg(args[1], unit, path, text);
      if (!(sd > 0)) throw new InputError(`normal(mean, sd) needs sd > 0, got "${text}"`, path, DIST_FORM);
      return truncNormal(mu, sd, text);
    }
    case 'lognormal': {
      need(2);
      const med = arg(args[0], unit, path, text);
      const sigma = num(args[1], path, text);
      if (!(med > 0) || !(sigma > 0))
        throw new InputError(`lognormal(median, sigma) needs median > 0 and sigma > 0, got "${text}"`, path, DIST_FORM);
      return lognormal(med, sigma, text);
    }
    case 'pareto': {
      need(2);
      const scale = arg(args[0], unit, path, text);
      const shape = num(args[1], path, text);
      if (!(scale > 0) || !(shape > 0))
        throw new InputError(`pareto(scale, shape) needs scale > 0 and shape > 0, got "${text}"`, path, DIST_FORM);
      return pareto(scale, shape, text);
    }
    default: {
      const near = suggest(name, NAMES);
      throw new InputError(
        `unknown distribution "${m[1]}" in "${text}"${near ? ` (did you mean ${near}?)` : ''}`,
        path,
        DIST_FORM,
      );
    }
  }
}

/** Weighted choice over indices [0, n) by cumulative table and binary search. O(log n) per draw. */
export class WeightedChoice {
  private readonly cum: Float64Array;
  constructor(weights: ArrayLike<number>) {
    this.cum = new Float64Array(weights.length);
    let s = 0;
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0)) throw new RangeError(`weight ${i} is ${weights[i]}`);
      s += weights[i];
      this.cum[i] = s;
    }
    if (!(s > 0)) throw new RangeError('weights sum to zero');
  }
  get total(): number {
    return this.cum[this.cum.length - 1];
  }
  sample(rng: Rng): number {
    const x = rng() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  probability(i: number): number {
    return (this.cum[i] - (i > 0 ? this.cum[i - 1] : 0)) / this.total;
  }
}

/** Zipf over ranks [0, n): P(k) ∝ 1/(k+1)^s. */
export class Zipf extends WeightedChoice {
  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    const w = new Float64Array(n);
    for (let k = 0; k < n; k++) w[k] = 1 / (k + 1) ** s;
    super(w);
  }
}
