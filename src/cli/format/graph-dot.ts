/**
 * `taskkit graph`: the task graph as Graphviz DOT (cs.taskqueue's tasks_as_dot). Pure: a graph in,
 * one string out, sorted so that two runs over the same file diff line by line. Every ID and every
 * attribute value is a quoted DOT string, so no task name, description or schedule can break the
 * syntax or be read as a keyword.
 */
import type { RunView } from '../../control/views.js';
import { escapeControl } from '../../escape-control.js';

/** What an edge means; the tasks-file key it comes from. */
export type GraphEdgeKind = 'after' | 'after-all' | 'on-success' | 'on-failure';

/** A task's last run that ran (the one `list` shows under LAST), or null: never ran, or no history read. */
type RunStatus = RunView['status'];

export interface GraphLastRun {
  readonly status: RunStatus;
  /** describeOutcome's words: "succeeded", "exited with code 3". */
  readonly outcome: string;
}

export interface GraphNode {
  readonly name: string;
  readonly description: string;
  /** The schedule in words, as `list` says it (control/views.ts describeTaskSchedule). */
  readonly schedule: string;
  readonly last: GraphLastRun | null;
}

/** `from -> to`: `to` runs after (after, after-all) or is triggered by (on-success, on-failure) `from`. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: GraphEdgeKind;
}

export interface TaskGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** The order edges of one pair are listed in, and the order of EDGE_STYLE in the man page. */
export const EDGE_KINDS: readonly GraphEdgeKind[] = ['after', 'after-all', 'on-success', 'on-failure'];

/** How each kind of edge is drawn: taskkit(1) "graph" documents the same table. */
export const EDGE_STYLE: Readonly<Record<GraphEdgeKind, Readonly<Record<string, string>>>> = {
  after: { style: 'solid' },
  'after-all': { style: 'bold', label: 'all', arrowhead: 'diamond' },
  'on-success': { style: 'dashed', color: 'darkgreen', fontcolor: 'darkgreen', label: 'on success' },
  'on-failure': { style: 'dashed', color: 'red3', fontcolor: 'red3', label: 'on failure' },
};

/**
 * A node's fill by its last run, with the colours `list` paints LAST in (format/history.ts
 * paintStatus): green succeeded, red failed for good, yellow cancelled or skipped; no fill when
 * there is no last run. Light tones, so that the black label stays readable.
 */
export function fillFor(status: RunStatus): string {
  switch (status) {
    case 'succeeded':
      return 'palegreen';
    case 'failed':
    case 'timed-out':
    case 'interrupted':
      return 'lightcoral';
    case 'cancelled':
    case 'skipped':
      return 'khaki';
    case 'running':
    case 'queued':
      return 'lightcyan';
  }
}

const HEADER = [
  '// taskkit graph: tasks and what starts them (taskkit(1), "graph").',
  '// Edges A -> B: after: solid (B runs after each success of A); after-all: bold, "all" (B runs once all',
  '// its after-all tasks succeeded); on-success: dashed green; on-failure: dashed red (A triggers B).',
  '// Fill, by the last result: green succeeded, red failed/timed out/interrupted, yellow cancelled;',
  '// none: no run known.',
];

/** The whole DOT document, nodes by name, then edges by source, target and kind; ends with a newline. */
export function renderDot(graph: TaskGraph): string {
  const nodes = [...graph.nodes].sort((a, b) => compareText(a.name, b.name));
  const edges = [...graph.edges].sort(
    (a, b) =>
      compareText(a.from, b.from) || compareText(a.to, b.to) || EDGE_KINDS.indexOf(a.kind) - EDGE_KINDS.indexOf(b.kind),
  );
  return [
    ...HEADER,
    'digraph "taskkit" {',
    '  node [shape="box", style="rounded", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize="10"];',
    ...nodes.map((node) => `  ${quoteId(node.name)} ${renderAttributes(nodeAttributes(node))};`),
    ...edges.map((edge) => `  ${quoteId(edge.from)} -> ${quoteId(edge.to)} ${renderAttributes(edgeAttributes(edge))};`),
    '}',
    '',
  ].join('\n');
}

/** Label values are escString: `\n` is a line break there, so the lines are joined after quoting. */
function nodeAttributes(node: GraphNode): [string, string][] {
  const tooltip = [node.description, node.last === null ? 'no run known' : `last: ${node.last.outcome}`].filter(
    (line) => line !== '',
  );
  const attributes: [string, string][] = [
    ['label', joinLines([node.name, node.schedule])],
    ['tooltip', joinLines(tooltip, escapeTooltip)],
  ];
  if (node.last !== null) attributes.push(['style', 'rounded,filled'], ['fillcolor', fillFor(node.last.status)]);
  return attributes;
}

function edgeAttributes(edge: GraphEdge): [string, string][] {
  const style = Object.entries(EDGE_STYLE[edge.kind]).map(([key, value]): [string, string] => [key, escapeText(value)]);
  return [...style, ['tooltip', escapeTooltip(describeEdge(edge))]];
}

/** The edge's meaning in words (its tooltip in an SVG). */
function describeEdge(edge: GraphEdge): string {
  switch (edge.kind) {
    case 'after':
      return `${edge.to} runs after each success of ${edge.from}`;
    case 'after-all':
      return `${edge.to} waits for ${edge.from}: it runs once all its after-all tasks succeeded since its last run`;
    case 'on-success':
      return `${edge.from} succeeding triggers ${edge.to}`;
    case 'on-failure':
      return `${edge.from} failing for good triggers ${edge.to}`;
  }
}

/** `[key="value", ...]`; values already escaped. */
function renderAttributes(attributes: readonly [string, string][]): string {
  return `[${attributes.map(([key, value]) => `${key}="${value}"`).join(', ')}]`;
}

function joinLines(lines: readonly string[], escape = escapeText): string {
  return lines.map(escape).join('\\n');
}

/**
 * A node ID as a DOT quoted string. Inside quotes DOT knows one escape, `\"`; a backslash is
 * doubled so that one ending the name cannot escape the closing quote.
 */
function quoteId(id: string): string {
  return `"${id.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/**
 * Text for a label or tooltip (without its quotes). Control characters become visible escapes
 * first (escape-control.ts: a newline in a description stays one line), then the characters
 * Graphviz would read in a label: `\` starts an escape (\n, \N...), `"` ends the string, `&`
 * starts an entity (`&amp;` would show as `&`).
 */
function escapeText(text: string): string {
  return escapeControl(text).replace(/[\\"&]/g, (char) => (char === '&' ? '&amp;' : `\\${char}`));
}

/**
 * Text for a tooltip: as escapeText, but a backslash shows as U+2216 (∖). Graphviz reads a
 * tooltip's escapes more than once (2.43: an escaped backslash then N shows the node's name), differently across
 * versions, so no backslash of the text reaches it; a tooltip is only a hint.
 */
export function escapeTooltip(text: string): string {
  return escapeText(escapeControl(text).replace(/\\/g, '\u2216'));
}

/** By code units: the same order whatever the locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
