/**
 * The environment of a process run: the daemon's, the task's `env:`, then taskkit's own TASKKIT_* (DESIGN.md "Runs").
 */
import type { UpstreamRun } from '../task-context.js';
import type { RunRequest } from './types.js';

/** Variables taskkit gives every run, so a script can tell which run it is. */
export function describeRunVariables(request: RunRequest): Record<string, string> {
  return {
    TASKKIT_TASK: request.task.name,
    TASKKIT_RUN_ID: String(request.runId),
    // Empty rather than absent for manual and dependency runs: `${TASKKIT_SCHEDULED_AT}` under `set -u` still works.
    TASKKIT_SCHEDULED_AT: request.scheduledAt === null ? '' : new Date(request.scheduledAt).toISOString(),
    TASKKIT_TRIGGER: request.trigger,
    TASKKIT_ATTEMPT: String(request.attempt),
    ...describeUpstream(request.upstream ?? null),
  };
}

/** The full environment, later sources winning: `base` (normally process.env), task.env, TASKKIT_*. */
export function buildRunEnvironment(
  request: RunRequest,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  return { ...env, ...request.task.env, ...describeRunVariables(request) };
}

/**
 * The run that started a dependency run (`after:`, `on-success:`, `on-failure:`); empty for other
 * runs, like TASKKIT_SCHEDULED_AT, and the exit code empty when a signal or a stop ended the run.
 */
function describeUpstream(upstream: UpstreamRun | null): Record<string, string> {
  return {
    TASKKIT_UPSTREAM_TASK: upstream?.task ?? '',
    TASKKIT_UPSTREAM_RUN_ID: upstream === null ? '' : String(upstream.runId),
    TASKKIT_UPSTREAM_STATUS: upstream?.status ?? '',
    TASKKIT_UPSTREAM_EXIT_CODE: upstream?.exitCode == null ? '' : String(upstream.exitCode),
  };
}
