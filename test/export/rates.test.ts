/** Message rates for the trilemma panel: cover parameters, and the dummies that fill empty slots. */
import { describe, expect, it } from 'vitest';
import { coverPerUserPerS, realPerUserPerS } from '../../src/export/rates.js';
import { resolveScenario } from '../../src/scenario/index.js';

/** 50 users writing 1/10 min each (no replies), one design item. */
const scenario = (item: Record<string, string>) =>
  resolveScenario(
    {
      name: 'rates',
      duration: '30min',
      workload: { users: 50, rate: '1/10min', replyProbability: 0 },
      designs: [item],
      adversaries: [{ kind: 'global-passive' }],
      attacks: ['timing'],
    },
    'rates.yaml',
  ).scenario;
const mixnet = (over: Record<string, string>) =>
  scenario({ design: 'mixnet', loopRate: '1/min', dropRate: '2/min', ...over });
const signal = (over: Record<string, string>) => scenario({ design: 'signal', coverRate: '2/min', ...over });

describe('coverPerUserPerS', () => {
  it('counts loop and drop cover, and the drop packets that fill empty payload slots', () => {
    expect(realPerUserPerS(mixnet({}))).toBeCloseTo(1 / 600, 9);
    expect(coverPerUserPerS(mixnet({}), 0)).toBeCloseTo(3 / 60, 9);
    // 6 slots a minute, 0.1 of them carry a real message: the other 5.9 are drop packets.
    expect(coverPerUserPerS(mixnet({ payloadRate: '6/min' }), 0)).toBeCloseTo(3 / 60 + 6 / 60 - 1 / 600, 9);
    // Slots slower than the real rate: the queue grows, and no slot is left for a drop packet.
    expect(coverPerUserPerS(mixnet({ payloadRate: '1/20min' }), 0)).toBeCloseTo(3 / 60, 9);
  });

  it("counts a messenger's cover slots the same way, and cover on top in full", () => {
    expect(coverPerUserPerS(signal({}), 0)).toBeCloseTo(2 / 60, 9);
    expect(coverPerUserPerS(signal({ coverMode: 'slots' }), 0)).toBeCloseTo(2 / 60 - 1 / 600, 9);
  });
});
