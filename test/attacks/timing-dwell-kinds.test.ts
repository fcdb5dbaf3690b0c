/**
 * Per-kind dwell laws (timing `dwell: per-kind`): a party relaying to the next party, and one
 * answering a device from storage, hold packets by different laws. Split by the forwarding
 * party's role and whether the row goes to a device (both public), the mixnet's laws come apart —
 * processing only at a provider forwarding into the mixes, exponential mixing at a mix, inbox
 * waits towards devices — and a global observer that knows this links more deliveries.
 */
import { describe, expect, it } from 'vitest';
import { dwellKindModels, dwellModel } from '../../src/adversary/targets.js';
import { dwellKind } from '../../src/attacks/attack.js';
import { Streams } from '../../src/core/rng.js';
import { MIN, MS } from '../../src/core/time.js';
import { mixnet } from '../../src/designs/mixnet/index.js';
import { Role } from '../../src/net/hosts.js';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { runDesign, spec } from '../designs/harness.js';
import { runScenarioText, top1Se } from '../run-scenario.js';

describe('dwellKindModels', () => {
  const w = generateWorkload(spec(100, 10 * MIN), new Streams(5));
  const { log, hosts } = runDesign(mixnet, w, { dropRate: '2/min' }, 5, undefined, {
    processing: mixnet.processing.default,
  });
  const models = dwellKindModels(log, w.users, hosts.role);
  const pooled = dwellModel(log, w.users);
  const at = (role: number, toDevice: boolean) => models[dwellKind(role, toDevice)];

  it('splits the forwards of every party into kinds that add up to the pooled law', () => {
    const total = models.reduce((n, m) => n + (m?.samples ?? 0), 0);
    expect(total).toBe(pooled.samples);
    expect(at(Role.mix, false).samples).toBeGreaterThan(1000);
    expect(at(Role.provider, false).samples).toBeGreaterThan(1000);
    expect(at(Role.provider, true).samples).toBeGreaterThan(100);
  });

  it('keeps each law to its own range: processing, mixing, inbox waits', () => {
    // A provider forwarding into the mixes only processes: uniform(1 ms, 5 ms).
    expect(at(Role.provider, false).lo).toBeGreaterThanOrEqual(1 * MS);
    expect(at(Role.provider, false).hi).toBeLessThanOrEqual(5 * MS);
    // A mix adds Exp(200 ms): over thousands of packets the longest hold is far beyond 5 ms.
    expect(at(Role.mix, false).hi).toBeGreaterThan(1000 * MS);
    // Towards devices the provider holds packets until the next fetch (every 1 s).
    expect(at(Role.provider, true).hi).toBeGreaterThan(100 * MS);
    expect(pooled.hi).toBeGreaterThanOrEqual(at(Role.mix, false).hi);
  });
});

describe('timing with per-kind dwell laws', () => {
  it('links more mixnet deliveries than with one pooled law, beyond 4σ', async () => {
    const rows = await runScenarioText(`name: dwell-kinds
seed: 3
duration: 20min
warmup: 1min
workload: { users: 500, contacts: 6, rate: 1/3min }
designs:
  - { design: mixnet, loopRate: 0/s, dropRate: 1/min, fetchReply: stored, fetchInterval: 3s }
adversaries: [{ kind: global-passive }]
attacks: [timing]
sweep:
  attackParams.timing.dwell: [pooled, per-kind]
`);
    // Inbox fetches every 3 s make the providers' holds towards devices long, which one pooled
    // law lends to every mix and provider hop (the direction law already tells the hops apart,
    // not their holds): measured 0.030 pooled → 0.054 per kind.

    const row = (v: string) => rows.find((r) => r.sweep[0] === v) as SummaryRow;
    const pooled = row('pooled');
    const perKind = row('per-kind');
    expect(pooled.messages).toBeGreaterThan(5000);
    expect(perKind.top1 - pooled.top1).toBeGreaterThan(4 * Math.hypot(top1Se(pooled), top1Se(perKind)));
  }, 60_000);
});
