/**
 * Caps that follow the load (timing param `widen`), fuzzed: many small random worlds where caps of
 * a few rows bind, with the features the trace reads varied per world — users per address, a
 * view holding some relays, size laws (payloads of several sizes, so background reads happen for
 * some rows and are ruled out for others), keepalive background flows, per-kind dwell laws,
 * `fallback: break` and causal anchors other than the primary one. Claims checked bit for bit:
 * - every target's scores equal a fresh run of that target alone with fixed caps (widen 1) equal
 *   to its last caps (no memo record, beam table, background reader, break list or `cut` carried
 *   between rounds or targets shows); its causal top likewise, from its causal anchor's own caps;
 * - its last caps are those of the schedule re-derived from the fresh runs (test/attacks/
 *   timing-widen-schedule.ts: doubling the caps that cut, up to the ceiling, until a round does
 *   not move the posterior), which settles some targets of these worlds early;
 * - `caps` is the sum of those fresh runs' `caps` (targets still cut at their last caps);
 * - the result does not depend on the order targets are scored in (the memo is shared).
 */
import { describe, expect, it } from 'vitest';
import { seeBackground } from '../../src/adversary/background.js';
import { buildTargets, endToEndSizeModel, hopSizeModel, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput, AttackResult, Targets } from '../../src/attacks/attack.js';
import { runTiming, timing } from '../../src/attacks/timing.js';
import { Streams } from '../../src/core/rng.js';
import { Kind, PeriodicFlows } from '../../src/net/log.js';
import { addressing } from '../metrics/synthetic-star.js';
import { type Factors, type FixedRun, WIDENED, widenSchedule } from './timing-widen-schedule.js';
import { flat, MS, multiHopWorld } from './timing-world.js';

const USERS = 20;
const RELAYS = 4;

/** A random world and attack input; `seed` also draws which features it has. */
function world(seed: number) {
  const rng = new Streams(seed).stream('fuzz');
  const pick = () => rng() < 0.5;
  const n = 60 + Math.floor(rng() * 80);
  const keepalive = pick();
  const sized = pick();
  const holdOne = rng() < 0.3;
  // Messages start over 100 ms to 1 s: dense worlds put tens of rows in a 5 ms dwell window.
  const span = 100 + Math.floor(rng() * 900);
  // The held relay sometimes names no cause: the exact chain breaks there (`fallback: break`).
  const { log, truth } = multiHopWorld(rng, {
    users: USERS,
    relays: RELAYS,
    n,
    span,
    // Payloads of 256, 512 or 768 B when sized, unchanged or 16 B lighter per hop: a 512 B keepalive fits some.
    sized,
    breaks: (h) => h.from === USERS && holdOne && rng() < 0.5,
  });
  const held = new Uint8Array(USERS + RELAYS);
  if (holdOne) held[USERS] = 1;
  const view: View = { name: 'v', kind: 'global-passive', held, global: true };
  const { obs, obsOf, rowOf } = observe(log, view);
  const targets = buildTargets(log, truth, scoredDeliveries(truth, 0), obs, obsOf);
  // Some targets get a causal anchor other than their primary one (another target's, or none).
  if (rng() < 0.5) {
    const causal = Int32Array.from(targets.anchor);
    for (let i = 0; i < causal.length; i++)
      if (rng() < 0.3) causal[i] = rng() < 0.2 ? -1 : targets.anchor[Math.floor(rng() * causal.length)];
    targets.causalAnchor = causal;
  }
  const flows = new PeriodicFlows();
  if (keepalive)
    for (let u = 0; u < USERS; u++)
      flows.add({
        path: Int32Array.of(u, USERS + (u % RELAYS)),
        period: (5 + Math.floor(rng() * 20)) * MS,
        phase: rng() * 20 * MS,
        start: 0,
        end: 1100 * MS,
        bytesPerLink: 512,
        kind: Kind.message,
      });
  const role = Uint8Array.from({ length: USERS + RELAYS }, (_, h) => (h < USERS ? 0 : h % 2));
  const input: Omit<AttackInput, 'params' | 'targets'> = {
    users: USERS,
    obs,
    ...addressing(USERS, RELAYS, 1 + Math.floor(rng() * 3)),
    background: keepalive ? seeBackground(flows, view, USERS, USERS + RELAYS, 1.5 * MS) : undefined,
    endToEnd: flat(0, 20 + Math.floor(rng() * 30)),
    fromBreak: flat(0, 30),
    dwell: flat(0, 5),
    dwellByKind: { role, models: [flat(0, 5), flat(0, 3), flat(0, 6), flat(1, 4)] },
    hopSizes: sized ? hopSizeModel(log, USERS) : undefined,
    endToEndSizes: sized ? endToEndSizeModel(log, obs, rowOf, targets) : undefined,
    duration: 2000 * MS,
  };
  const params: AttackInput['params'] = {
    scan: 1 + Math.floor(rng() * 6),
    beam: 1 + Math.floor(rng() * 3),
    budget: 2 + Math.floor(rng() * 10),
    widen: [2, 3, 8, 16][Math.floor(rng() * 4)],
    sizes: sized,
    dwell: pick() ? 'per-kind' : 'pooled',
    fallback: pick() ? 'break' : 'anchor',
  };
  return { input, targets, params };
}

