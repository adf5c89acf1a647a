/** Deep freeze of normalised config data. */

/** Freeze plain data all the way down (specs are compared and shared, never changed); functions stay as given. */
export function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) freezeDeep(child);
  return value;
}
