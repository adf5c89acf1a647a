/**
 * When has a task's definition changed? One answer for the three places that ask: reload (keep
 * the task's state or replace it), the store across a restart (keep a run-time reschedule or drop
 * it) and the engine on replace (keep the next instant or compute it again).
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { TaskSpec } from './types.js';

// Specs are frozen and replaced on reload, so one hash per spec object is enough.
const fingerprints = new WeakMap<TaskSpec, string>();

/**
 * A hash of everything that defines a task except where it sits in the file (`source`); key
 * order does not count and a function action counts by its source. Stored with a task's state,
 * so a restart and a reload see the same edits.
 */
export function definitionFingerprint(spec: TaskSpec): string {
  let hash = fingerprints.get(spec);
  if (hash === undefined) {
    const { source: _source, ...definition } = spec;
    hash = createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 32);
    fingerprints.set(spec, hash);
  }
  return hash;
}

/** Two specs define the same task: equal fingerprints (so reload and restart agree on "changed"). */
export function isSameDefinition(a: TaskSpec, b: TaskSpec): boolean {
  return a === b || definitionFingerprint(a) === definitionFingerprint(b);
}

/** The same instants: equal schedule and time zone (whatever else changed). */
export function isSameTiming(a: Pick<TaskSpec, 'schedule' | 'timezone'>, b: Pick<TaskSpec, 'schedule' | 'timezone'>): boolean {
  return a.timezone === b.timezone && isDeepStrictEqual(a.schedule, b.schedule);
}

/** JSON with object keys sorted, so equal definitions hash alike; functions hash by their source. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'function') return `function:${String(item)}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  });
}