type World = ReturnType<typeof world>;

const run = (w: World, params: AttackInput['params'], targets = w.targets): AttackResult =>
  timing.run({ ...w.input, targets, params });

function one(t: Targets, i: number, anchor = t.anchor[i], causal = t.causalAnchor?.[i] ?? anchor): Targets {
  return {
    count: 1,
    anchor: Int32Array.of(anchor),
    recipient: t.recipient.slice(i, i + 1),
    tDeliver: t.tDeliver.slice(i, i + 1),
    causalAnchor: Int32Array.of(causal),
  };
}

function reorder(t: Targets, order: number[]): Targets {
  return {
    count: order.length,
    anchor: Int32Array.from(order, (i) => t.anchor[i]),
    recipient: Int32Array.from(order, (i) => t.recipient[i]),
    tDeliver: Float64Array.from(order, (i) => t.tDeliver[i]),
    causalAnchor: t.causalAnchor ? Int32Array.from(order, (i) => t.causalAnchor?.[i] ?? -1) : undefined,
  };
}

function listed(r: AttackResult, i: number) {
  const { offsets, cand, score, base } = r.perTarget;
  return {
    cand: [...cand.subarray(offsets[i], offsets[i + 1])],
    score: [...score.subarray(offsets[i], offsets[i + 1])],
    base: base[i],
  };
}

/** Schedules followed (every anchor's), and those that settled: a round left the posterior where it was. */
const seen = { schedules: 0, settled: 0 };

/** Target i's anchor `anchor` scored alone at fixed caps, by the widening schedule; returns the last run. */
function fixedAtLastCaps(w: World, i: number, anchor: number): AttackResult {
  const at = (f: Factors): FixedRun => {
    const p: AttackInput['params'] = { ...w.params, widen: 1 };
    for (const k of WIDENED) p[k] = (w.params[k] as number) * f[k];
    let cut: number[] = [];
    const result = runTiming({ ...w.input, targets: one(w.targets, i, anchor, anchor), params: p }, (_a, _f, c) => {
      cut = [...c];
    });
    return { result, cut };
  };
  const s = widenSchedule(w.params.widen as number, at);
  seen.schedules++;
  if (s.settled) seen.settled++;
  return s.last.result;
}

describe('timing widen, fuzzed: exact per target, caps counted, order-free', () => {
  for (let seed = 1; seed <= 24; seed++)
    it(`world ${seed}`, () => {
      const w = world(seed);
      const wide = run(w, w.params);
      const still: Record<string, number> = {};
      const { anchor } = w.targets;
      for (let i = 0; i < w.targets.count; i++) {
        const c = w.targets.causalAnchor?.[i] ?? anchor[i];
        if (anchor[i] >= 0) {
          const ref = fixedAtLastCaps(w, i, anchor[i]);
          for (const [k, v] of Object.entries(ref.caps ?? {})) still[k] = (still[k] ?? 0) + v;
          expect(listed(wide, i), `world ${seed} target ${i}`).toEqual(listed(ref, 0));
          if (c === anchor[i]) expect(wide.causalTop[i], `target ${i} top`).toBe(ref.causalTop[0]);
        }
        if (c !== anchor[i])
          expect(wide.causalTop[i], `target ${i} causal top`).toBe(c >= 0 ? fixedAtLastCaps(w, i, c).causalTop[0] : -1);
      }
      expect(wide.caps ?? {}, 'caps').toEqual(still);
      // Scored in reverse and in a shuffled order, every target gets the same result.
      const n = w.targets.count;
      const rng = new Streams(seed).stream('order');
      const shuffled = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      for (const order of [shuffled, shuffled.map((_, i) => n - 1 - i)]) {
        const r = run(w, w.params, reorder(w.targets, order));
        for (let k = 0; k < n; k++) {
          expect(listed(r, k), `order: target ${order[k]}`).toEqual(listed(wide, order[k]));
          expect(r.causalTop[k]).toBe(wide.causalTop[order[k]]);
        }
        expect(r.caps).toEqual(wide.caps);
      }
    });
  // Runs after the worlds above (tests in a file run in order): the stopping rule decided results
  // in them, so removing it, or stopping earlier or later, changes some target's scores above.
  it('the worlds settle some targets before their caps stop growing', () => {
    expect(seen.schedules).toBeGreaterThan(1000);
    expect(seen.settled).toBeGreaterThan(20);
  });
});
