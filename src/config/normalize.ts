/**
 * The per-definition validators the library API uses (src/library/scheduler.ts): the same keys,
 * checks and defaults as the tasks file, without positions.
 */
export { resolveSettings } from './settings.js';
export { validateTaskDefinition } from './task.js';
export { validateScheduleDefinition } from './schedule.js';
