/**
 * The text a definition fingerprint hashes (definition.ts): JSON with object keys sorted, functions as
 * `"function:<source>"`. Fingerprints are stored with each task's state, so this text must never change:
 * `replacerJson` is its definition, and `canonicalJson` writes the same text for the plain data specs are
 * made of without a replacer's sorted copy of every object (fingerprinting 30,000 specs: ~20% less CPU
 * time). Anything else it meets (toJSON, a boxed or odd value, an integer-like key, which a copy would
 * list first) it leaves to `replacerJson` (test/config/canonical-json.test.ts compares the two).
 */

/** JSON with object keys sorted, so equal definitions hash alike; functions by their source. */
export function canonicalJson(value: unknown): string {
  if (isSkipped(value)) return replacerJson(value);
  return written(() => writeValue(value)) ?? replacerJson(value);
}

/**
 * canonicalJson of a copy of `record` without the `omit` keys, made without the copy: a definition's
 * fingerprint leaves three keys of a spec out, and a 22-key copy per task was ~25 MB of garbage at a
 * daemon start with 100,000 tasks.
 */
export function canonicalJsonOmitting(record: object, omit: ReadonlySet<string>): string {
  const text = written(() => writeObject(record, omit));
  if (text !== undefined) return text;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) if (!omit.has(key)) copy[key] = item;
  return replacerJson(copy);
}

/** The definition of the text: JSON.stringify with a replacer that sorts each object's keys. */
export function replacerJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'function') return `function:${String(item)}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  });
}

/** Thrown inside writeValue on anything it does not write exactly as replacerJson does. */
const UNUSUAL = new Error('not plain data');
/** An array index ("0", "17"): an object lists such keys first, in numeric order, whatever the insertion order. */
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

/** The value's JSON, or undefined where JSON leaves a member out (undefined, a symbol). */
/**
 * The pieces of the text being written, joined once at the end: building it with `+=` made a rope
 * of cons strings that hashing then flattened, ~5 KB of garbage per task definition (100,000 tasks
 * at a daemon start: ~500 MB through the young generation). The array keeps its length between
 * calls (setting it to 0 freed its store, and it grew again every call); `count` says how much of
 * it this call wrote. Not re-entrant: nothing it calls writes canonical JSON.
 */
const pieces: string[] = [];
let count = 0;

function put(piece: string): void {
  pieces[count++] = piece;
}

/** What `write` put in `pieces`, joined; undefined when it met something unusual (replacerJson then). */
function written(write: () => void): string | undefined {
  count = 0;
  try {
    write();
    for (let index = count; index < pieces.length && pieces[index] !== ''; index++) pieces[index] = '';
    return pieces.join('');
  } catch (error) {
    if (error !== UNUSUAL) throw error;
    return undefined;
  }
}

/** A member JSON leaves out of an object (an array writes null for it). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'symbol';
}

/** The value's JSON, for a value that is not skipped. */
function writeValue(value: unknown): void {
  switch (typeof value) {
    case 'string':
      put(JSON.stringify(value));
      return;
    case 'number':
      put(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      put(value ? 'true' : 'false');
      return;
    case 'function':
      put(JSON.stringify(`function:${String(value)}`));
      return;
    case 'object':
      if (value === null) put('null');
      else if (Array.isArray(value)) writeArray(value);
      else writeObject(value);
      return;
    default:
      throw UNUSUAL;
  }
}

function writeArray(items: readonly unknown[]): void {
  if (Object.getPrototypeOf(items) !== Array.prototype) throw UNUSUAL;
  put('[');
  for (let index = 0; index < items.length; index++) {
    if (index > 0) put(',');
    const item: unknown = items[index];
    if (isSkipped(item)) put('null');
    else writeValue(item);
  }
  put(']');
}

function writeObject(object: object, omit?: ReadonlySet<string>): void {
  const prototype: unknown = Object.getPrototypeOf(object);
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in object) throw UNUSUAL;
  const record = object as Record<string, unknown>;
  const shape = shapeOf(Object.keys(record));
  let first = true;
  put('{');
  for (let index = 0; index < shape.sorted.length; index++) {
    const key = shape.sorted[index] as string;
    if (omit?.has(key) === true) continue;
    const member = record[key];
    if (isSkipped(member)) continue;
    if (!first) put(',');
    first = false;
    put(shape.prefixes[index] as string);
    writeValue(member);
  }
  put('}');
}

/** An object's keys as written: sorted, each with its `"key":` prefix. */
interface Shape {
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  readonly prefixes: readonly string[];
}

/**
 * Shapes met so far, by first key: specs share a few shapes (a task, its schedule, action, retry,
 * history), so sorting and quoting the keys once per shape, not once per object, saves about a
 * third of fingerprinting 100,000 tasks (issue 20.4). Bounded, as objects with keys of their own
 * (env) would grow it: past the bounds a shape is made for its object and not kept.
 */
const shapes = new Map<string, Shape[]>();
const MAX_FIRST_KEYS = 256;
const MAX_SHAPES_PER_KEY = 8;

function shapeOf(keys: readonly string[]): Shape {
  const known = shapes.get(keys[0] ?? '');
  if (known !== undefined) for (const shape of known) if (sameKeys(shape.keys, keys)) return shape;
  const sorted = [...keys].sort();
  for (const key of sorted) if (INDEX_KEY.test(key)) throw UNUSUAL;
  const shape: Shape = { keys, sorted, prefixes: sorted.map((key) => `${JSON.stringify(key)}:`) };
  if (known === undefined) {
    if (shapes.size < MAX_FIRST_KEYS) shapes.set(keys[0] ?? '', [shape]);
  } else if (known.length < MAX_SHAPES_PER_KEY) known.push(shape);
  return shape;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
