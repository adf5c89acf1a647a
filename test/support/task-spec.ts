/** A whole TaskSpec for tests that build one by hand (engine, runner): the tasks-file defaults plus overrides. */
import type { TaskSpec } from '../../src/config/types.js';

/** A task with the defaults of DESIGN.md (on demand, overlap skip, no retry, catch-up skip...). */
export function makeTask(name: string, overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    name,
    description: '',
    schedule: { kind: 'on-demand' },
    timezone: 'UTC',
    action: { kind: 'shell', script: 'true', shell: '/bin/sh' },
    cwd: '/tmp',
    env: {},
    envFile: null,
    secretEnv: [],
    timeoutMs: null,
    killAfterMs: 10_000,
    overlap: 'skip',
    retry: { attempts: 0, delayMs: 10_000, backoff: 2, maxDelayMs: 600_000 },
    jitterMs: 0,
    catchUp: 'skip',
    deadlineMs: null,
    hold: false,
    maxRuns: null,
    until: null,
    after: [],
    onSuccess: [],
    onFailure: [],
    history: { keep: 200, outputLimitBytes: 262_144 },
    ...overrides,
  };
}
