/**
 * A task spec as the daemon keeps it (issue 20.4). A structured clone (the loader child's chunks,
 * daemon/load-isolated.ts) builds each object key by key: a spec's 24 properties end up 4 in the
 * object and 20 in a separate property array, and each small part in an object with room for more
 * (100,000 tasks: ~7 MB more than object literals of their shape). A spec of the usual keys, in
 * the order config/task.ts builds them, is rebuilt here as such a literal: the same keys in the
 * same order, the same values. Any other spec (an optional key present, say) is returned as it is.
 */
import type { SourcePosition, TaskAction, TaskSpec } from './types.js';

/** The keys of a spec without optional keys, in the order config/task.ts (buildSpec) writes them. */
const USUAL_KEYS: readonly string[] = [
  'name',
  'description',
  'schedule',
  'timezone',
  'action',
  'cwd',
  'env',
  'envFile',
  'secretEnv',
  'timeoutMs',
  'killAfterMs',
  'overlap',
  'retry',
  'jitterMs',
  'catchUp',
  'deadlineMs',
  'hold',
  'maxRuns',
  'until',
  'after',
  'onSuccess',
  'onFailure',
  'history',
  'source',
];

export function compactSpec(spec: TaskSpec): TaskSpec {
  if (!hasKeys(spec, USUAL_KEYS) || spec.source === undefined) return spec;
  return {
    name: spec.name,
    description: spec.description,
    schedule: spec.schedule,
    timezone: spec.timezone,
    action: compactAction(spec.action),
    cwd: spec.cwd,
    env: spec.env,
    envFile: spec.envFile,
    secretEnv: spec.secretEnv,
    timeoutMs: spec.timeoutMs,
    killAfterMs: spec.killAfterMs,
    overlap: spec.overlap,
    retry: spec.retry,
    jitterMs: spec.jitterMs,
    catchUp: spec.catchUp,
    deadlineMs: spec.deadlineMs,
    hold: spec.hold,
    maxRuns: spec.maxRuns,
    until: spec.until,
    after: spec.after,
    onSuccess: spec.onSuccess,
    onFailure: spec.onFailure,
    history: spec.history,
    source: compactSource(spec.source),
  };
}

const SHELL_KEYS: readonly string[] = ['kind', 'script', 'shell'];
const SOURCE_KEYS: readonly string[] = ['file', 'line', 'column'];

function compactAction(action: TaskAction): TaskAction {
  if (action.kind !== 'shell' || !hasKeys(action, SHELL_KEYS)) return action;
  return { kind: action.kind, script: action.script, shell: action.shell };
}

function compactSource(source: SourcePosition): SourcePosition {
  if (!hasKeys(source, SOURCE_KEYS)) return source;
  return { file: source.file, line: source.line, column: source.column };
}

/** `value` has exactly `keys`, in that order. */
function hasKeys(value: object, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && own.every((key, index) => key === keys[index]);
}
