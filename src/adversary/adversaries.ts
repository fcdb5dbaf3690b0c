/**
 * Adversary kinds and how each picks the hosts it holds. Colluding sets are prefixes of one
 * random order of the design's infrastructure drawn from "adversary/colluding", so within a
 * replicate a 5 % set is contained in the 10 % set (nested sweeps, monotone results).
 */
import { randomOrder, type Streams } from '../core/rng.js';
import type { BuiltDesign } from '../designs/design.js';
import type { View } from './view.js';

export type AdversarySpec =
  | { kind: 'single'; name: string; target: 'server' | 'random' }
  | { kind: 'colluding'; name: string; fraction?: number; count?: number }
  | { kind: 'global-passive'; name: string }
  | { kind: 'none'; name: string };

export const ADVERSARY_KINDS = ['single', 'colluding', 'global-passive', 'none'] as const;

/** Number of hosts a colluding adversary holds out of `infra` (at least 1 when fraction > 0). */
export function colludingSize(spec: { fraction?: number; count?: number }, infra: number): number {
  if (spec.count !== undefined) return Math.min(spec.count, infra);
  const f = spec.fraction ?? 0.1;
  return Math.min(infra, Math.max(1, Math.round(f * infra)));
}

export function makeView(spec: AdversarySpec, built: BuiltDesign, hostCount: number, streams: Streams): View {
  const held = new Uint8Array(hostCount);
  switch (spec.kind) {
    case 'single': {
      let h = built.central;
      if (spec.target === 'random') {
        const order = randomOrder(streams.stream('adversary/single'), built.infra.length);
        h = built.infra[order[0]];
      }
      held[h] = 1;
      return { name: spec.name, kind: 'single', held, global: false };
    }
    case 'colluding': {
      const order = randomOrder(streams.stream('adversary/colluding'), built.infra.length);
      const k = colludingSize(spec, built.infra.length);
      for (let i = 0; i < k; i++) held[built.infra[order[i]]] = 1;
      return { name: spec.name, kind: 'colluding', held, global: false };
    }
    case 'global-passive':
      return { name: spec.name, kind: 'global-passive', held, global: true };
    case 'none':
      return { name: spec.name, kind: 'none', held, global: false };
  }
}
