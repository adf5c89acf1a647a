/**
 * Equal parts of received specs made one object (issue 20.4). A structured clone (the daemon's loader
 * child, daemon/load-isolated.ts) gives every task its own schedule and action objects, even where
 * many tasks say `every: 30d` or `run: "true"` (100,000 tasks: ~230,000 small objects and arrays, ~15 MB of
 * the idle daemon's heap). Specs are frozen and never changed in place (config/freeze.ts), so tasks
 * whose parts are equal may hold the same one; equal means the same keys in the same order with the
 * same values, undefined members included, so no reader can tell. Only plain objects and arrays are shared.
 */
import type { TaskSpec } from './types.js';

/** The spec's own field not worth a look: `source` is where each task sits, never equal to another's. */
const UNSHARED = 'source';

/**
 * A function that points each object-valued field of a spec at an equal part already seen, or
 * remembers it as the one to share; the spec must not be frozen yet. Keep it for one load only.
 * Parts are looked up by their JSON text (native, fast) and then compared exactly: JSON leaves out
 * undefined members and functions and writes -0 as 0, sameExactly does not.
 */
export function createPartSharing(): (spec: TaskSpec) => TaskSpec {
  const byText = new Map<string, object>();
  // Parts the clone already shared (a chunk's tasks hold one `retry`, one `history`...) come one task
  // after another: the last part at each key position and what it became answer them without a lookup.
  const lastPart: unknown[] = [];
  const lastShared: unknown[] = [];
  const shareOf = (part: object): object => {
    const text = jsonText(part);
    if (text === undefined) return part;
    const known = byText.get(text);
    if (known === undefined) byText.set(text, part);
    return known !== undefined && sameExactly(known, part) ? known : part;
  };
  return (spec) => {
    const record = spec as unknown as Record<string, unknown>;
    const fields = Object.keys(record);
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index] as string;
      const part = record[field];
      if (typeof part !== 'object' || part === null || field === UNSHARED) continue;
      let shared = lastShared[index];
      if (lastPart[index] !== part) {
        // Neighbours often say the same (one command, one schedule): the last one is tried first.
        if (!sameExactly(shared, part)) shared = shareOf(part);
        lastPart[index] = part;
        lastShared[index] = shared;
      }
      if (shared !== part) record[field] = shared;
    }
    return spec;
  };
}

function jsonText(part: object): string | undefined {
  try {
    return JSON.stringify(part);
  } catch {
    return undefined; // a BigInt, a cycle: not plain data
  }
}

/** Equal as no reader could tell: the same keys in the same order, undefined members and -0 included. */
export function sameExactly(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (a === b) return true;
  const prototype = Object.getPrototypeOf(a) as unknown;
  if (prototype !== Object.getPrototypeOf(b)) return false;
  if (prototype === Array.prototype) return sameArrays(a as unknown[], b as unknown[]);
  if (prototype !== Object.prototype) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  for (let index = 0; index < keysA.length; index++) {
    const key = keysA[index] as string;
    if (key !== keysB[index] || !sameExactly(recordA[key], recordB[key])) return false;
  }
  return true;
}

function sameArrays(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++)
    if (index in a !== index in b || !sameExactly(a[index], b[index])) return false;
  return true;
}
