import { defineConfig } from 'vitest/config';

// Unit tests run anywhere with fakes behind interfaces; integration tests (*.itg.test.ts) use the real
// parts the sandbox brings up (Docker engine, registry, sshd, kubectl, Prometheus) and run one file at a
// time because they share those parts on a 2-core machine.
const exclude = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, '**/*.itg.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.itg.test.ts'],
          exclude,
          // Leases the sandbox's parts to the test files that ask for them, and stops what the run started.
          globalSetup: ['test/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
