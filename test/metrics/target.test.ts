// The one-scan per-target metrics (target.ts) are the five-pass ones (topk.ts, entropy.ts) bit for
// bit, on score vectors built to hit every branch: ties with the sender, zero and flat supports,
// base 0 and base above every listed score, every user listed, the sender unlisted.
import { describe, expect, it } from 'vitest';
import type { Scores } from '../../src/attacks/attack.js';
import { candidateCount, entropyBits } from '../../src/metrics/entropy.js';
import { scanTarget, targetScan } from '../../src/metrics/target.js';
import { rankCounts } from '../../src/metrics/topk.js';
import { rng, sparse } from './helpers.js';

function randomScores(seed: number, users: number, targets: number): { scores: Scores; sender: Int32Array } {
  const r = rng(seed);
  const lists: [number, number][][] = [];
  const base: number[] = [];
  const sender = new Int32Array(targets);
  const levels = [0, 0.25, 0.5, 1, 1e-300, 3];
  for (let i = 0; i < targets; i++) {
    const shape = Math.floor(r() * 6);
    const listed = shape === 5 ? users : Math.floor(r() * Math.min(users, 12));
    const ids = Array.from({ length: users }, (_, u) => u).sort(() => r() - 0.5);
    const flat = shape === 1;
    const l: [number, number][] = ids
      .slice(0, listed)
      .map((u) => [u, flat ? 0.5 : shape === 2 ? levels[Math.floor(r() * levels.length)] : r() < 0.2 ? 0 : r()]);
    lists.push(l);
    base.push(shape === 3 ? 0 : shape === 4 ? 2 : flat ? 0.5 : r() < 0.5 ? 0 : r() * 0.1);
    sender[i] = r() < 0.7 && listed > 0 ? l[Math.floor(r() * listed)][0] : Math.floor(r() * users);
  }
  return { scores: sparse(lists, base), sender };
}

describe('scanTarget', () => {
  it('equals rankCounts, candidateCount and entropyBits exactly', () => {
    let checked = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const users = 3 + (seed % 9);
      const { scores, sender } = randomScores(seed, users, 50);
      const t = targetScan();
      for (let i = 0; i < sender.length; i++) {
        scanTarget(scores, i, sender[i], users, t);
        const rc = rankCounts(scores, i, sender[i], users);
        expect([t.above, t.equal, t.score]).toEqual([rc.above, rc.equal, rc.score]);
        expect(t.candidates).toBe(candidateCount(scores, i, users));
        expect(Object.is(t.entropy, entropyBits(scores, i, users))).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(2000);
  });
});
