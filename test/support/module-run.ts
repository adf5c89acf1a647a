/**
 * Run requests for module tasks (runner tests, example tests). The worker entry is loaded from
 * dist/ (a Worker cannot load .ts), so these tests need `npm run build` first, as `npm test` does.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunRequest } from '../../src/runner/types.js';
import type { TaskHandle } from '../../src/task-context.js';
import { makeTask } from './task-spec.js';

/** Absolute folder of test/fixtures/modules/ (ends with a slash). */
export const MODULE_FIXTURES = fileURLToPath(new URL('../fixtures/modules/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A TaskHandle that records its calls, for runs without an engine. */
export interface FakeHandle extends TaskHandle {
  readonly calls: unknown[][];
}

export function createFakeHandle(): FakeHandle {
  const calls: unknown[][] = [];
  return {
    calls,
    setPeriod: (...args) => void calls.push(['setPeriod', ...args]),
    runOnCompletion: (...args) => void calls.push(['runOnCompletion', ...args]),
    hold: (...args) => void calls.push(['hold', ...args]),
  };
}

export interface ModuleRequestOptions {
  readonly name?: string;
  readonly exportName?: string;
  readonly args?: unknown;
  readonly timeoutMs?: number;
  readonly killAfterMs?: number;
  readonly outputLimitBytes?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** Run #7 of a module task, scheduled for 2026-06-01T12:00Z; `path` is absolute or under MODULE_FIXTURES. */
export function createModuleRequest(path: string, options: ModuleRequestOptions = {}): RunRequest {
  const absolute = path.startsWith('/') ? path : `${MODULE_FIXTURES}${path}`;
  const task = makeTask(options.name ?? 'module-task', {
    action: { kind: 'module', path: absolute, exportName: options.exportName ?? 'default', args: options.args ?? null },
    cwd: MODULE_FIXTURES,
    env: options.env ?? {},
    timeoutMs: options.timeoutMs ?? null,
    killAfterMs: options.killAfterMs ?? 10_000,
  });
  return {
    runId: 7,
    task,
    trigger: 'schedule',
    scheduledAt: Date.UTC(2026, 5, 1, 12, 0, 0),
    attempt: 1,
    outputLimitBytes: options.outputLimitBytes ?? 256 * 1024,
    handle: createFakeHandle(),
  };
}

/** A stale build would test old code: insist on a dist/ at least as new as the sources a worker runs. */
export function assertFreshWorkerBuild(): void {
  for (const name of ['runner/module-worker', 'runner/module-export', 'runner/task-context', 'runner/output-buffer']) {
    const built = statSync(`${ROOT}dist/${name}.js`, { throwIfNoEntry: false });
    const source = statSync(`${ROOT}src/${name}.ts`);
    if (built === undefined || built.mtimeMs < source.mtimeMs)
      throw new Error(`dist/${name}.js is missing or older than its source: run \`npm run build\` first`);
  }
}
