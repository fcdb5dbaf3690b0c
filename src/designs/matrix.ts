import type { DesignModule } from './design.js';

// Placeholder until the model lands; build() refuses to run rather than emit wrong science.
export const matrix: DesignModule = {
  id: 'matrix',
  summary: 'matrix (not yet modelled)',
  params: [],
  processing: { default: '0s', source: 'placeholder' },
  build() {
    throw new Error('design matrix is not implemented yet');
  },
};
