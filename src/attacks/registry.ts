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

export function suggestAttack(name: string): string | undefined {
  return suggest(name, ATTACKS.keys());
}
