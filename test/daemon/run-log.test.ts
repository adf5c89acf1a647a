// daemon/run-log.ts: a run's start line says how late it started as a person reads it at a
// glance (issue 18.7), as its end line says how long it took: "+12ms", "+3.0s", "+2h05m", never
// "+7500000ms" (a catch-up run after a night with the daemon down).
import { expect, test } from 'vitest';
import type { Scheduler } from '../../src/engine/scheduler.js';
import type { RunRecord } from '../../src/engine/run.js';
import { logEngineEvents } from '../../src/daemon/run-log.js';

const DUE = Date.parse('2026-03-08T09:00:00Z');

function startLine(lateMs: number): string {
  const listeners = new Map<string, (run: RunRecord) => void>();
  const scheduler = {
    on: (event: string, listener: (run: RunRecord) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  } as unknown as Scheduler;
  const lines: string[] = [];
  logEngineEvents(scheduler, (_level, message) => lines.push(message));
  const run = { id: 7, task: 'backup', trigger: 'catch-up', scheduledAt: DUE, startedAt: DUE + lateMs };
  listeners.get('run-started')?.({ ...run, attempt: 1, pid: 42 } as unknown as RunRecord);
  return lines.join('\n');
}

test.each([
  [12, '+12ms'],
  [3_017, '+3.0s'],
  [72_400, '+1m12s'],
  [7_500_000, '+2h05m'],
])('late by %i ms: %s', (lateMs, shown) => {
  expect(startLine(lateMs)).toBe(`backup #7 started (catch-up, due 2026-03-08T09:00:00.000Z, ${shown}, pid 42)`);
});
