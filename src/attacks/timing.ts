import type { AttackModule } from './attack.js';

// Placeholder until the attack lands; run() refuses rather than report made-up numbers.
export const timing: AttackModule = {
  id: 'timing',
  summary: 'timing (not yet implemented)',
  params: [],
  run() {
    throw new Error('attack timing is not implemented yet');
  },
};
