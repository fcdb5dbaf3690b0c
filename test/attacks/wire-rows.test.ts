/**
 * The protocol-aware observer of the windowed attacks (flow, disclosure: `sizes`, default on):
 * which rows it takes for candidate sends and deliveries (src/attacks/wire-rows.ts), and its
 * effect end to end — acks and pushes out of each delivery's candidate sends sharpen Signal, the
 * series (pair scores) stay those of the size-blind observer, and SimpleX's one-size blocks
 * change nothing. Background traffic is stripped here (`background: stripped`), so sizes act on
 * the logged rows alone; what counting it does is test/attacks/background.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { payloadSizeLaws, sizeModel } from '../../src/adversary/targets.js';
import { observe } from '../../src/adversary/view.js';
import { payloadRows } from '../../src/attacks/wire-rows.js';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { DESIGNS } from '../../src/designs/registry.js';
import { Kind } from '../../src/net/log.js';
import { simulate } from '../../src/pipeline/job.js';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { resolveScenario } from '../../src/scenario/resolve.js';
import { runScenarioText, top1Se } from '../run-scenario.js';

describe('sizeModel.seen', () => {
  it('is true exactly for measured values, and for every value without samples', () => {
    const m = sizeModel([460, 620, 460]);
    expect([m.seen(460), m.seen(620), m.seen(64), m.seen(0)]).toEqual([true, true, false, false]);
    expect(sizeModel([]).seen(64)).toBe(true);
  });
});

describe('payloadRows on a simulated Signal world (global view)', () => {
  const { scenario } = resolveScenario(
    {
      name: 'wire',
      seed: 3,
      duration: '5min',
      workload: { users: 60, contacts: 4, rate: '1/min' },
      designs: [{ design: 'signal' }],
      adversaries: [{ kind: 'global-passive' }],
    },
    'wire.yaml',
  );
  const item = scenario.designs[0];
  const world = simulate(scenario, item, DESIGNS.get(item.design)!, new Streams(replicateSeed(scenario.seed, 0)));
  const users = world.workload.users;
  const { obs, rowOf } = observe(world.log, {
    name: 'g',
    kind: 'global-passive',
    held: new Uint8Array(0),
    global: true,
  });
  const payloadSizes = payloadSizeLaws(world.log, world.truth);
  const aware = payloadRows({ users, obs, payloadSizes }, true);
  const blind = payloadRows({ users, obs, payloadSizes }, false);
  const kindOf = (j: number) => world.log.kind[rowOf[j]];

  it('keeps every payload departure and arrival, and drops every 64 B ack and every push', () => {
    let acks = 0;
    for (let d = 0; d < world.truth.length; d++) {
      const j = world.truth.finalRow[d]; // a global view's rows are the log's rows
      expect(aware.delivery(j)).toBe(true);
      let o = j;
      while (world.log.prev[o] >= 0) o = world.log.prev[o];
      expect(aware.send(o)).toBe(true);
    }
    for (let j = 0; j < obs.length; j++) {
      const k = kindOf(j);
      // Acks and pushes at a device (the server's acks to the push service are no device's rows).
      if ((k === Kind.ack || k === Kind.push) && (obs.from[j] < users || obs.to[j] < users)) {
        acks++;
        expect(aware.send(j) || aware.delivery(j)).toBe(false);
        expect(blind.send(j) || blind.delivery(j)).toBe(true);
      }
    }
    expect(acks).toBeGreaterThan(world.truth.length);
    expect(aware.sizeAware).toBe(true);
    expect(blind.sizeAware).toBe(false);
  });

  it('never counts a row between infrastructure parties', () => {
    for (let j = 0; j < obs.length; j++) {
      if (obs.from[j] >= users) expect(aware.send(j)).toBe(false);
      if (obs.to[j] >= users) expect(aware.delivery(j)).toBe(false);
    }
  });
});

const SCENARIO = `
name: wire-sizes
seed: 4
duration: 8min
warmup: 1min
workload: { users: 400, contacts: 6, rate: 1/2min }
designs:
  - { design: signal }
  - { design: simplex }
adversaries: [ { kind: global-passive } ]
attacks: [flow, disclosure]
attackParams: { flow: { background: stripped }, disclosure: { background: stripped } }
sweep:
  zip:
    attackParams.flow.sizes: [false, true]
    attackParams.disclosure.sizes: [false, true]
`;

let rows: SummaryRow[] = [];
beforeAll(async () => {
  rows = await runScenarioText(SCENARIO);
}, 120_000);

/** The row of `attack` on `design` with `sizes` set. */
const row = (design: string, attack: string, sizes: boolean) => {
  const r = rows.find((x) => x.design === design && x.attack === attack && x.sweep[0] === sizes);
  if (!r) throw new Error(`no row ${design} ${attack} ${sizes}`);
  return r;
};

describe('flow and disclosure reading sizes (global passive)', () => {
  for (const attack of ['flow', 'disclosure']) {
    it(`${attack}: Signal deliveries are attributed better once acks are not candidate sends; pair scores unchanged`, () => {
      const blind = row('signal', attack, false);
      const aware = row('signal', attack, true);
      expect(aware.top1 - blind.top1).toBeGreaterThan(4 * Math.hypot(top1Se(blind), top1Se(aware)));
      expect(aware.pair_auc).toBe(blind.pair_auc);
    });

    it(`${attack}: SimpleX, one 16 KB block for everything, is the same for both observers`, () => {
      expect(row('simplex', attack, true).top1).toBe(row('simplex', attack, false).top1);
    });
  }
});
