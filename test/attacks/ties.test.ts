// The tie bookkeeping behind AttackResult.causalTie: TieTop keeps the members of a narrow tie at
// the top (none once it is wide), CausalTies lays them out per target.
import { describe, expect, it } from 'vitest';
import { MAX_CAUSAL_TIE } from '../../src/attacks/attack.js';
import { CausalTies, TieTop } from '../../src/attacks/windowed/select.js';

describe('TieTop members', () => {
  it('keeps the users tied at the top, resets on a clearly better one', () => {
    const t = new TieTop();
    t.consider(7, 0.5);
    t.consider(3, 0.5);
    expect(t.result).toBe(-1);
    expect([...t.tied()]).toEqual([3, 7]);
    t.consider(9, 0.9);
    expect(t.result).toBe(9);
    expect([...t.tied()]).toEqual([]);
    t.consider(2, 0.9 * (1 + 1e-12));
    t.consider(5, 0.1);
    expect([...t.tied()]).toEqual([2, 9]);
  });

  it('is wide, and lists nobody, past MAX_CAUSAL_TIE', () => {
    const t = new TieTop();
    for (let u = 0; u <= MAX_CAUSAL_TIE; u++) t.consider(u, 1);
    expect(t.wide).toBe(true);
    expect(t.result).toBe(-1);
    expect(t.tied()).toHaveLength(0);
    t.reset();
    expect(t.wide).toBe(false);
  });
});

describe('CausalTies', () => {
  it('lays out members per target in target order, whatever order they were set in', () => {
    const c = new CausalTies(4);
    c.set(2, [5, 6]);
    c.set(0, [1, 2, 3]);
    const r = c.result();
    expect([...r.offsets]).toEqual([0, 3, 3, 5, 5]);
    expect([...r.cand]).toEqual([1, 2, 3, 5, 6]);
  });
});
