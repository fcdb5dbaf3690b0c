/** Builders for hand-made attack outputs in metric tests. */
import type { AttackResult, Scores, Targets } from '../../src/attacks/attack.js';

/** Scores from per-target lists [[cand, score]…] and bases. */
export function sparse(lists: [number, number][][], base: number[]): Scores {
  const offsets = new Int32Array(lists.length + 1);
  const cand: number[] = [];
  const score: number[] = [];
  lists.forEach((l, i) => {
    for (const [u, s] of l) {
      cand.push(u);
      score.push(s);
    }
    offsets[i + 1] = cand.length;
  });
  return { offsets, cand: Int32Array.from(cand), score: Float64Array.from(score), base: Float64Array.from(base) };
}

export function result(scores: Scores, causalTop: number[], pairs: [number, number, number][] = []): AttackResult {
  return {
    perTarget: scores,
    causalTop: Int32Array.from(causalTop),
    pairs: {
      sender: Int32Array.from(pairs.map((p) => p[0])),
      recipient: Int32Array.from(pairs.map((p) => p[1])),
      score: Float64Array.from(pairs.map((p) => p[2])),
    },
  };
}

export function targets(recipient: number[], tDeliver: number[]): Targets {
  return {
    count: recipient.length,
    anchor: new Int32Array(recipient.length),
    recipient: Int32Array.from(recipient),
    tDeliver: Float64Array.from(tDeliver),
  };
}

/** Small deterministic generator (mulberry32) for property tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
