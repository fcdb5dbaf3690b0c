import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Sim rejects fractional times under test (src/core/sim.ts); CLI children and workers inherit it.
    env: { ANONSIM_STRICT_TIME: '1' },
    globalSetup: ['test/global-setup.ts'],
    forceRerunTriggers: ['**/package.json/**', '**/vitest.config.*/**', '**/workers/**', '**/viz/**', '**/scripts/build*.mjs'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
