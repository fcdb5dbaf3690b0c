/** Views from adversary specs: each kind (registry.ts) marks the hosts it holds in a built design. */
import type { Streams } from '../core/rng.js';
import type { BuiltDesign } from '../designs/design.js';
import { ADVERSARIES, type AdversarySpec } from './registry.js';
import type { View } from './view.js';

export { colludingSize } from './kinds/colluding.js';
export type { AdversarySpec } from './registry.js';

export function makeView(spec: AdversarySpec, built: BuiltDesign, hostCount: number, streams: Streams): View {
  const held = new Uint8Array(hostCount);
  const kind = ADVERSARIES.get(spec.kind);
  if (!kind) throw new Error(`unknown adversary kind ${spec.kind}`);
  kind.hold(spec, built, held, streams);
  return { name: spec.name, kind: spec.kind, held, global: kind.global };
}

/**
 * What `spec` will observe of a design item with `infra` infrastructure hosts, known before
 * simulating (AdversaryKind.planned): specs with equal keys see the same rows of every world.
 */
export function plannedView(spec: AdversarySpec, infra: number): string {
  const kind = ADVERSARIES.get(spec.kind);
  if (!kind) throw new Error(`unknown adversary kind ${spec.kind}`);
  return `${kind.global ? 'global' : 'held'}:${kind.planned(spec, infra)}`;
}
