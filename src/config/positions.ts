/**
 * Source positions of keys and values, from yaml's node ranges and LineCounter, so every issue
 * points at the faulty value (or at the key, for unknown and missing keys).
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type LineCounter, type Node } from 'yaml';

/** 1-based line and column. */
export interface SourcePoint {
  readonly line: number;
  readonly column: number;
}

/**
 * Where a key or value sits, for a path relative to one block (a task, the settings): `[]` is
 * the block itself (its key, or its value), `['retry', 'delay']` a nested value. A path that
 * does not exist in the source (a missing key) resolves to its deepest existing ancestor.
 */
export type PositionLookup = (
  path: readonly (string | number)[],
  target: 'key' | 'value',
  offset?: number,
) => SourcePoint | undefined;

/** A lookup rooted at one key/value pair of the document (or at the root, with `key` null). */
export function createPositionLookup(
  doc: Document,
  lineCounter: LineCounter,
  key: unknown,
  value: unknown,
): PositionLookup {
  const pointOf = (node: unknown): SourcePoint | undefined => {
    const range = (node as Node | null)?.range;
    if (range === undefined || range === null) return undefined;
    const { line, col } = lineCounter.linePos(range[0]);
    return { line, column: col };
  };
  return (path, target, offset) => {
    let keyNode = key;
    let valueNode = value;
    for (const segment of path) {
      const container = isAlias(valueNode) ? valueNode.resolve(doc) : valueNode;
      let next: { key: unknown; value: unknown } | undefined;
      if (isMap(container)) {
        // The last of duplicate keys, as toJS keeps the last value.
        const pair = container.items.findLast(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (pair !== undefined) next = { key: pair.key, value: pair.value };
      } else if (isSeq(container) && typeof segment === 'number') {
        const item = container.items[segment];
        if (item !== undefined) next = { key: item, value: item };
      }
      if (next === undefined) break;
      keyNode = next.key;
      valueNode = next.value;
    }
    // `key:` with nothing after it has an empty value range at the line's end: show the key.
    const emptyValue = isScalar(valueNode) && valueNode.value === null && valueNode.range?.[0] === valueNode.range?.[1];
    if (target === 'key' || emptyValue || valueNode === null || valueNode === undefined)
      return pointOf(keyNode) ?? pointOf(valueNode);
    const point = pointOf(valueNode);
    return point === undefined || offset === undefined ? point : pointInside(point, valueNode, offset);
  };
}

/**
 * The point `offset` characters into a string value, when the source shows the string verbatim
 * on one line (plain, or quoted without escapes: the token is then the value, plus its quotes);
 * otherwise the value's own start.
 */
function pointInside(point: SourcePoint, node: unknown, offset: number): SourcePoint {
  if (!isScalar(node) || typeof node.value !== 'string' || node.range === null || node.range === undefined)
    return point;
  const quotes =
    node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : node.type === Scalar.PLAIN ? 0 : -1;
  const verbatim =
    quotes >= 0 && node.range[1] - node.range[0] === node.value.length + 2 * quotes && !node.value.includes('\n');
  return verbatim ? { line: point.line, column: point.column + quotes + offset } : point;
}
