/**
 * `taskkit graph`'s DOT (issue 17.6), read back with a strict reader of the DOT it writes: edge
 * styles per kind, fills from the last results, sorted output, and names and labels no text can
 * break. Where Graphviz is installed, `dot -Tsvg` must accept the output and show the same text.
 */
import { describe, expect, test } from 'vitest';
import {
  EDGE_KINDS,
  EDGE_STYLE,
  fillFor,
  renderDot,
  type GraphEdge,
  type GraphNode,
  type TaskGraph,
} from '../../../src/cli/format/graph-dot.js';
import { decodeEscString, readDot, type DotStatement } from './_dot-reader.js';
import { HAS_DOT, decodeXml, renderSvg } from './_graphviz.js';

const node = (name: string, overrides: Partial<GraphNode> = {}): GraphNode => ({
  name,
  description: '',
  schedule: 'on demand',
  last: null,
  ...overrides,
});

const nodesOf = (statements: readonly DotStatement[]): DotStatement[] => statements.filter((s) => s.kind === 'node');
const edgesOf = (statements: readonly DotStatement[]): DotStatement[] => statements.filter((s) => s.kind === 'edge');

const SAMPLE: TaskGraph = {
  nodes: [
    node('load', { schedule: 'on demand' }),
    node('extract', { schedule: 'daily 02:00', last: { status: 'succeeded', outcome: 'succeeded' } }),
    node('transform', { last: { status: 'failed', outcome: 'exited with code 3' } }),
    node('page', { last: { status: 'cancelled', outcome: 'cancelled' } }),
    node('report'),
  ],
  edges: [
    { from: 'transform', to: 'load', kind: 'after-all' },
    { from: 'extract', to: 'load', kind: 'after-all' },
    { from: 'extract', to: 'transform', kind: 'after' },
    { from: 'transform', to: 'page', kind: 'on-failure' },
    { from: 'load', to: 'report', kind: 'on-success' },
  ],
};

describe('edges', () => {
  test('each kind is drawn in its own style, the after-all edges labelled "all"', () => {
    const edges = edgesOf(readDot(renderDot(SAMPLE)).statements);
    const styleOf = (from: string, to: string): Record<string, string> => {
      const found = edges.find((edge) => edge.ids[0] === from && edge.ids[1] === to);
      if (found === undefined) throw new Error(`no edge ${from} -> ${to}`);
      const { tooltip, ...style } = found.attributes;
      expect(tooltip).toContain(to);
      return style;
    };
    expect(styleOf('extract', 'transform')).toEqual({ style: 'solid' });
    expect(styleOf('extract', 'load')).toEqual({ style: 'bold', label: 'all', arrowhead: 'diamond' });
    expect(styleOf('transform', 'load')).toEqual(styleOf('extract', 'load'));
    expect(styleOf('load', 'report')).toMatchObject({ style: 'dashed', color: 'darkgreen', label: 'on success' });
    expect(styleOf('transform', 'page')).toMatchObject({ style: 'dashed', color: 'red3', label: 'on failure' });
    // No two kinds look alike.
    const looks = EDGE_KINDS.map((kind) => JSON.stringify(EDGE_STYLE[kind]));
    expect(new Set(looks).size).toBe(EDGE_KINDS.length);
  });

  test('two tasks joined by several keys get one edge per key, in key order', () => {
    const graph: TaskGraph = {
      nodes: [node('a'), node('b')],
      edges: [
        { from: 'a', to: 'b', kind: 'on-failure' },
        { from: 'a', to: 'b', kind: 'after' },
        { from: 'a', to: 'b', kind: 'on-success' },
      ],
    };
    const edges = edgesOf(readDot(renderDot(graph)).statements);
    expect(edges.map((edge) => edge.attributes['label'] ?? edge.attributes['style'])).toEqual([
      'solid',
      'on success',
      'on failure',
    ]);
  });
});

