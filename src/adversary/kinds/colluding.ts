/**
 * A set of the design's infrastructure hosts. Sets are prefixes of one random order of the
 * infrastructure drawn from "adversary/colluding", so within a replicate a 5 % set is contained
 * in the 10 % set (nested sweeps, monotone results).
 */
import { randomOrder } from '../../core/rng.js';
import { int, num } from '../../params/typed.js';
import type { AdversaryKind, InfraSize } from '../kind.js';

export interface ColludingSpec {
  kind: 'colluding';
  fraction?: number;
  count?: number;
}

/** Fewer held hosts than this makes which hosts are drawn decide much of a replicate (warned). */
export const FEW_HELD = 5;

const FRACTION = num('fraction', {
  default: 0.1,
  min: 0,
  minExclusive: true,
  max: 1,
  description:
    "colluding: fraction of each design's infrastructure hosts held: round(fraction × hosts), halves rounded up, at least 1 and at most all (10 % of SimpleX's 18 hosts is 2; validation warns below 5 held hosts); give fraction or count. `anonsim list <design>` and manifest.json's `held` show the hosts.",
  source: '[assumption] 10 % of the infrastructure, a common benchmark for colluding relays in onion-routing studies',
});

const COUNT = int('count', {
  default: 1,
  min: 1,
  unit: 'hosts',
  description:
    "colluding: number of infrastructure hosts held; must not exceed the smallest infrastructure among the scenario's designs with more than one host.",
  source: '[assumption] one host unless the scenario gives a count or fraction',
});

/** Number of hosts a colluding adversary holds out of `infra` (at least 1 when fraction > 0). */
export function colludingSize(spec: { fraction?: number; count?: number }, infra: number): number {
  if (spec.count !== undefined) return Math.min(spec.count, infra);
  const f = spec.fraction ?? FRACTION.default;
  return Math.min(infra, Math.max(1, Math.round(f * infra)));
}

/**
 * The smallest infrastructure among the designs that have more than one host (Signal's one
 * service is its whole infrastructure, so any count holds it, as the simulation caps the set).
 */
function smallestNodeSet(infra: readonly InfraSize[]): { size: number; where: string } | undefined {
  let best: { size: number; where: string } | undefined;
  for (const { name, index, hosts } of infra) {
    if (hosts <= 1) continue;
    if (!best || hosts < best.size)
      best = { size: hosts, where: `${hosts} infrastructure hosts of ${name} (designs.${index})` };
  }
  return best;
}

export const colluding: AdversaryKind<'colluding', ColludingSpec> = {
  kind: 'colluding',
  summary: "a set of the design's infrastructure hosts (nested across sizes within a replicate)",
  brief: 'a set of infrastructure parties',
  fields: [FRACTION, COUNT],
  nameForm: 'colluding-<fraction as %> or colluding-<count>-hosts',
  resolve(r, item, path, infra) {
    if (item.fraction !== undefined && item.count !== undefined) {
      r.error(`${path}.count`, 'fraction and count are both given', 'either fraction or count, not both');
      return undefined;
    }
    if (item.count !== undefined) {
      const count = r.value(COUNT, item.count, `${path}.count`);
      if (count === undefined) return undefined;
      const nodes = smallestNodeSet(infra);
      if (nodes && count > nodes.size) {
        r.error(
          `${path}.count`,
          `${count} hosts is more than the ${nodes.where}`,
          `an integer in [1, ${nodes.size}], or a fraction`,
        );
        return undefined;
      }
      return { kind: 'colluding', count };
    }
    const fraction = r.value(FRACTION, item.fraction, `${path}.fraction`);
    return fraction === undefined ? undefined : { kind: 'colluding', fraction };
  },
  /**
   * Warns when a fraction holds fewer than FEW_HELD hosts of some design's infrastructure while
   * leaving others out: the result then turns on which few hosts the replicate draws.
   */
  warn(r, spec, path, infra) {
    if (spec.count !== undefined) return;
    const f = spec.fraction ?? FRACTION.default;
    const few = infra
      .map((d) => ({ ...d, held: colludingSize(spec, d.hosts) }))
      .filter((d) => d.hosts > 1 && d.held < FEW_HELD && d.held < d.hosts);
    if (few.length === 0) return;
    // Variants of one design with one infrastructure are named once, by the design id.
    const byInfra = new Map<string, { label: string; held: number; hosts: number }>();
    for (const d of few) {
      const key = `${d.design}/${d.hosts}`;
      const e = byInfra.get(key);
      if (e) e.label = d.design;
      else byInfra.set(key, { label: d.name, held: d.held, hosts: d.hosts });
    }
    const list = [...byInfra.values()].map((d) => `${d.held} of ${d.label}'s ${d.hosts}`).join(', ');
    r.warn(
      `${path}.fraction`,
      `${Number((f * 100).toPrecision(6))} % holds only ${list} infrastructure hosts (round(fraction × hosts), at least 1)`,
      'which hosts a replicate draws then decides much of its result: expect wide intervals and use more replicates (or --precision), or give count',
    );
  },
  defaultName(spec) {
    if (spec.count !== undefined) return `colluding-${spec.count}-hosts`;
    return `colluding-${Number(((spec.fraction ?? FRACTION.default) * 100).toPrecision(6))}%`;
  },
  global: false,
  hold(spec, built, held, streams) {
    const order = randomOrder(streams.stream('adversary/colluding'), built.infra.length);
    const k = colludingSize(spec, built.infra.length);
    for (let i = 0; i < k; i++) held[built.infra[order[i]]] = 1;
  },
  // Sets of one size are one prefix of one order; a set of every host is the whole infrastructure.
  planned(spec, infra) {
    const k = colludingSize(spec, infra);
    return k >= infra ? 'infra' : `colluding:${k}`;
  },
};
