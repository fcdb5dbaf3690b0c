import type { DesignModule } from './design.js';

// Placeholder until the model lands; build() refuses to run rather than emit wrong science.
export const simplex: DesignModule = {
  id: 'simplex',
  summary: 'simplex (not yet modelled)',
  params: [],
  processing: { default: '0s', source: 'placeholder' },
  build() {
    throw new Error('design simplex is not implemented yet');
  },
};
