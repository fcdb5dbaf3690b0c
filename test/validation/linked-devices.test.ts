/**
 * Signal linked devices against the service behind carrier-grade NAT, through the pipeline
 * (scenario text → simulate → the service's view → identifier attack → top1).
 *
 * g users share each address, and each user has a linked device with probability d
 * (`linkedDevices`). The sealed upload's address names g users, who tie (top1 credit 1/g). A
 * sender with a linked device follows every send with an identified sync transcript to its own
 * account from the same address, which names it (credit 1). So per delivery the credit is 1 with
 * probability d and 1/g otherwise: about d + (1 − d)/g.
 *
 * The exact form tested adds collisions: the attack counts every identified self-addressed send
 * from the address in the W = 2 s after the upload, so a NAT-mate's sync transcript in that window
 * (probability p = 1 − exp(−(g − 1)·d·ν·W), ν = sends per user per s) ties with a linked sender
 * (credit 1/2) or beats an unlinked one (credit 0):
 *
 *   E[top1] = (1 − p)·(d + (1 − d)/g) + p·d/2.
 *
 * Variance: the credit is fixed by the sender's linked status, drawn once per user, so the
 * spread comes mostly from which users are linked: with n scored deliveries over U users (Poisson
 * activity, λ = n/U per user) (1 − 1/g)²·d(1 − d)·(1 + 1/λ)/U, plus p(1 − p)/n for collisions.
 * Tolerance 4σ + 0.002 (3-way collisions; the recipient sharing the sender's address, (g − 1)/(U − 1)
 * of deliveries, whose credit rises from 1/g to 1/(g − 1): < 0.0002).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/pipeline/types.js';
import { runScenarioText } from '../run-scenario.js';

const USERS = 2000;
const G = 4;
const FRACTIONS = [0, 0.5, 1];

const WINDOW_S = 2; // the identifier attack's default syncWindow
const SCORED_S = 18 * 60; // duration − warmup
// Read receipts off: a read sync is also an identified self-addressed send, which would add to
// the collisions above at a rate the formula does not model.
const SCENARIO = `
name: linked-devices-check
seed: 13
duration: 20min
warmup: 2min
workload:
  users: ${USERS}
  contacts: 6
  rate: 1/10min
  groups: { count: 0 }
  online: { model: always }
designs:
  - { design: signal, usersPerIp: ${G}, readReceipts: false }
adversaries:
  - kind: single
    target: server
attacks: [identifier]
sweep:
  designs.0.linkedDevices: [${FRACTIONS.join(', ')}]
`;

let rows: SummaryRow[] = [];

beforeAll(async () => {
  rows = await runScenarioText(SCENARIO);
}, 120_000);

function rowFor(d: number): SummaryRow {
  const r = rows.find((x) => Number(x.sweep[0]) === d);
  if (!r) throw new Error(`no row for linkedDevices ${d}`);
  return r;
}

describe('Signal linked devices: the service joins the identified sync transcript to the sealed send', () => {
  for (const d of FRACTIONS) {
    it(`top1 = d + (1 − d)/g at d = ${d}, g = ${G}`, () => {
      const r = rowFor(d);
      expect(r.deliveries).toBeGreaterThan(3000);
      const nu = r.deliveries / (USERS * SCORED_S);
      const p = 1 - Math.exp(-(G - 1) * d * nu * WINDOW_S);
      const expected = (1 - p) * (d + (1 - d) / G) + (p * d) / 2;
      const lambda = r.deliveries / USERS;
      const variance = (1 - 1 / G) ** 2 * ((d * (1 - d) * (1 + 1 / lambda)) / USERS) + (p * (1 - p)) / r.deliveries;
      expect(Math.abs(r.top1 - expected)).toBeLessThan(4 * Math.sqrt(variance) + 0.002);
    });
  }

  it('without linked devices the address alone leaves the g-way tie', () => {
    expect(Math.abs(rowFor(0).top1 - 1 / G)).toBeLessThan(0.002);
    expect(rowFor(0.5).top1).toBeGreaterThan(rowFor(0).top1 + 0.3);
  });
});
