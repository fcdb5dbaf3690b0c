/**
 * The timing attack's expansion memo (src/attacks/timing-memo.ts) must be invisible in results: a
 * party's expansion is replayed only while the delivery's budget does not bind, and a replay gives
 * exactly what weighing the row afresh gives. Checked against the same attack with the memo
 * disabled (every lookup misses) on small multi-hop worlds where budgets of 1–40 rows bind for
 * some expansions and not for others, with one and with three users per address. A replay that
 * ignored the budget, or stored anything that depends on the target, fails here.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTargets, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput, AttackResult } from '../../src/attacks/attack.js';
import { timing } from '../../src/attacks/timing.js';
import { Expansions } from '../../src/attacks/timing-memo.js';
import { Streams } from '../../src/core/rng.js';
import { addressing } from '../metrics/synthetic-star.js';
import { flat, MS, multiHopWorld } from './timing-world.js';

const USERS = 30;
const RELAYS = 4;
const gpa: View = { name: 'gpa', kind: 'global-passive', held: new Uint8Array(USERS + RELAYS), global: true };

/** 400 messages over 2 s, each through 1–3 random relays (ms-scale hops and dwells), delivered to a user. */
const world = (seed: number) =>
  multiHopWorld(new Streams(seed).stream('world'), { users: USERS, relays: RELAYS, n: 400, span: 2000 });

function attack(w: ReturnType<typeof world>, params: AttackInput['params'], usersPerIp: number): AttackResult {
  const { obs, obsOf } = observe(w.log, gpa);
  const targets = buildTargets(w.log, w.truth, scoredDeliveries(w.truth, 0), obs, obsOf);
  return timing.run({
    users: USERS,
    obs,
    ...addressing(USERS, RELAYS, usersPerIp),
    targets,
    endToEnd: flat(0, 40),
    dwell: flat(0, 5),
    duration: 3000 * MS,
    params,
  });
}

afterEach(() => vi.restoreAllMocks());

describe('timing memo: replays equal fresh weighings', () => {
  for (const seed of [1, 2])
    for (const budget of [1, 3, 9, 40])
      for (const scan of [1, 64])
        for (const usersPerIp of [1, 3])
          it(`seed ${seed}, budget ${budget}, scan ${scan}, beam 3/16, ${usersPerIp} users per ip`, () => {
            const w = world(seed);
            for (const beam of [3, 16]) {
              const params = { budget, scan, beam };
              const memo = attack(w, params, usersPerIp);
              vi.spyOn(Expansions.prototype, 'find').mockReturnValue(-1);
              const fresh = attack(w, params, usersPerIp);
              vi.restoreAllMocks();
              expect([...memo.perTarget.offsets]).toEqual([...fresh.perTarget.offsets]);
              expect([...memo.perTarget.cand]).toEqual([...fresh.perTarget.cand]);
              expect([...memo.perTarget.score]).toEqual([...fresh.perTarget.score]);
              expect([...memo.causalTop]).toEqual([...fresh.causalTop]);
              expect(memo.caps).toEqual(fresh.caps);
            }
          });
  it('the worlds exercise the memo: lookups hit when the budget does not bind', () => {
    const find = vi.spyOn(Expansions.prototype, 'find');
    attack(world(1), { budget: 40, scan: 64, beam: 16 }, 1);
    const hits = find.mock.results.filter((r) => (r.value as number) >= 0).length;
    expect(hits).toBeGreaterThan(100);
    expect(hits).toBeGreaterThan(find.mock.results.length / 4);
  });
});
