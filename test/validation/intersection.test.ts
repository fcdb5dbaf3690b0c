/**
 * V15 (intersection attack, a single contact: Kesdogan, Agrawal, Penz 2002) through the pipeline:
 * scenario text → simulate → global passive view → disclosure `method: intersection` → messages.csv.
 *
 * Validation mode: constant 30 ms links and no processing, so each delivery's round (the epoch of
 * its sighting minus the 60 ms end-to-end delay) is the epoch of its send; no receipts, replies,
 * groups or linked devices; everyone always online. A user's rows leaving its device are then its
 * sends (Poisson, rate λ when it has contacts) and one ack per message delivered to it (Poisson,
 * rate ρ_v = Σ over contacts c of λ/deg(c) with uniform contact weights), independent of any other
 * user's, so user v is active in a round with probability q_v = 1 − exp(−E·(λ_v + ρ_v)) and
 * independently of every other user and round.
 *
 * For a recipient R whose deliveries all came from one partner A, after its t rounds:
 *   E[false candidates] = Σ_{v ∉ {A, R}} q_v^t                      (V15's (N − 1)·q^t, exact)
 *   Π_{v ∉ {A, R}} (1 − q_v^t) ≤ P(unique) ≤ Π_{v ∈ I} (1 − q_v^t)    (V15's (1 − q^t)^(N−1))
 * with I any set of users no two of whom are contacts. Users are not independent: a message from
 * c to v makes both active in one round (the send and the ack), so survivals of contacts covary
 * (counted in the variance) and the product form is a lower bound (Harris–FKG: survivals are
 * increasing in the same independent Poisson processes); non-contacts share no process.
 * Conditioning on R hearing only from A removes the other contacts' sends to R: λ_v loses
 * λ/deg(v) per edge to R. A must survive every round. Units: recipients (4σ).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { replicateSeed, Streams } from '../../src/core/rng.js';
import { resolveScenario } from '../../src/scenario/index.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { runScenarioRows } from '../run-scenario.js';
import { validationWorld } from './windowed-world.js';

const N = 1000;
const E = 5e9;
const TEXT = validationWorld({
  name: 'v15-pipeline',
  seed: 15,
  replicates: 4,
  users: N,
  contacts: 2,
  rate: '1/2min',
  method: 'intersection',
});

describe('V15 through the pipeline: intersection of the rounds of a single-partner recipient', () => {
  it('E[false candidates] = Σ q_v^t, P(unique) between the product bounds, 4σ over recipients', async () => {
    const res = await runScenarioRows(TEXT, true);
    const s = resolveScenario(parse(TEXT), 'v15.yaml').scenario!;
    const lambda = s.workload.rate;
    type Bin = {
      n: number;
      false: number;
      mean: number;
      var: number;
      unique: number;
      pLower: number;
      pUpper: number;
      pVar: number;
    };
    const bins = new Map<string, Bin>();
    let eliminated = 0;
    for (let rep = 0; rep < s.replicates; rep++) {
      // The pipeline's own workload (simulate draws it from the replicate's streams first).
      const w = generateWorkload({ ...s.workload, duration: s.duration }, new Streams(replicateSeed(s.seed, rep)));
      const { adjStart, adj } = w;
      const deg = (u: number) => adjStart[u + 1] - adjStart[u];
      const rho = new Float64Array(N);
      for (let c = 0; c < N; c++) for (let k = adjStart[c]; k < adjStart[c + 1]; k++) rho[adj[k]] += lambda / deg(c);

      // Each recipient's senders, rounds and surviving candidates.
      const byR = new Map<number, { senders: Set<number>; rounds: Set<number>; candidates: number }>();
      for (const m of res.messages) {
        if (m.replicate !== rep) continue;
        const r = byR.get(m.recipient) ?? { senders: new Set(), rounds: new Set(), candidates: m.candidates };
        r.senders.add(m.sender);
        r.rounds.add(Math.floor((m.sent_ms * 1e6) / E));
        byR.set(m.recipient, r);
      }
      for (const [R, r] of byR) {
        if (r.senders.size !== 1) continue;
        const A = [...r.senders][0];
        if (A === R) continue;
        if (r.candidates === N) {
          eliminated++;
          continue;
        }
        const t = r.rounds.size;
        // Rate of rows leaving v's device: its sends (but none to R) and one ack per message to it.
        const rate = new Float64Array(N);
        for (let v = 0; v < N; v++) {
          let edgesToR = 0;
          for (let k = adjStart[v]; k < adjStart[v + 1]; k++) if (adj[k] === R) edgesToR++;
          rate[v] = (deg(v) > 0 ? lambda * (1 - edgesToR / deg(v)) : 0) + rho[v];
        }
        const qt = (v: number) => (1 - Math.exp(-E * rate[v])) ** t;
        let mean = 0;
        let variance = 0;
        let logUnique = 0;
        const order: number[] = [];
        for (let v = 0; v < N; v++) {
          if (v === A || v === R) continue;
          const q = qt(v);
          mean += q;
          variance += q * (1 - q);
          logUnique += Math.log1p(-q);
          order.push(v);
        }
        // Contacts share the messages between them (a send and its ack fall in one round): their
        // survivals covary. Covariance of a contact pair, and an upper bound on P(unique) from
        // users no two of whom are contacts (their survivals are independent).
        const picked = new Uint8Array(N);
        let logUpper = 0;
        order.sort((a, b) => qt(b) - qt(a));
        for (const v of order) {
          let free = true;
          for (let k = adjStart[v]; k < adjStart[v + 1]; k++) {
            const c = adj[k];
            if (picked[c]) free = false;
            if (c <= v || c === A || c === R) continue;
            const shared = lambda / deg(v) + lambda / deg(c);
            const both =
              1 - Math.exp(-E * rate[v]) - Math.exp(-E * rate[c]) + Math.exp(-E * (rate[v] + rate[c] - shared));
            variance += 2 * (both ** t - qt(v) * qt(c));
          }
          if (free) {
            picked[v] = 1;
            logUpper += Math.log1p(-qt(v));
          }
        }
        const key = t >= 4 ? '≥4' : String(t);
        const b = bins.get(key) ?? { n: 0, false: 0, mean: 0, var: 0, unique: 0, pLower: 0, pUpper: 0, pVar: 0 };
        const lower = Math.exp(logUnique);
        const upper = Math.exp(logUpper);
        b.n++;
        b.false += r.candidates - 1;
        b.mean += mean;
        b.var += variance;
        b.unique += r.candidates === 1 ? 1 : 0;
        b.pLower += lower;
        b.pUpper += upper;
        b.pVar += Math.max(lower * (1 - lower), upper * (1 - upper));
        bins.set(key, b);
      }
    }
    // The partner is in every one of its recipient's rounds: it is never ruled out.
    expect(eliminated).toBe(0);
    for (const key of ['1', '2', '3', '≥4']) {
      const b = bins.get(key)!;
      expect(b.n).toBeGreaterThan(100);
      const tolE = 4 * Math.sqrt(b.var);
      const tolP = 4 * Math.sqrt(b.pVar) + 1e-9;
      console.log(
        `V15 t=${key} (${b.n} recipients): false candidates ${(b.false / b.n).toFixed(4)} per recipient ` +
          `(closed form ${(b.mean / b.n).toFixed(4)} ± ${(tolE / b.n).toFixed(4)}), P(unique) ${(b.unique / b.n).toFixed(4)} ` +
          `(between ${(b.pLower / b.n).toFixed(4)} and ${(b.pUpper / b.n).toFixed(4)}, ± ${(tolP / b.n).toFixed(4)})`,
      );
      expect(Math.abs(b.false - b.mean)).toBeLessThanOrEqual(tolE);
      expect(b.unique).toBeGreaterThanOrEqual(b.pLower - tolP);
      expect(b.unique).toBeLessThanOrEqual(b.pUpper + tolP);
    }
  }, 60_000);
});
