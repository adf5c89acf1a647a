/**
 * Delivery tests: synthetic alerts (the engine's Alert), a real store in a temp dir, notifier
 * scripts that record what they got, and cleanup of every process group a script recorded.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NotifySpec, NotifyTarget } from '../../../src/config/types.js';
import {
  createDeliveryService,
  type DeliveryLimits,
  type DeliveryService,
} from '../../../src/daemon/notify/deliveries.js';
import type { Alert } from '../../../src/engine/events.js';
import type { SqliteStore } from '../../../src/store/sqlite-store.js';
import { makeRun } from '../../store/_support.js';

export const AT = Date.parse('2026-12-03T03:00:00.000Z');

export function notifyTo(target: NotifyTarget): NotifySpec {
  return { target, on: ['failure', 'recovery', 'overdue', 'auto-hold'], after: 1, repeatMs: null };
}

/** A failure alert of run #7 of backup (exit 3, output "line 1\nline 2 ✓\n"), to `target`. */
export function makeAlert(target: NotifyTarget, overrides: Partial<Alert> = {}): Alert {
  return {
    event: 'failure',
    task: 'backup',
    at: AT,
    notify: notifyTo(target),
    run: makeRun(),
    failures: 2,
    ...overrides,
  };
}

export interface Harness {
  readonly service: DeliveryService;
  readonly logs: [string, string][];
}

/** A delivery service on `store`, with short limits and the tasks' notifiers from `tasks`. */
export function startService(
  store: SqliteStore,
  dir: string,
  options: {
    limits?: Partial<DeliveryLimits>;
    env?: NodeJS.ProcessEnv;
    tasks?: Record<string, NotifySpec>;
  } = {},
): Harness {
  const logs: [string, string][] = [];
  const service = createDeliveryService({
    store,
    log: (level, message) => logs.push([level, message]),
    now: () => AT + 1_000,
    context: () => ({ shell: '/bin/sh', cwd: dir, notifyOf: (name) => options.tasks?.[name] ?? null }),
    env: options.env ?? process.env,
    limits: { processTimeoutMs: 5_000, url: { timeoutMs: 2_000, retryDelaysMs: [20, 40] }, ...options.limits },
  });
  return { service, logs };
}

/** Write an executable script. */
export function writeScript(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The pids scripts wrote to `file` (one a line); missing file: none. */
export function readPids(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

/** SIGKILL the process group of each pid (each notifier leads its own group). */
export function killGroups(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

export function scriptPath(dir: string, name: string): string {
  return join(dir, name);
}
