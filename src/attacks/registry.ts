import { suggest } from '../core/errors.js';
import type { AttackModule } from './attack.js';
import { disclosure } from './disclosure.js';
import { flow } from './flow.js';
import { identifier } from './identifier.js';
import { timing } from './timing.js';

export const ATTACKS: ReadonlyMap<string, AttackModule> = new Map(
  [identifier, timing, flow, disclosure].map((a) => [a.id, a]),
);

export function attackNames(): string[] {
  return [...ATTACKS.keys()];
}

/**
 * Names the literature uses for our attacks, offered as `did you mean …?` (never accepted, so a
 * scenario names each attack one way): statistical disclosure (SDA, Danezis 2003) and
 * intersection/hitting-set attacks are `disclosure`; traffic-confirmation / correlation by time is
 * `timing`; rate/volume correlation is `flow`; linking by account or address is `identifier`.
 */
export const ATTACK_ALIASES: Readonly<Record<string, string>> = {
  sda: 'disclosure',
  'statistical-disclosure': 'disclosure',
  'statistical disclosure': 'disclosure',
  intersection: 'disclosure',
  'hitting-set': 'disclosure',
  'timing-correlation': 'timing',
  correlation: 'timing',
  'traffic-confirmation': 'timing',
  'flow-correlation': 'flow',
  volume: 'flow',
  id: 'identifier',
  identifiers: 'identifier',
  account: 'identifier',
};

/** The attack id `name` most likely means: an alias, else the nearest id by edit distance. */
export function suggestAttack(name: string): string | undefined {
  return ATTACK_ALIASES[name.toLowerCase()] ?? suggest(name, ATTACKS.keys());
}
