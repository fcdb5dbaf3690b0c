/**
 * Session node churn: Poisson node outages, and the path repairs session-desktop makes (a path
 * whose guard is down is dropped with its guard after 3 failed polls; a down relay is swapped at
 * its first failure), checked on the timeline and through the guards' one-party views.
 */
import { describe, expect, it } from 'vitest';
import { observe } from '../../src/adversary/view.js';
import { parseDist } from '../../src/core/dist.js';
import { Streams } from '../../src/core/rng.js';
import { MIN, parseRate, SEC } from '../../src/core/time.js';
import { session } from '../../src/designs/session/index.js';
import { NodeOutages, PathTimelineBuilder } from '../../src/designs/session/timeline.js';
import { Role } from '../../src/net/hosts.js';
import { handWorkload, resolve, runDesign, viewOf } from './harness.js';

const HOUR = 60 * MIN;

describe('NodeOutages', () => {
  it('fails each node as a Poisson process and keeps it down for the downtime draw (4σ)', () => {
    const rate = parseRate('2/h');
    const o = NodeOutages.draw(new Streams(3).stream('x'), 2000, rate, parseDist('exp(10min)'), 10 * HOUR);
    // Up time between failures is exponential, down time ≈ 10 min: ≈ 2000 × 10 h / (30 + 10 min).
    const expected = (2000 * 10 * HOUR) / (1 / rate + 10 * MIN);
    expect(Math.abs(o.count - expected)).toBeLessThan(4 * Math.sqrt(expected));
    let down = 0;
    for (let i = 0; i < 2000; i++) if (o.downAt(i, 5 * HOUR)) down++;
    // Fraction down at a time: 10 / (30 + 10) = 0.25.
    expect(Math.abs(down / 2000 - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / 2000));
  });
});

describe('path repairs under churn', () => {
  const P = 5 * SEC;
  const N = 60;
  const w = handWorkload(1, [], { duration: 4 * HOUR, online: [[[0, 3 * HOUR]]] });
  const outages = NodeOutages.draw(new Streams(9).stream('o'), N, parseRate('1/h'), parseDist('exp(20min)'), 4 * HOUR);
  const build = (churn: boolean) => {
    const repairs = new Streams(2).stream('r');
    const b = new PathTimelineBuilder(
      {
        nodes: N,
        guards: 2,
        pathLength: 3,
        rotation: 0,
        guardRotation: 0,
        workload: w,
        end: 4 * HOUR,
        churn: churn ? { outages, pollInterval: P, rng: () => repairs } : null,
      },
      new Float64Array(1),
    );
    b.addUser(0, new Streams(1).stream('u'));
    return b.done();
  };

  it('repairs a path when one of its nodes is down at the client’s polls, only while it is online', () => {
    const off = build(false);
    expect(off.userStart[1]).toBe(1);
    const t = build(true);
    const n = t.userStart[1];
    expect(n).toBeGreaterThan(3);
    // The same initial draws as without churn.
    expect(Array.from(t.paths.subarray(0, 6))).toEqual(Array.from(off.paths.subarray(0, 6)));
    for (let i = 1; i < n; i++) {
      const at = t.start[i];
      expect(at).toBeLessThan(3 * HOUR); // offline from 3 h: no repair
      const before = t.paths.subarray((i - 1) * 6, i * 6);
      const after = t.paths.subarray(i * 6, (i + 1) * 6);
      const changed = [0, 1, 2, 3, 4, 5].filter((k) => before[k] !== after[k]);
      const guardRepair = changed.includes(0) || changed.includes(3);
      // A guard repair renews the whole path; a relay repair swaps one node.
      expect(changed.length).toBe(guardRepair ? 3 : 1);
      const failed = before[changed[0]];
      const strikes = guardRepair ? 3 : 1;
      // The failed node was down from (at most) the poll intervals before the repair to the repair.
      expect(outages.downAt(failed, at - strikes * P)).toBe(true);
      expect(outages.downAt(failed, at - 1)).toBe(true);
      // Replacements are up, and no node is on two paths.
      for (const k of changed) expect(outages.downAt(after[k], at)).toBe(false);
      expect(new Set(after).size).toBe(6);
    }
    expect(t.churnedGuards).toBeGreaterThan(0);
  });

  it('the design routes every request over the repaired paths: the old guard stops seeing the client', () => {
    const long = handWorkload(2, [], { duration: 2 * HOUR });
    const over = { nodes: 40, swarmSize: 5, nodeFailureRate: '2/h', nodeDowntime: 'exp(30min)' };
    expect(session.check?.(resolve(session, over), 2)).toEqual([]);
    const r = runDesign(session, long, over, 4, 2 * HOUR, { processing: session.processing.default });
    const guardsOf = (u: number) => {
      const seen = new Map<number, [number, number]>();
      for (const f of r.net.periodic.flows) {
        if (f.path[0] !== u) continue;
        const g = f.path[1];
        const span = seen.get(g) ?? [f.start, f.end];
        seen.set(g, [Math.min(span[0], f.start), Math.max(span[1], f.end)]);
      }
      return seen;
    };
    const seen = guardsOf(0);
    expect(seen.size).toBeGreaterThan(2);
    for (const g of seen.keys()) expect(r.hosts.role[g]).toBe(Role.snode);
    // A replaced guard's one-party view ends where the client left it.
    const [g, [, last]] = [...seen.entries()].sort((a, b) => a[1][1] - b[1][1])[0];
    const { obs } = observe(r.log, viewOf(r.hosts.count, [g]));
    for (let j = 0; j < obs.length; j++) if (obs.from[j] === 0) expect(obs.tTx[j]).toBeLessThan(last);
    // Without churn, two guards for the whole run.
    const calm = runDesign(session, long, { nodes: 40, swarmSize: 5 }, 4, 2 * HOUR, {
      processing: session.processing.default,
    });
    const calmGuards = new Set(calm.net.periodic.flows.filter((f) => f.path[0] === 0).map((f) => f.path[1]));
    expect(calmGuards.size).toBe(2);
  });
});
