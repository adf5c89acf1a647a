/** TaskSpecs and a ready engine for engine tests: every field at the tasks-file default. */
import { Scheduler, type SchedulerOptions } from '../../src/engine/scheduler.js';
import type { EngineEventName, EngineEvents } from '../../src/engine/events.js';
import { parseEvery } from '../../src/schedule/every.js';
import type { EverySpec } from '../../src/schedule/types.js';
import { FakeClock } from './fake-clock.js';
import { FakeRunner } from './fake-runner.js';
import { makeTask } from './task-spec.js';

export { makeTask };

/** `every: period` (+ `start:`) exactly as the tasks file would give it. */
export function every(period: string, start?: string, tz = 'UTC'): EverySpec {
  const parsed = parseEvery(period, start, tz);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

export interface EngineFixture {
  readonly clock: FakeClock;
  readonly runner: FakeRunner;
  readonly scheduler: Scheduler;
  /** Every event, in order, as [name, ...args]. */
  readonly events: { [E in EngineEventName]: [E, ...EngineEvents[E]] }[EngineEventName][];
  readonly logs: [level: string, message: string][];
  /** Events of one kind, their first argument only. */
  eventsOf<E extends EngineEventName>(name: E): EngineEvents[E][0][];
}

/** A scheduler on a fake clock at `start` with a fake runner, recording events and log lines. */
export function createEngine(start: string, options: Partial<SchedulerOptions> = {}): EngineFixture {
  const clock = new FakeClock(start);
  const runner = new FakeRunner();
  const logs: [string, string][] = [];
  const scheduler = new Scheduler({ clock, runner, log: (level, message) => logs.push([level, message]), ...options });
  const events: EngineFixture['events'] = [];
  const names: EngineEventName[] = [
    'run-started',
    'run-output',
    'run-finished',
    'run-skipped',
    'run-yielded',
    'task-changed',
    'clock-jump',
    'overdue',
    'recovery',
    'auto-hold',
    'alert',
  ];
  for (const name of names) {
    scheduler.on(name, (...args: unknown[]) => events.push([name, ...args] as never));
  }
  return {
    clock,
    runner,
    scheduler,
    events,
    logs,
    eventsOf: (name) => events.filter((event) => event[0] === name).map((event) => event[1]),
  };
}

export const iso = (instant: number | null | undefined): string | null =>
  instant === null || instant === undefined ? null : new Date(instant).toISOString();
export const ms = (text: string): number => Date.parse(text);
