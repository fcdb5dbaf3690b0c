import type { DesignModule } from './design.js';

// Placeholder until the model lands; build() refuses to run rather than emit wrong science.
export const signal: DesignModule = {
  id: 'signal',
  summary: 'signal (not yet modelled)',
  params: [],
  processing: { default: '0s', source: 'placeholder' },
  build() {
    throw new Error('design signal is not implemented yet');
  },
};
