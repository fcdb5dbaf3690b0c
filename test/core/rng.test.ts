// Named streams are independent of each other; sampling helpers are uniform (4σ checks).
import { describe, expect, it } from 'vitest';
import {
  randExp,
  randInt,
  randomOrder,
  replicateSeed,
  Streams,
  sampleWithoutReplacement,
  shuffle,
} from '../../src/core/rng.js';

const draw = (rng: () => number, n: number) => Array.from({ length: n }, () => rng());

/** |count − n·p| ≤ 4σ of a binomial(n, p). */
function expectBinomial(count: number, n: number, p: number): void {
  expect(Math.abs(count - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)));
}

describe('Streams', () => {
  it('the same (seed, name) yields the same sequence', () => {
    const a = draw(new Streams(1).stream('a'), 100);
    expect(draw(new Streams(1).stream('a'), 100)).toEqual(a);
    expect(draw(new Streams('1').stream('a'), 100)).toEqual(a); // numeric and string seeds agree
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws of "a" do not depend on other streams created or used before or interleaved', () => {
    const ref = draw(new Streams(1).stream('a'), 200);

    const s1 = new Streams(1);
    const b = s1.stream('b');
    const c = s1.stream('c');
    draw(b, 1000);
    draw(c, 17);
    expect(draw(s1.stream('a'), 200)).toEqual(ref);

    const s2 = new Streams(1);
    const a2 = s2.stream('a');
    const b2 = s2.stream('b');
    const got: number[] = [];
    for (let i = 0; i < 200; i++) {
      got.push(a2());
      b2();
      if (i % 3 === 0) s2.stream(`x${i}`)();
    }
    expect(got).toEqual(ref);
  });

  it('a second generator for the same name starts over and does not share state', () => {
    const s = new Streams(5);
    const g1 = s.stream('a');
    const first = draw(g1, 10);
    const g2 = s.stream('a');
    expect(draw(g2, 10)).toEqual(first);
    expect(draw(g1, 10)).not.toEqual(first);
  });

  it('different names and different seeds give different sequences', () => {
    const a = draw(new Streams(1).stream('a'), 20);
    expect(draw(new Streams(1).stream('b'), 20)).not.toEqual(a);
    expect(draw(new Streams(1).stream('a '), 20)).not.toEqual(a);
    expect(draw(new Streams(2).stream('a'), 20)).not.toEqual(a);
  });

  it('sub(prefix) scopes names: reproducible, and distinct from other prefixes and the unscoped name', () => {
    const s = new Streams(9);
    const scoped = draw(s.sub('design/signal').stream('net'), 20);
    expect(draw(new Streams(9).sub('design/signal').stream('net'), 20)).toEqual(scoped);
    expect(draw(s.sub('design/session').stream('net'), 20)).not.toEqual(scoped);
    expect(draw(s.stream('net'), 20)).not.toEqual(scoped);
    expect(draw(new Streams(10).sub('design/signal').stream('net'), 20)).not.toEqual(scoped);
    // Nested subs compose and are themselves reproducible.
    const nested = draw(s.sub('a').sub('b').stream('c'), 10);
    expect(draw(new Streams(9).sub('a').sub('b').stream('c'), 10)).toEqual(nested);
    expect(draw(s.sub('a').stream('c'), 10)).not.toEqual(nested);
  });

  it('draws are uniform on [0, 1): mean and decile counts within 4σ', () => {
    const rng = new Streams(3).stream('u');
    const n = 50_000;
    const bins = new Array(10).fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = rng();
      sum += x;
      bins[Math.floor(x * 10)]++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    for (const c of bins) expectBinomial(c, n, 0.1);
  });
});

describe('replicateSeed', () => {
  it('replicate 0 is the scenario seed; others are reproducible, distinct 31-bit integers', () => {
    expect(replicateSeed(1234, 0)).toBe(1234);
    const seeds = Array.from({ length: 50 }, (_, r) => replicateSeed(1234, r));
    expect(Array.from({ length: 50 }, (_, r) => replicateSeed(1234, r))).toEqual(seeds);
    expect(new Set(seeds).size).toBe(50);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    expect(replicateSeed(1235, 1)).not.toBe(replicateSeed(1234, 1));
  });
});

describe('randInt, randExp, shuffle', () => {
  it('randInt covers [0, n) uniformly', () => {
    const rng = new Streams(4).stream('int');
    const n = 40_000;
    const counts = new Array(7).fill(0);
    for (let i = 0; i < n; i++) counts[randInt(rng, 7)]++;
    for (const c of counts) expectBinomial(c, n, 1 / 7);
  });

  it('randExp has the requested mean (4σ)', () => {
    const rng = new Streams(4).stream('exp');
    const n = 40_000;
    let s = 0;
    for (let i = 0; i < n; i++) s += randExp(rng, 3);
    expect(Math.abs(s / n - 3)).toBeLessThan(4 * (3 / Math.sqrt(n)));
  });

  it('shuffle permutes arrays and typed arrays in place', () => {
    const rng = new Streams(4).stream('shuffle');
    const a = Array.from({ length: 100 }, (_, i) => i);
    shuffle(rng, a);
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const t = Int32Array.from({ length: 50 }, (_, i) => i);
    shuffle(rng, t);
    expect(Array.from(t).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('sampleWithoutReplacement', () => {
  // k·4 < n takes Floyd's branch; the others take the partial shuffle.
  for (const [n, k] of [
    [40, 3],
    [20, 10],
    [12, 12],
  ] as const) {
    it(`n=${n}, k=${k}: distinct, in range, each element included with frequency k/n (4σ)`, () => {
      const rng = new Streams(6).stream(`swr/${n}/${k}`);
      const trials = 20_000;
      const counts = new Array(n).fill(0);
      for (let t = 0; t < trials; t++) {
        const s = sampleWithoutReplacement(rng, n, k);
        expect(s.length).toBe(k);
        const seen = new Set<number>();
        for (const v of s) {
          if (!(Number.isInteger(v) && v >= 0 && v < n) || seen.has(v)) throw new Error(`bad sample ${s}`);
          seen.add(v);
          counts[v]++;
        }
      }
      for (const c of counts) {
        if (k === n) expect(c).toBe(trials);
        else expectBinomial(c, trials, k / n);
      }
    });
  }

  it('k = 0 gives an empty sample; k > n or k < 0 throws', () => {
    const rng = new Streams(6).stream('edge');
    expect(sampleWithoutReplacement(rng, 5, 0).length).toBe(0);
    expect(() => sampleWithoutReplacement(rng, 5, 6)).toThrow(RangeError);
    expect(() => sampleWithoutReplacement(rng, 5, -1)).toThrow(/cannot sample/);
  });
});

describe('randomOrder', () => {
  it('is a permutation of [0, n)', () => {
    const o = randomOrder(new Streams(8).stream('perm'), 1000);
    expect(o.length).toBe(1000);
    expect(Array.from(o).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('its prefixes are uniform samples: inclusion frequency m/n and first position uniform (4σ)', () => {
    const rng = new Streams(8).stream('prefix');
    const n = 10;
    const m = 3;
    const trials = 20_000;
    const inPrefix = new Array(n).fill(0);
    const first = new Array(n).fill(0);
    for (let t = 0; t < trials; t++) {
      const o = randomOrder(rng, n);
      first[o[0]]++;
      for (let i = 0; i < m; i++) inPrefix[o[i]]++;
    }
    for (let v = 0; v < n; v++) {
      expectBinomial(inPrefix[v], trials, m / n);
      expectBinomial(first[v], trials, 1 / n);
    }
  });
});
