// Identifier attack on hand-built logs: chain walking along prev, NAT sharing, readable sender
// account, no evidence, and self-addressed store ("sync copy") votes.
import { describe, expect, it } from 'vitest';
import { NO_MODEL } from '../../src/adversary/delay-model.js';
import { buildTargets, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { AttackInput } from '../../src/attacks/attack.js';
import { identifier } from '../../src/attacks/identifier.js';
import { evaluate } from '../../src/metrics/index.js';
import { type HopIds, Kind, ObservationLog, VIS_RX } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';
import { addressing } from '../metrics/synthetic-star.js';

const MS = 1e6;
const U = 10;
const A = U; // relay hosts
const B = U + 1;

function view(held: number[], hosts = U + 2): View {
  const h = new Uint8Array(hosts);
  for (const x of held) h[x] = 1;
  return { name: 'v', kind: 'colluding', held: h, global: false };
}

/** One log plus helpers to add hops and deliveries. */
function world() {
  const log = new ObservationLog();
  const truth = new GroundTruth();
  const hop = (t: number, from: number, to: number, prev = -1, ids?: HopIds) =>
    log.append(t * MS, (t + 10) * MS, from, to, 256, Kind.message, prev, 0, ids);
  const deliver = (row: number, sender: number, recipient: number) =>
    truth.record(truth.length, sender, recipient, -1, 0, log.tRx[row], row);
  return { log, truth, hop, deliver };
}

function run(
  w: ReturnType<typeof world>,
  v: View,
  usersPerIp = 1,
  params: AttackInput['params'] = {},
  groupMembersReadable = false,
) {
  const { obs, obsOf, rowOf } = observe(w.log, v);
  const scored = scoredDeliveries(w.truth, 0);
  const targets = buildTargets(w.log, w.truth, scored, obs, obsOf, { rowOf, groupMembersReadable });
  const input: AttackInput = {
    users: U,
    obs,
    ...addressing(U, 2, usersPerIp),
    targets,
    endToEnd: NO_MODEL,
    dwell: NO_MODEL,
    duration: 10_000 * MS,
    params,
  };
  const result = identifier.run(input);
  const sender = Int32Array.from(scored, (d) => w.truth.sender[d]);
  return { result, ev: evaluate(result, targets, sender, U) };
}

const listed = (r: ReturnType<typeof run>['result'], i: number) => {
  const s = r.perTarget;
  const out: [number, number][] = [];
  for (let k = s.offsets[i]; k < s.offsets[i + 1]; k++) out.push([s.cand[k], s.score[k]]);
  return out;
};

describe('identifier', () => {
  it('a held relay forwarding from a user device names the sender by address', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    w.deliver(w.hop(20, A, 7, r0), 3, 7);
    const { result, ev } = run(w, view([A]));
    expect(listed(result, 0)).toEqual([[3, 1]]);
    expect(result.perTarget.base[0]).toBe(0);
    expect(result.causalTop[0]).toBe(3);
    expect([...result.pairs.sender, ...result.pairs.recipient, ...result.pairs.score]).toEqual([3, 7, 1]);
    expect(ev.metrics.top1).toBe(1);
    expect(ev.ttfd[0].messages_until_identified).toBe(1);
  });

  it('users sharing a NAT address are tied: top1 = 1/usersPerIp', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    w.deliver(w.hop(20, A, 7, r0), 3, 7);
    const { result, ev } = run(w, view([A]), 2);
    expect(listed(result, 0)).toEqual([
      [2, 0.5],
      [3, 0.5],
    ]);
    expect(result.causalTop[0]).toBe(-1);
    expect(ev.metrics.top1).toBe(0.5);
    expect(ev.perTarget.candidates[0]).toBe(2);
  });

  it("behind a NAT an identified self-addressed send from the sender's address breaks the tie", () => {
    const w = world();
    const r0 = w.hop(0, 3, A, -1, { rAcct: 7 });
    // 3's sync transcript to its own account, 100 ms after the sealed upload, from the same address.
    w.hop(100, 3, A, -1, { sAcct: 3, rAcct: 3 });
    w.deliver(w.hop(20, A, 7, r0), 3, 7);
    const { result, ev } = run(w, view([A]), 2);
    expect(listed(result, 0)).toEqual([
      [2, 1 / 3],
      [3, 2 / 3],
    ]);
    expect(ev.metrics.top1).toBe(1);
    // It arrived after the delivery: the causal ranking still has the tie.
    expect(result.causalTop[0]).toBe(-1);
  });

  it('self-addressed sends from another address, unidentified or outside the window do not count', () => {
    for (const [t, from, ids] of [
      [100, 5, { sAcct: 5, rAcct: 5 }],
      [100, 2, { rAcct: 2 }],
      [2500, 3, { sAcct: 3, rAcct: 3 }],
    ] as [number, number, HopIds][]) {
      const w = world();
      const r0 = w.hop(0, 3, A, -1, { rAcct: 7 });
      w.hop(t, from, A, -1, ids);
      w.deliver(w.hop(20, A, 7, r0), 3, 7);
      expect(run(w, view([A]), 2).ev.metrics.top1).toBe(0.5);
    }
  });

  it('without a held forwarding party back to the device there is no evidence (uniform)', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    const r1 = w.hop(20, A, B, r0);
    w.deliver(w.hop(40, B, 7, r1), 3, 7);
    const { result, ev } = run(w, view([B]));
    expect(listed(result, 0)).toEqual([]);
    expect(result.perTarget.base[0]).toBe(1);
    expect(result.causalTop[0]).toBe(-1);
    expect(result.pairs.sender.length).toBe(0);
    expect(ev.metrics.top1).toBe(1 / U);
    expect(ev.metrics.entropy_bits).toBeCloseTo(Math.log2(U), 12);
  });

  it('a readable sender account names the sender outright', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    const r1 = w.hop(20, A, B, r0, { sAcct: 3, rAcct: 7, vis: VIS_RX });
    w.deliver(w.hop(40, B, 7, r1), 3, 7);
    const { result, ev } = run(w, view([B]));
    expect(listed(result, 0)).toEqual([[3, 1]]);
    expect(ev.metrics.top1).toBe(1);
  });

  it('an account readable only by the sending side is not read by a receiving-only view', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    const r1 = w.hop(20, A, B, r0, { sAcct: 3, vis: 2 });
    w.deliver(w.hop(40, B, 7, r1), 3, 7);
    const { result } = run(w, view([B]));
    expect(listed(result, 0)).toEqual([]);
  });

  it('self-addressed store after the message votes for its account; causalTop waits for it', () => {
    const w = world();
    // 3 stores a message for 7 at held B (via unheld A), then a copy addressed to itself 500 ms
    // later; an unrelated store for 5 lands 3 s later (outside the 2 s window).
    const r0 = w.hop(0, 3, A);
    const store = w.hop(20, A, B, r0, { rAcct: 7, vis: VIS_RX });
    const s0 = w.hop(500, 3, A);
    w.hop(520, A, B, s0, { rAcct: 3, vis: VIS_RX });
    w.hop(3020, A, B, -1, { rAcct: 5, vis: VIS_RX });
    // 7 picks the message up at 4 s, after the copy arrived.
    w.deliver(w.hop(4000, B, 7, store), 3, 7);
    const { result, ev } = run(w, view([B]));
    expect(listed(result, 0)).toEqual([[3, 1]]);
    expect(result.causalTop[0]).toBe(3);
    expect(ev.metrics.top1).toBe(1);

    const w2 = world();
    const q0 = w2.hop(0, 3, A);
    const st = w2.hop(20, A, B, q0, { rAcct: 7, vis: VIS_RX });
    const q1 = w2.hop(500, 3, A);
    w2.hop(520, A, B, q1, { rAcct: 3, vis: VIS_RX });
    w2.deliver(w2.hop(40, B, 7, st), 3, 7); // delivered at 50 ms, before the copy arrives
    const r2 = run(w2, view([B]));
    expect(listed(r2.result, 0)).toEqual([[3, 1]]);
    expect(r2.result.causalTop[0]).toBe(-1);
    expect(run(w2, view([B]), 1, { syncWindow: 0 }).result.perTarget.base[0]).toBe(1);
  });

  it('a held replica off the delivered chain, naming the recipient, opens the sync-copy window', () => {
    // 3 stores for 7 at unheld A, which replicates to held B; 3's sync copy lands at B 300 ms
    // later; 7 reads the message from A. Before anchors on every held copy B had nothing to say.
    const w = world();
    const store = w.hop(0, 3, A, -1, { rAcct: 7, vis: VIS_RX });
    w.log.append(40 * MS, 50 * MS, A, B, 256, Kind.replicate, store, 0, { rAcct: 7 });
    w.hop(320, A, B, -1, { rAcct: 3, vis: VIS_RX });
    w.deliver(w.hop(2000, A, 7, store), 3, 7);
    const { result, ev } = run(w, view([B]));
    expect(listed(result, 0)).toEqual([[3, 1]]);
    expect(result.causalTop[0]).toBe(3);
    expect(ev.metrics.top1).toBe(1);
  });

  it("a group copy at a third member's server names the sender where room state names the members", () => {
    // 3 posts to room 4 at unheld A; A federates the event to held B (another member's server,
    // which reads the sender) and hands it to 7 on A.
    const w = world();
    const up = w.hop(0, 3, A, -1, { sAcct: 3, obj: 4 });
    const fed = w.hop(20, A, B, up, { sAcct: 3, rAcct: 8, obj: 4 });
    w.truth.record(0, 3, 7, 4, 0, w.log.tRx[fed] + 50 * MS, w.hop(50, A, 7, up));
    const readable = run(w, view([B]), 1, {}, true);
    expect(listed(readable.result, 0)).toEqual([[3, 1]]);
    expect(readable.result.causalTop[0]).toBe(3);
    expect(listed(run(w, view([B]), 1, {}, false).result, 0)).toEqual([]);
  });

  it('a copy sighted after the delivery counts for the scores, not for causalTop', () => {
    const w = world();
    const up = w.hop(0, 3, A, -1, { sAcct: 3, obj: 4 });
    const down = w.hop(10, A, 7, up);
    w.hop(30, A, B, up, { sAcct: 3, rAcct: 8, obj: 4 });
    w.truth.record(0, 3, 7, 4, 0, w.log.tRx[down], down);
    const { result, ev } = run(w, view([B]), 1, {}, true);
    expect(listed(result, 0)).toEqual([[3, 1]]);
    expect(result.causalTop[0]).toBe(-1);
    expect(ev.metrics.top1).toBe(1);
    expect(ev.ttfd[0].messages_until_identified).toBeNull();
  });

  it('a view that sees nothing scores uniformly', () => {
    const w = world();
    const r0 = w.hop(0, 3, A);
    w.deliver(w.hop(20, A, 7, r0), 3, 7);
    const none: View = { name: 'none', kind: 'none', held: new Uint8Array(U + 2), global: false };
    const { ev } = run(w, none);
    expect(ev.metrics.top1).toBe(1 / U);
    expect(ev.metrics.top5).toBe(5 / U);
  });
});
