import { defineConfig } from 'vitest/config';

/**
 * Three tiers (CONTRIBUTING "Tests"): `npm test` runs `unit` then `process`; `npm run test:faults`
 * runs `faults`; a bare `npx vitest run` runs all three. A project with one worker runs after the
 * parallel one, its files one at a time (vitest's sequential group).
 */

/** Real daemons, children and workers, some with timing bounds: alone on the 2 shared cores (STYLE.md practice 15). */
const PROCESS_HEAVY = [
  'test/runner/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/daemon/**/*.test.ts',
  'test/control/real-runner.test.ts',
];

/** Kills, floods, full disks and clock steps against a real daemon: minutes, and timing-sensitive by design. */
const FAULTS = ['test/faults/**/*.test.ts'];

const shared = { setupFiles: ['test/setup.ts'], testTimeout: 20_000, hookTimeout: 20_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...PROCESS_HEAVY, ...FAULTS],
          maxWorkers: 2,
        },
      },
      { test: { ...shared, name: 'process', include: PROCESS_HEAVY, fileParallelism: false } },
      { test: { ...shared, name: 'faults', include: FAULTS, fileParallelism: false } },
    ],
  },
});
