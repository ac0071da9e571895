import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run the client package from its source, as the type-check does (tsconfig.json `paths`).
const resolve = {
  alias: [
    {
      find: /^@chainlake\/client\/chain$/,
      replacement: fileURLToPath(new URL('./clients/typescript/src/chain/index.ts', import.meta.url)),
    },
    {
      find: /^@chainlake\/client$/,
      replacement: fileURLToPath(new URL('./clients/typescript/src/index.ts', import.meta.url)),
    },
  ],
};

// Two projects: pure unit tests beside the code, integration tests against the real services.
export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts', 'clients/typescript/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          // Unit tests first (fast feedback), then the integration files, a few at a time.
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.int.test.ts', 'clients/typescript/test/**/*.int.test.ts'],
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
