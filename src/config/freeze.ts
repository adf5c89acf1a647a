/** Deep freeze of normalised config data. */

/** Freeze plain data all the way down (specs are compared and shared, never changed); functions stay as given. */
export function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) freezeDeep(child);
  return value;
}

/**
 * freezeDeep for data that came through a structured clone (the daemon's loader child): that gives
 * every occurrence of a string its own copy (100,000 tasks: ~1.2 million strings, most of them the
 * same few paths, shells and words, ~40 MB of the daemon's heap), so equal strings are made one
 * as the data is frozen.
 */
export function freezeSharingStrings<T>(value: T): T {
  return createStringSharing()(value);
}

/**
 * freezeSharingStrings for data that arrives in parts (the loader's chunks of tasks): every part
 * given to the returned function shares its strings with the parts before it. Arrays are copied
 * to their length: a structured clone gives a small array room for 16 items (an `at:` list of one
 * instant: 144 bytes where 24 do; 100,000 tasks: ~4 MB, issue 20.4). An array shared by several
 * parents stays one copy.
 */
export function createStringSharing(): <T>(value: T) => T {
  const seen = new Map<string, string>();
  const copies = new WeakMap<object, unknown[]>();
  const compact = (array: unknown[]): unknown[] => {
    let copy = copies.get(array);
    if (copy === undefined) {
      copy = array.slice();
      copies.set(array, copy);
    }
    return copy;
  };
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || Object.isFrozen(node)) return;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      let item = record[key];
      if (typeof item === 'string') {
        const shared = seen.get(item);
        if (shared === undefined) seen.set(item, item);
        else record[key] = shared;
        continue;
      }
      if (Array.isArray(item) && !Object.isFrozen(item)) record[key] = item = compact(item);
      walk(item);
    }
    Object.freeze(node);
  };
  return <T>(value: T): T => {
    walk(value);
    return value;
  };
}
