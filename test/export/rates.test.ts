/** Message rates for the trilemma panel: cover parameters, and the drop packets of payload slots. */
import { describe, expect, it } from 'vitest';
import { coverPerUserPerS, realPerUserPerS } from '../../src/export/rates.js';
import { resolveScenario } from '../../src/scenario/index.js';

const scenario = (mixnet: Record<string, string>) =>
  resolveScenario(
    {
      name: 'rates',
      duration: '30min',
      workload: { users: 50, rate: '1/10min', replyProbability: 0 },
      designs: [{ design: 'mixnet', loopRate: '1/min', dropRate: '2/min', ...mixnet }],
      adversaries: [{ kind: 'global-passive' }],
      attacks: ['timing'],
    },
    'rates.yaml',
  ).scenario;

describe('coverPerUserPerS', () => {
  it('counts loop and drop cover, and the drop packets that fill empty payload slots', () => {
    const plain = scenario({});
    expect(realPerUserPerS(plain)).toBeCloseTo(1 / 600, 9);
    expect(coverPerUserPerS(plain, 0)).toBeCloseTo(3 / 60, 9);
    // 6 slots a minute, 0.1 of them carry a real message: the other 5.9 are drop packets.
    expect(coverPerUserPerS(scenario({ payloadRate: '6/min' }), 0)).toBeCloseTo(3 / 60 + 6 / 60 - 1 / 600, 9);
    // Slots slower than the real rate: the queue grows, and no slot is left for a drop packet.
    expect(coverPerUserPerS(scenario({ payloadRate: '1/20min' }), 0)).toBeCloseTo(3 / 60, 9);
  });
});
