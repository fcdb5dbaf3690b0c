/**
 * A size-reading observer (timing attack, `sizes: true`, the default): the size-change law, and its effect end
 * to end — it sharpens tracing where sizes vary (Matrix events) and changes nothing where every
 * packet has one size (SimpleX's 16 KB blocks).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sizeModel } from '../../src/adversary/targets.js';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioText, top1Se } from '../run-scenario.js';

describe('sizeModel', () => {
  it('gives each observed change its frequency and an unseen one half a sample', () => {
    const m = sizeModel([400, 400, 400, -100, 0]);
    expect(m.samples).toBe(5);
    expect(m.p(400)).toBeCloseTo(3 / 5, 12);
    expect(m.p(-100)).toBeCloseTo(1 / 5, 12);
    expect(m.p(7)).toBeCloseTo(0.5 / 5, 12);
    expect(sizeModel([]).samples).toBe(0);
  });

  it('reads a narrow law from a table and a wide one from its counts, alike at every change', () => {
    const samples = [400, 400, 400, -100, 0, 0, 16384];
    const wideSamples = [...samples, 1e9];
    // The definition: a change's frequency, half a sample's worth when never seen (Map reads −0 as 0).
    const expected = (xs: number[], d: number) => xs.filter((x) => x === d).length / xs.length || 0.5 / xs.length;
    const narrow = sizeModel(samples);
    const wide = sizeModel(wideSamples);
    for (const d of [-101, -100, -99, -0, 0, 1, 0.5, 399.5, 400, 16384, 16385, 1e9, Number.NaN]) {
      expect(narrow.p(d)).toBe(expected(samples, d));
      expect(wide.p(d)).toBe(expected(wideSamples, d));
    }
  });
});

const USERS = 300;
const SCENARIO = `
name: sizes
seed: 2
duration: 15min
warmup: 1min
workload: { users: ${USERS}, contacts: 6, rate: 1/5min, messageSize: "lognormal(100, 1.2)" }
designs:
  - { design: matrix, mixDelay: 2s }
  - { design: simplex, mixDelay: 2s }
adversaries: [ { kind: global-passive } ]
attacks: [timing]
sweep:
  attackParams.timing.sizes: [false, true]
`;

let rows: SummaryRow[] = [];
beforeAll(async () => {
  rows = await runScenarioText(SCENARIO);
}, 120_000);

const top1 = (design: string, sizes: boolean) => {
  const r = rows.find((x) => x.design === design && x.sweep[0] === sizes);
  if (!r) throw new Error(`no row ${design} ${sizes}`);
  return r;
};

describe('timing attack reading sizes (global passive, 2 s mixing)', () => {
  it('traces Matrix events far better: their sizes change by fixed amounts per hop', () => {
    const blind = top1('matrix', false);
    const aware = top1('matrix', true);
    expect(aware.top1 - blind.top1).toBeGreaterThan(4 * Math.hypot(top1Se(blind), top1Se(aware)));
  });

  it('learns nothing from SimpleX, where every transmission is one 16 KB block', () => {
    expect(Math.abs(top1('simplex', true).top1 - top1('simplex', false).top1)).toBeLessThan(1e-6);
  });
});
