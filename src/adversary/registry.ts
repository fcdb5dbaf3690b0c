/** Adversary kinds by name: one line per kind (its file in kinds/ holds everything else). */
import { suggest } from '../core/errors.js';
import type { AdversaryKind } from './kind.js';
import { colluding } from './kinds/colluding.js';
import { globalPassive } from './kinds/global-passive.js';
import { none } from './kinds/none.js';
import { single } from './kinds/single.js';

const KINDS = [single, colluding, globalPassive, none] as const;

/** A resolved adversary item: its kind's spec plus its label in outputs. */
export type AdversarySpec = { [I in keyof typeof KINDS]: SpecOf<(typeof KINDS)[I]> & { name: string } }[number];
type SpecOf<K> = K extends AdversaryKind<string, infer S> ? S : never;

export type AdversaryKindName = AdversarySpec['kind'];

export const ADVERSARIES: ReadonlyMap<string, AdversaryKind> = new Map(
  KINDS.map((k) => [k.kind, k as unknown as AdversaryKind]),
);

export const ADVERSARY_KINDS = KINDS.map((k) => k.kind) as readonly AdversaryKindName[];

export function suggestAdversaryKind(name: string): string | undefined {
  return suggest(name, ADVERSARIES.keys());
}