describe('nodes', () => {
  test('labelled with the name and the schedule in words; the description and last result in the tooltip', () => {
    const nodes = nodesOf(readDot(renderDot(SAMPLE)).statements);
    const extract = nodes.find((n) => n.ids[0] === 'extract');
    expect(decodeEscString(extract?.attributes['label'] ?? '')).toBe('extract\ndaily 02:00');
    expect(decodeEscString(extract?.attributes['tooltip'] ?? '')).toBe('last: succeeded');
    const described = renderDot({ nodes: [node('x', { description: 'nightly dump' })], edges: [] });
    expect(decodeEscString(nodesOf(readDot(described).statements)[0]?.attributes['tooltip'] ?? '')).toBe(
      'nightly dump\nno run known',
    );
  });

  test('filled by the last result with the colours of `list`; a task with no run known is not filled', () => {
    const fills = Object.fromEntries(
      nodesOf(readDot(renderDot(SAMPLE)).statements).map((n) => [
        n.ids[0],
        [n.attributes['style'] ?? null, n.attributes['fillcolor'] ?? null],
      ]),
    );
    expect(fills).toEqual({
      extract: ['rounded,filled', 'palegreen'],
      transform: ['rounded,filled', 'lightcoral'],
      page: ['rounded,filled', 'khaki'],
      load: [null, null],
      report: [null, null],
    });
    expect(['timed-out', 'interrupted'].map((status) => fillFor(status as 'failed'))).toEqual([
      'lightcoral',
      'lightcoral',
    ]);
  });
});

test('sorted: nodes by name, edges by source, target and kind, whatever order they came in', () => {
  const reversed: TaskGraph = { nodes: [...SAMPLE.nodes].reverse(), edges: [...SAMPLE.edges].reverse() };
  const text = renderDot(SAMPLE);
  expect(renderDot(reversed)).toBe(text);
  const statements = readDot(text).statements;
  expect(nodesOf(statements).map((n) => n.ids[0])).toEqual(['extract', 'load', 'page', 'report', 'transform']);
  expect(edgesOf(statements).map((e) => e.ids.join(' -> '))).toEqual([
    'extract -> load',
    'extract -> transform',
    'load -> report',
    'transform -> load',
    'transform -> page',
  ]);
});

/** Names and texts meant to break DOT (and a label's escapes): quotes, backslashes, keywords, braces. */
const HOSTILE_NAMES = ['node', 'edge', 'a"b', 'trailing\\', 'x -> y', 'c}d;e[f]', 'Ünïcode', 'dot.and_dash-1'];
const HOSTILE_TEXT = 'say "hi" \\N \\n \\"}]; -> &amp; <b>x</b> \\';
const hostile: TaskGraph = {
  nodes: HOSTILE_NAMES.map((name) =>
    node(name, { schedule: `cron ${HOSTILE_TEXT}`, description: `${HOSTILE_TEXT}\nline two\u001b[2J` }),
  ),
  edges: HOSTILE_NAMES.slice(1).map((name, i): GraphEdge => ({
    from: HOSTILE_NAMES[i] ?? '',
    to: name,
    kind: 'after',
  })),
};

/**
 * The hostile description in a tooltip: control characters visible (a newline or an escape sequence
 * stays text on one line, escape-control.ts), backslashes as U+2216 (graph-dot.ts escapeTooltip).
 */
const TOOLTIP = `${HOSTILE_TEXT}\\nline two\\x1b[2J`.replace(/\\/g, '\u2216') + '\nno run known';

describe('escaping', () => {
  test('every hostile name is one node, every edge joins the right two, labels read back as given', () => {
    const document = readDot(renderDot(hostile));
    const nodes = nodesOf(document.statements);
    // Graphviz keeps a doubled backslash of an ID as it is: still one ID per name.
    const asId = (name: string): string => name.replace(/\\/g, '\\\\');
    expect(nodes.map((n) => n.ids[0]).sort()).toEqual(HOSTILE_NAMES.map(asId).sort());
    expect(edgesOf(document.statements).map((e) => e.ids)).toEqual(
      expect.arrayContaining(HOSTILE_NAMES.slice(1).map((name, i) => [asId(HOSTILE_NAMES[i] ?? ''), asId(name)])),
    );
    for (const n of nodes) {
      const name = HOSTILE_NAMES.find((candidate) => asId(candidate) === n.ids[0]) ?? '';
      expect(decodeEscString(n.attributes['label'] ?? '')).toBe(`${name}\ncron ${HOSTILE_TEXT}`);
      expect(decodeEscString(n.attributes['tooltip'] ?? '')).toBe(TOOLTIP);
    }
  });

  test.skipIf(!HAS_DOT)('dot -Tsvg accepts the output and shows the texts as given', () => {
    for (const graph of [SAMPLE, hostile]) {
      const { status, stderr } = renderSvg(renderDot(graph));
      expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    }
    const { svg } = renderSvg(renderDot(hostile));
    const texts = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => decodeXml(match[1] ?? ''));
    for (const name of HOSTILE_NAMES) expect(texts).toContain(name);
    expect(texts).toContain(`cron ${HOSTILE_TEXT}`);
    const titles = [...svg.matchAll(/xlink:title="([^"]*)"/g)].map((match) => decodeXml(match[1] ?? ''));
    expect(titles).toContain(TOOLTIP);
  });
});
