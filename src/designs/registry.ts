import { suggest } from '../core/errors.js';
import type { DesignModule } from './design.js';
import { matrix } from './matrix/index.js';
import { mixnet } from './mixnet/index.js';
import { session } from './session/index.js';
import { signal } from './signal/index.js';
import { simplex } from './simplex/index.js';

export const DESIGNS: ReadonlyMap<string, DesignModule> = new Map(
  [signal, session, simplex, matrix, mixnet].map((d) => [d.id, d]),
);

export function designNames(): string[] {
  return [...DESIGNS.keys()];
}

export function suggestDesign(name: string): string | undefined {
  return suggest(name, DESIGNS.keys());
}
