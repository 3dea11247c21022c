import { defineConfig } from 'vitest/config';

/** Browser tests (`npm run test:e2e`): Debian's Chromium driven by playwright-core. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
