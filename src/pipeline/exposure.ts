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
import type { Workload } from '../workload/types.js';
import type { Evaluation } from './evaluate.js';

export const VECTORS = [
  'real_world_identifier',
  'social_graph',
  'ip_visible',
  'group_membership',
  'global_passive',
  'push_infrastructure',
] as const;
export type Vector = (typeof VECTORS)[number];
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

export interface DesignExposure {
  values: Record<Vector, number>;
  users: number;
}

export function grade(vector: Vector, value: number, users: number): Grade {
  if (!Number.isFinite(value)) return 'A';
  const t = THRESHOLDS[vector];
  const p = vector === 'global_passive' ? t.p / users : t.p;
  return value >= t.x ? 'X' : value >= p ? 'P' : 'A';
}

interface ExposureInput {
  log: ObservationLog;
  truth: GroundTruth;
  hosts: Hosts;
  workload: Workload;
  built: BuiltDesign;
  scored: Int32Array;
  attacks: string[];
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
  // (group, member) → exposed?  A party ties member R to group message copies when it
  // identifies R on R's copy (sends into R's device or reads rAcct = R) and can tie that copy to
  // the group: it reads an identifier on it, or it also handles another member's copy of the
  // same message. Platform push providers are excluded here (they have their own vector).
  const exposed = new Map<number, boolean>();
  const byMsg = new Map<number, number[]>();
  for (let d = 0; d < truth.length; d++) {
    if (truth.group[d] < 0) continue;
    const list = byMsg.get(truth.msg[d]);
    if (list) list.push(d);
    else byMsg.set(truth.msg[d], [d]);
  }
  for (const copies of byMsg.values()) {
    const partiesOf = copies.map((d) => {
      const s = new Set<number>();
      for (const r of chain(log, truth.finalRow[d])) {
        if (log.from[r] >= users && !pushHosts.has(log.from[r])) s.add(log.from[r]);
        if (log.to[r] >= users && !pushHosts.has(log.to[r])) s.add(log.to[r]);
      }
      return s;
    });
    copies.forEach((d, i) => {
      const key = truth.group[d] * users + truth.recipient[d];
      if (exposed.get(key)) return;
      const R = truth.recipient[d];
      const rows = chain(log, truth.finalRow[d]);
      let ok = false;
      for (const h of partiesOf[i]) {
        const identifies = rows.some(
          (r) => (log.from[r] === h && log.to[r] === R) || (log.rAcct[r] === R && reads(log, r, h)),
        );
        if (!identifies) continue;
        const ties = rows.some((r) => reads(log, r, h)) || partiesOf.some((s, j) => j !== i && s.has(h));
        if (ties) {
          ok = true;
          break;
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

export function measureExposure(input: ExposureInput): DesignExposure {
  const { log, truth, built, scored, workload } = input;
  const users = workload.users;
  const pushHosts = new Set(built.pushHosts);
  let social = 0;
  let gpa = 0;
  for (const attackId of input.attacks) {
    const central = input.run({ kind: 'single', name: 'exposure:central', target: 'server' }, attackId);
    social = Math.max(social, central.metrics.pair_precision);
    const global = input.run({ kind: 'global-passive', name: 'exposure:global' }, attackId);
    gpa = Math.max(gpa, global.metrics.top1);
  }
  return {
    users,
    values: {
      real_world_identifier: built.realWorldIdentifier,
      social_graph: social,
      ip_visible: ipVisible(log, truth, scored),
      group_membership: groupMembership(log, truth, users, pushHosts),
      global_passive: gpa,
      push_infrastructure: pushFraction(log, truth, scored, pushHosts, users),
    },
  };
}
