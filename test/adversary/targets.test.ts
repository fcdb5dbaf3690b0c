// buildTargets on hand-built logs: which observed rows anchor a delivery (the delivered copy's
// chain, copies joined by the payload's identity where the view reads it, group copies where
// object ids name their members), which anchor is primary, and which are causal.
import { describe, expect, it } from 'vitest';
import { buildTargets, scoredDeliveries } from '../../src/adversary/targets.js';
import { observe, type View } from '../../src/adversary/view.js';
import type { Targets } from '../../src/attacks/attack.js';
import { type HopIds, Kind, type KindId, ObservationLog, VIS_RX } from '../../src/net/log.js';
import { GroundTruth } from '../../src/net/truth.js';

const MS = 1e6;
const U = 10;
// Infrastructure hosts: S (the store the recipient reads from), B and C (other parties).
const S = U;
const B = U + 1;
const C = U + 2;

/** The anchors of target i as buildTargets lists them (the primary first). */
function anchorsOf(t: Targets, i: number): Int32Array {
  return (t.anchors as Int32Array).subarray((t.anchorStart as Int32Array)[i], (t.anchorStart as Int32Array)[i + 1]);
}

function view(held: number[]): View {
  const h = new Uint8Array(U + 3);
  for (const x of held) h[x] = 1;
  return { name: 'v', kind: 'colluding', held: h, global: false };
}

function world() {
  const log = new ObservationLog();
  const truth = new GroundTruth();
  const hop = (
    t: number,
    from: number,
    to: number,
    prev: number,
    msg: number,
    ids?: HopIds,
    kind: KindId = Kind.message,
  ) => log.append(t * MS, (t + 10) * MS, from, to, 256, kind, prev, msg, ids);
  const deliver = (row: number, msg: number, sender: number, recipient: number, group = -1) =>
    truth.record(msg, sender, recipient, group, 0, log.tRx[row], row);
  return { log, truth, hop, deliver };
}

function targetsOf(w: ReturnType<typeof world>, v: View, groupMembersReadable = false) {
  const { obs, obsOf, rowOf } = observe(w.log, v);
  const t = buildTargets(w.log, w.truth, scoredDeliveries(w.truth, 0), obs, obsOf, { rowOf, groupMembersReadable });
  // Anchors as log rows, for readable assertions.
  return {
    anchors: (i: number) => Array.from(anchorsOf(t, i), (j) => rowOf[j]),
    primary: (i: number) => (t.anchor[i] < 0 ? -1 : rowOf[t.anchor[i]]),
    causal: (i: number) => (t.causalAnchor && t.causalAnchor[i] >= 0 ? rowOf[t.causalAnchor[i]] : -1),
  };
}

describe('buildTargets anchors', () => {
  // 3 → S (stores for 7, reads the account), S replicates to B, S → 7 delivers.
  function replicated(replicaIds: HopIds | undefined, replicaMsg = 0) {
    const w = world();
    const up = w.hop(0, 3, S, -1, 0, { rAcct: 7, vis: VIS_RX });
    const rep = w.hop(20, S, B, up, replicaMsg, replicaIds, Kind.replicate);
    const down = w.hop(500, S, 7, up, 0);
    w.deliver(down, 0, 3, 7);
    return { w, up, rep, down };
  }

  it('a held replica naming the recipient anchors the delivery it is not on the chain of', () => {
    const { w, rep } = replicated({ rAcct: 7 });
    const t = targetsOf(w, view([B]));
    expect(t.anchors(0)).toEqual([rep]);
    expect(t.primary(0)).toBe(rep);
    expect(t.causal(0)).toBe(rep);
  });

  it('is joined only by what the view reads: the same recipient on another payload, or no readable account, is no anchor', () => {
    expect(targetsOf(replicated({ rAcct: 7 }, 1).w, view([B])).anchors(0)).toEqual([]);
    expect(targetsOf(replicated(undefined).w, view([B])).anchors(0)).toEqual([]);
    expect(targetsOf(replicated({ rAcct: 5 }).w, view([B])).anchors(0)).toEqual([]);
    // A sync copy or receipt about the message is another payload.
    const w = world();
    const up = w.hop(0, 3, S, -1, 0);
    w.hop(20, S, B, up, 0, { rAcct: 7 }, Kind.sync);
    w.deliver(w.hop(500, S, 7, up, 0), 0, 3, 7);
    expect(targetsOf(w, view([B])).anchors(0)).toEqual([]);
  });

  it('primary: the latest sighting whose exact chain reaches a device, else the earliest', () => {
    // Held S sees the upload from 3's device and the hop into 7: both exact, the latest is primary.
    const { w, up, rep, down } = replicated({ rAcct: 7 });
    const held = targetsOf(w, view([S, B]));
    expect(held.anchors(0)).toEqual([down, up, rep]);
    expect(held.primary(0)).toBe(down);
    // Held B and the recipient's link seen only at 7's end (C relays to 7): no exact chain, the earliest.
    const w2 = world();
    const up2 = w2.hop(0, 3, S, -1, 0, { rAcct: 7, vis: VIS_RX });
    const rep2 = w2.hop(20, S, B, up2, 0, { rAcct: 7 }, Kind.replicate);
    const mid = w2.hop(300, S, C, up2, 0);
    const last = w2.hop(400, C, 7, mid, 0);
    w2.deliver(last, 0, 3, 7);
    const t2 = targetsOf(w2, view([B, C]));
    expect(t2.anchors(0)).toEqual([rep2, last]);
    expect(t2.primary(0)).toBe(rep2);
  });

  it('group copies anchor every member only where object ids name their members', () => {
    // 3 posts to room 4 at S; S federates to C (a third member's server) and hands it to 7.
    const w = world();
    const up = w.hop(0, 3, S, -1, 0, { sAcct: 3, obj: 4 });
    const fed = w.hop(20, S, C, up, 0, { sAcct: 3, rAcct: 8, obj: 4 });
    w.deliver(w.hop(40, S, 7, up, 0), 0, 3, 7, 4);
    expect(targetsOf(w, view([C]), true).anchors(0)).toEqual([fed]);
    expect(targetsOf(w, view([C]), false).anchors(0)).toEqual([]);
  });

  it('a copy sighted after the delivery anchors the scores, not the causal answer', () => {
    const w = world();
    const up = w.hop(0, 3, S, -1, 0, { sAcct: 3, obj: 4 });
    const down = w.hop(10, S, 7, up, 0);
    const late = w.hop(30, S, C, up, 0, { sAcct: 3, rAcct: 8, obj: 4 });
    w.deliver(down, 0, 3, 7, 4);
    const t = targetsOf(w, view([C]), true);
    expect(t.anchors(0)).toEqual([late]);
    expect(t.primary(0)).toBe(late);
    expect(t.causal(0)).toBe(-1);
  });
});
