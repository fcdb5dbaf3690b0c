/**
 * The measured exposure matrix: for each of the six vectors of the article's metadata exposure
 * matrix, a number measured on the run and a grade A (protected) / P (partial) / X (exposed)
 * by the thresholds below (documented in docs/exposure.md). Chain-based vectors read ground
 * truth to ask "could one infrastructure party have learnt this?"; attack-based vectors use
 * the same attacks as the rest of the run.
 */
import type { AdversarySpec } from '../adversary/adversaries.js';
import type { BuiltDesign } from '../designs/design.js';
import type { Hosts } from '../net/hosts.js';
import { type ObservationLog, VIS_RX, VIS_TX } from '../net/log.js';
import type { GroundTruth } from '../net/truth.js';
import type { Evaluation } from './evaluate.js';
import type { WorldWorkload } from './job.js';

export const VECTORS = [
  'real_world_identifier',
  'social_graph',
  'ip_visible',
  'group_membership',
  'global_passive',
  'push_infrastructure',
] as const;
export type Vector = (typeof VECTORS)[number];

/**
 * Vectors whose value is an input of the model, not a measurement on the run: the share of
 * accounts registered with a real-world identifier is a per-design parameter or constant
 * (`BuiltDesign.realWorldIdentifier`: Signal 1, Matrix `threepidFraction`), passed through.
 * exposure.csv marks their rows `source = input`; every other row is `measured`.
 */
export const INPUT_VECTORS: ReadonlySet<Vector> = new Set<Vector>(['real_world_identifier']);
export type Grade = 'A' | 'P' | 'X';

/** value ≥ x ⇒ X; value ≥ p ⇒ P; else A. The global-passive `p` is relative to the 1/users baseline. */
export const THRESHOLDS: Record<Vector, { x: number; p: number; meaning: string }> = {
  real_world_identifier: { x: 0.9, p: 0.1, meaning: 'fraction of accounts registered with a phone number or e-mail' },
  social_graph: {
    x: 0.5,
    p: 0.1,
    meaning: 'best pair precision (top-K contact pairs) of any attack run by the single most central party',
  },
  ip_visible: {
    x: 0.5,
    p: 0.05,
    meaning: "fraction of deliveries where one party sees the sender's IP and reads an identifier of the same message",
  },
  group_membership: {
    x: 0.5,
    p: 0.05,
    meaning: 'fraction of (group, member) pairs a single party can tie together',
  },
  global_passive: {
    x: 0.5,
    p: 5,
    meaning:
      'best top-1 sender identification of any attack by a global passive adversary (P from 5× the 1/users baseline)',
  },
  push_infrastructure: {
    x: 0.2,
    p: 0.001,
    meaning: 'fraction of deliveries that woke the recipient through a platform push provider',
  },
};

/** Which of the scenario's adversaries, and which of its attacks, an attack-based value came from. */
export interface ExposureBasis {
  adversary: string;
  attack: string;
}

export interface DesignExposure {
  values: Record<Vector, number>;
  users: number;
  /** For the attack-based vectors that were measured: the adversary and the best attack. */
  basis: Partial<Record<Vector, ExposureBasis>>;
}

/** The grade of a measured value; '' when the vector was not measured (value NaN: no data, not "protected"). */
export function grade(vector: Vector, value: number, users: number): Grade | '' {
  if (!Number.isFinite(value)) return '';
  const t = THRESHOLDS[vector];
  const p = vector === 'global_passive' ? t.p / users : t.p;
  return value >= t.x ? 'X' : value >= p ? 'P' : 'A';
}

interface ExposureInput {
  log: ObservationLog;
  truth: GroundTruth;
  hosts: Hosts;
  workload: WorldWorkload;
  built: BuiltDesign;
  scored: Int32Array;
  attacks: string[];
  /** The scenario's adversaries: attack-based vectors use these, never adversaries of their own. */
  adversaries: readonly AdversarySpec[];
  run(adv: AdversarySpec, attackId: string): Evaluation;
}

/** Rows of the causal chain of a delivery, from the hop into the recipient's device back to the sender's. */
function chain(log: ObservationLog, finalRow: number): number[] {
  const rows: number[] = [];
  for (let r = finalRow; r >= 0; r = log.prev[r]) rows.push(r);
  return rows;
}

/** Identifiers party `h` reads on row r (any of sAcct, rAcct, obj), per the row's visibility bits. */
function reads(log: ObservationLog, r: number, h: number): boolean {
  const vis = log.idVis[r];
  const side = (log.to[r] === h && (vis & VIS_RX) !== 0) || (log.from[r] === h && (vis & VIS_TX) !== 0);
  return side && (log.sAcct[r] >= 0 || log.rAcct[r] >= 0 || log.obj[r] >= 0);
}

function ipVisible(log: ObservationLog, truth: GroundTruth, scored: Int32Array): number {
  if (scored.length === 0) return Number.NaN;
  let hit = 0;
  for (const d of scored) {
    const rows = chain(log, truth.finalRow[d]);
    const origin = rows[rows.length - 1];
    const firstParty = log.to[origin];
    if (rows.some((r) => reads(log, r, firstParty))) hit++;
  }
  return hit / scored.length;
}

