/**
 * Fallback from the break (timing `fallback: break`): mass the trace loses where the view's exact
 * chain breaks is spread by the law of departure → break row instead of departure → anchor.
 * A global observer's trace never breaks that way, so its scores are unchanged to the last bit;
 * colluding nodes' chains do break, their scores change, and never for the worse beyond 4σ.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioText, top1Se } from '../run-scenario.js';

const SCENARIO = `
name: fallback
seed: 5
duration: 15min
warmup: 1min
workload: { users: 300, contacts: 6, rate: 1/5min }
designs:
  - design: session
  - { design: mixnet, loopRate: 0/s, dropRate: 1/min }
adversaries:
  - kind: global-passive
  - kind: colluding
    fraction: 0.1
attacks: [timing]
sweep:
  attackParams.timing.fallback: [anchor, break]
`;

let rows: SummaryRow[] = [];
beforeAll(async () => {
  rows = await runScenarioText(SCENARIO);
}, 120_000);

const pair = (design: string, adversary: string) => {
  const get = (v: string) => {
    const r = rows.find((x) => x.design === design && x.adversary === adversary && x.sweep[0] === v);
    if (!r) throw new Error(`no row ${design} ${adversary} ${v}`);
    return r;
  };
  return [get('anchor'), get('break')] as const;
};

describe('timing fallback from the break', () => {
  it.each(['session', 'mixnet'])('%s: leaves the global observer exactly as it was', (design) => {
    const [anchor, brk] = pair(design, 'global-passive');
    expect([brk.top1, brk.entropy_bits, brk.pair_auc]).toEqual([anchor.top1, anchor.entropy_bits, anchor.pair_auc]);
  });

  // (10 % of the mixnet's 13 parties is one, which anchors nothing at 300 users: Session only.)
  it('session: changes colluding scores, never for the worse beyond 4σ', () => {
    const [anchor, brk] = pair('session', 'colluding-10%');
    expect(brk.entropy_bits).not.toBe(anchor.entropy_bits);
    expect(brk.top1).toBeGreaterThanOrEqual(anchor.top1 - 4 * Math.hypot(top1Se(anchor), top1Se(brk)));
  });
});
