import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // fails the run if a test writes into ../shared/delta-corpus
    globalSetup: ['storage/testing/corpus-guard.ts'],
  },
});
