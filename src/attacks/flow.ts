import type { AttackModule } from './attack.js';

// Placeholder until the attack lands; run() refuses rather than report made-up numbers.
export const flow: AttackModule = {
  id: 'flow',
  summary: 'flow (not yet implemented)',
  params: [],
  run() {
    throw new Error('attack flow is not implemented yet');
  },
};
