import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests beside the code, integration tests against the real services.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          // Unit tests first (fast feedback), then the integration files, a few at a time.
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.int.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // 2 cores and shared services: a few files at once is the sweet spot.
          maxWorkers: 3,
        },
      },
    ],
  },
});
