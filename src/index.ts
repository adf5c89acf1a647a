/**
 * taskkit as a library: the engine the daemon runs, for embedding in a Node program.
 * Re-exports only (STYLE.md practice 2).
 */
export { Scheduler } from './library/scheduler.js';
export type {
  SchedulerOptions,
  TaskDefinition,
  ScheduleDefinition,
  CalendarDefinition,
  MakeRun,
} from './library/scheduler.js';
export type { MakeResult } from './engine/make-chain.js';
export type { TaskContext, TaskHandle, TaskFunction, Trigger, UpstreamRun } from './task-context.js';
export type { TaskStatus, TaskStateName } from './engine/task-state.js';
export type { RunRecord, RunStatus } from './engine/run.js';
export type { EngineEvents, EngineEventName } from './engine/events.js';
export type { TaskSpec, Settings } from './config/types.js';
export type { ScheduleSpec, Instant } from './schedule/types.js';
export { TaskkitError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { ConfigError } from './config/load.js';
