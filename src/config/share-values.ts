/**
 * Equal parts of received specs made one object (issue 20.4). A structured clone (the daemon's loader
 * child, daemon/load-isolated.ts) gives every task its own schedule and action objects, even where
 * many tasks say `every: 30d` or `run: "true"` (100,000 tasks: ~1.5 million small objects, ~15 MB of
 * the idle daemon's heap). Specs are frozen and never changed in place (config/freeze.ts), so tasks
 * whose parts are equal may hold the same one; equal means the same keys in the same order with the
 * same values, undefined members included, so no reader can tell. Only plain data is shared.
 */
import type { TaskSpec } from './types.js';

/** The spec's own fields not worth a look: `source` is where each task sits, never equal to another's. */
const UNSHARED = new Set(['source']);

/**
 * A function that points each object-valued field of a spec at an equal part already seen, or
 * remembers it as the one to share; the spec must not be frozen yet. Keep it for one load only.
 */
export function createPartSharing(): (spec: TaskSpec) => TaskSpec {
  const byKey = new Map<string, object>();
  // A part the clone already shared between tasks of one chunk is looked up once.
  const seen = new WeakMap<object, object>();
  return (spec) => {
    const record = spec as unknown as Record<string, unknown>;
    for (const field of Object.keys(record)) {
      const part = record[field];
      if (typeof part !== 'object' || part === null || UNSHARED.has(field)) continue;
      let shared = seen.get(part);
      if (shared === undefined) {
        const key = exactKey(part);
        shared = key === null ? part : (byKey.get(key) ?? part);
        if (key !== null && shared === part) byKey.set(key, part);
        seen.set(part, shared);
      }
      if (shared !== part) record[field] = shared;
    }
    return spec;
  };
}

/** A text equal for exactly the equal plain-data values (key order and undefined members count); null for others. */
export function exactKey(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'u';
    case 'object':
      return value === null ? 'null' : objectKey(value);
    default:
      return null;
  }
}

function objectKey(value: object): string | null {
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item = index in value ? exactKey(value[index]) : null;
      if (item === null) return null;
      parts.push(item);
    }
    return `[${parts.join(',')}]`;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return null;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = exactKey(record[key]);
    if (item === null) return null;
    parts.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${parts.join(',')}}`;
}
