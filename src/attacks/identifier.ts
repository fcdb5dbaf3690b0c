import type { AttackModule } from './attack.js';

// Placeholder until the attack lands; run() refuses rather than report made-up numbers.
export const identifier: AttackModule = {
  id: 'identifier',
  summary: 'identifier (not yet implemented)',
  params: [],
  run() {
    throw new Error('attack identifier is not implemented yet');
  },
};
