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
  try {
    const text = writeValue(value);
    if (text !== undefined) return text;
  } catch (error) {
    if (error !== UNUSUAL) throw error;
  }
  return replacerJson(value);
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
function writeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'function':
      return JSON.stringify(`function:${String(value)}`);
    case 'undefined':
    case 'symbol':
      return undefined;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value);
      return writeObject(value);
    default:
      throw UNUSUAL;
  }
}

function writeArray(items: readonly unknown[]): string {
  if (Object.getPrototypeOf(items) !== Array.prototype) throw UNUSUAL;
  let text = '[';
  for (let index = 0; index < items.length; index++) {
    if (index > 0) text += ',';
    text += writeValue(items[index]) ?? 'null';
  }
  return `${text}]`;
}

function writeObject(object: object): string {
  const prototype: unknown = Object.getPrototypeOf(object);
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in object) throw UNUSUAL;
  const record = object as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    if (INDEX_KEY.test(key)) throw UNUSUAL;
    const member = writeValue(record[key]);
    if (member === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${member}`;
  }
  return `${text}}`;
}
