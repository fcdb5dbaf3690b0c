import type { AttackModule } from './attack.js';

// Placeholder until the attack lands; run() refuses rather than report made-up numbers.
export const disclosure: AttackModule = {
  id: 'disclosure',
  summary: 'disclosure (not yet implemented)',
  params: [],
  run() {
    throw new Error('attack disclosure is not implemented yet');
  },
};
