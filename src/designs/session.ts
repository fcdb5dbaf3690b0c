import type { DesignModule } from './design.js';

// Placeholder until the model lands; build() refuses to run rather than emit wrong science.
export const session: DesignModule = {
  id: 'session',
  summary: 'session (not yet modelled)',
  params: [],
  processing: { default: '0s', source: 'placeholder' },
  build() {
    throw new Error('design session is not implemented yet');
  },
};