function groupMembership(log: ObservationLog, truth: GroundTruth, users: number, pushHosts: Set<number>): number {
  // Member R's membership in group g is exposed to party P when, for some message of g, P
  // identifies R on R's copy (sends into R's device, or reads rAcct = R) and ties that copy to
  // another member's copy of the same message: the two copies' paths share a row P is an end of
  // (one upload fanned out), or P reads the same object id (room, recipient set) on both.
  // Separate pairwise sends with per-pair queue ids are not tied (that would take timing
  // inference, which the attacks measure). Platform push providers have their own vector.
  const exposed = new Map<number, boolean>();
  const byMsg = new Map<number, number[]>();
  for (let d = 0; d < truth.length; d++) {
    if (truth.group[d] < 0) continue;
    const list = byMsg.get(truth.msg[d]);
    if (list) list.push(d);
    else byMsg.set(truth.msg[d], [d]);
  }
  const infra = (h: number) => h >= users && !pushHosts.has(h);
  for (const copies of byMsg.values()) {
    const chains = copies.map((d) => chain(log, truth.finalRow[d]));
    const rowSets = chains.map((rows) => new Set(rows));
    // Object ids each party reads on each copy: "party:obj" strings.
    const objSets = chains.map((rows) => {
      const s = new Set<string>();
      for (const r of rows) {
        if (log.obj[r] < 0) continue;
        for (const h of [log.from[r], log.to[r]]) if (infra(h) && reads(log, r, h)) s.add(`${h}:${log.obj[r]}`);
      }
      return s;
    });
    copies.forEach((d, i) => {
      const R = truth.recipient[d];
      const key = truth.group[d] * users + R;
      if (exposed.get(key)) return;
      let ok = false;
      for (const r of chains[i]) {
        for (const h of [log.from[r], log.to[r]]) {
          if (ok || !infra(h)) continue;
          const identifies = chains[i].some(
            (x) => (log.from[x] === h && log.to[x] === R) || (log.rAcct[x] === R && reads(log, x, h)),
          );
          if (!identifies) continue;
          ok = chains.some(
            (other, j) =>
              j !== i &&
              (other.some((x) => rowSets[i].has(x) && (log.from[x] === h || log.to[x] === h)) ||
                [...objSets[i]].some((k) => k.startsWith(`${h}:`) && objSets[j].has(k))),
          );
        }
      }
      exposed.set(key, ok);
    });
  }
  if (exposed.size === 0) return Number.NaN;
  let n = 0;
  for (const v of exposed.values()) if (v) n++;
  return n / exposed.size;
}

function pushFraction(
  log: ObservationLog,
  truth: GroundTruth,
  scored: Int32Array,
  pushHosts: Set<number>,
  users: number,
): number {
  if (scored.length === 0) return Number.NaN;
  if (pushHosts.size === 0) return 0;
  // A wake-up is not on the payload's chain: the device fetches after being woken. Count
  // deliveries whose recipient received a push row in the interval before the delivery hop.
  const lastPush = new Map<number, number[]>();
  for (let r = 0; r < log.length; r++) {
    if (pushHosts.has(log.from[r]) && log.to[r] < users) {
      const list = lastPush.get(log.to[r]);
      if (list) list.push(log.tRx[r]);
      else lastPush.set(log.to[r], [log.tRx[r]]);
    }
  }
  let hit = 0;
  for (const d of scored) {
    const times = lastPush.get(truth.recipient[d]);
    if (!times) continue;
    const t = truth.tDeliver[d];
    const sent = truth.tSend[d];
    if (times.some((x) => x >= sent && x <= t)) hit++;
  }
  return hit / scored.length;
}

/**
 * The best value of `metric` over the run's attacks for the scenario's adversary `adv`, with the
 * attack that gave it (the first in the attack list on a tie); NaN without such an adversary or attack.
 */
function best(
  input: ExposureInput,
  adv: AdversarySpec | undefined,
  metric: (e: Evaluation) => number,
): { value: number; basis?: ExposureBasis } {
  let value = Number.NaN;
  let basis: ExposureBasis | undefined;
  if (!adv) return { value };
  for (const attackId of input.attacks) {
    const v = metric(input.run(adv, attackId));
    if (Number.isFinite(v) && !(v <= value)) {
      value = v;
      basis = { adversary: adv.name, attack: attackId };
    }
  }
  return { value, basis };
}

export function measureExposure(input: ExposureInput): DesignExposure {
  const { log, truth, built, scored, workload } = input;
  const users = workload.users;
  const pushHosts = new Set(built.pushHosts);
  // The single most central party, and the global passive observer — as the scenario defines them.
  const central = input.adversaries.find((a) => a.kind === 'single' && a.target === 'server');
  const global = input.adversaries.find((a) => a.kind === 'global-passive');
  const social = best(input, central, (e) => e.metrics.pair_precision);
  const gpa = best(input, global, (e) => e.metrics.top1);
  const basis: DesignExposure['basis'] = {};
  if (social.basis) basis.social_graph = social.basis;
  if (gpa.basis) basis.global_passive = gpa.basis;
  return {
    users,
    basis,
    values: {
      real_world_identifier: built.realWorldIdentifier,
      social_graph: social.value,
      ip_visible: ipVisible(log, truth, scored),
      group_membership: groupMembership(log, truth, users, pushHosts),
      global_passive: gpa.value,
      push_infrastructure: pushFraction(log, truth, scored, pushHosts, users),
    },
  };
}
