import { defineConfig } from 'vitest/config';

/**
 * Tiers (CONTRIBUTING "Tests"): `npm test` runs `e2e` and `unit` (four files at a time, sharing
 * the workers), then `process`; `npm run test:faults` runs `faults`; a bare `npx vitest run` runs
 * them all. `process` runs after the parallel ones (its groupOrder), its files one at a time in one
 * worker; `faults` (one worker, isolated) last, in vitest's sequential group.
 */

/**
 * Real children and workers with timing bounds: alone on the 2 shared cores (STYLE.md practice 15).
 * The status page's browser test drives Chromium (seconds of CPU to start) against a real daemon.
 */
const PROCESS_HEAVY = [
  'test/runner/**/*.test.ts',
  'test/daemon/**/*.test.ts',
  'test/control/real-runner.test.ts',
  'test/http/browser.test.ts',
  // Claims per second against a throwaway PostgreSQL: a rate, measured alone on the cores.
  'test/store/postgres/claim-rate.test.ts',
];

/**
 * Real daemons driven through bin/taskkit. Mostly waiting (for a daemon's next instant, for a
 * subprocess) with bounds of seconds: several files at a time (SHARED_WORKERS).
 */
const E2E = ['test/e2e/**/*.test.ts'];

/**
 * Kills, floods, full disks and clock steps against a real daemon: minutes, and timing-sensitive by design.
 * The cluster harness is one of them: three real daemons and a throwaway PostgreSQL per file, killed,
 * frozen and restarted, with detection bounds of seconds (CLUSTER.md 11); about two minutes.
 */
const FAULTS = ['test/faults/**/*.test.ts', 'test/cluster/**/*.test.ts'];

/**
 * `unit` and `e2e` share one pool (vitest runs projects of equal maxWorkers as one group). An e2e
 * file mostly waits on real instants, so four files at a time on 2 cores keep the CPU busy where
 * two left it idle (CONTRIBUTING "Tests": measured).
 */
const SHARED_WORKERS = 4;

const shared = { setupFiles: ['test/setup.ts'], testTimeout: 20_000, hookTimeout: 20_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...PROCESS_HEAVY, ...E2E, ...FAULTS],
          maxWorkers: SHARED_WORKERS,
          // Each worker imports vitest and the sources once, not once per file: `unit` 92 s -> 53 s
          // (CONTRIBUTING "Tests"). A file that changes the process (TZ, umask) puts it back after
          // itself (test/support/process-zone.ts, afterEach); test/setup.ts installs its handlers once.
          isolate: false,
        },
      },
      {
        test: {
          ...shared,
          name: 'process',
          include: PROCESS_HEAVY,
          fileParallelism: false,
          // One worker runs every file, one after another, importing vitest and the sources once:
          // `process` 42-55 s -> 30-40 s under load (CONTRIBUTING "Tests"). The same rule as `unit`:
          // a file puts back what it changes (runner/runner.test.ts drops its module mocks).
          isolate: false,
          // Not isolated, it is no longer vitest's sequential group: its own group, after unit + e2e.
          sequence: { groupOrder: 1 },
        },
      },
      { test: { ...shared, name: 'e2e', include: E2E, maxWorkers: SHARED_WORKERS } },
      { test: { ...shared, name: 'faults', include: FAULTS, fileParallelism: false } },
    ],
  },
});
