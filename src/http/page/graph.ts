/**
 * `GET /graph`: the dependency graph of `taskkit graph` (cli/task-graph.ts builds it from the
 * tasks' definitions) as a list of edges in words, "extract → transform (after)", each task a
 * link coloured by its last result, the tasks with no edge listed apart, and the DOT text itself
 * (renderDot, the same document `taskkit graph` prints) for anyone who wants to draw it.
 * `?task=NAME` keeps NAME's connected part, as `taskkit graph NAME` does; a graph too large to
 * render without stalling the engine (page-routes.ts GRAPH_MAX_NODES) gets a form asking for one.
 */
import { EDGE_KINDS, renderDot, type GraphEdge, type GraphNode, type TaskGraph } from '../../cli/format/graph-dot.js';
import { lastRunClass, runClass } from './classes.js';
import { markup, preformatted, type Html } from './html.js';
import { frameExtras, renderLayout, type FrameExtras } from './layout.js';
import { taskHref } from './task-list.js';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function renderNode(name: string, nodes: ReadonlyMap<string, GraphNode>): Html {
  const node = nodes.get(name);
  // An edge may name a task the file does not have (validate warns): plain text, no link.
  if (node === undefined) return markup`<span class="muted">${name}</span>`;
  const className = node.last === null ? lastRunClass(null) : runClass(node.last);
  const title = node.last === null ? node.schedule : `${node.schedule}; last: ${node.last.outcome}`;
  return markup`<a class="${className}" href="${taskHref(name)}" title="${title}">${name}</a>`;
}

function renderEdge(edge: GraphEdge, nodes: ReadonlyMap<string, GraphNode>): Html {
  return markup`<li>
    ${renderNode(edge.from, nodes)} → ${renderNode(edge.to, nodes)} <span class="muted">(${edge.kind})</span>
  </li>`;
}

/** The graph section: edges, lone tasks, and the DOT source in a <details>. */
export function renderGraphSection(graph: TaskGraph): Html {
  const nodes = new Map(graph.nodes.map((node) => [node.name, node]));
  const edges = [...graph.edges].sort(
    (a, b) => compare(a.from, b.from) || compare(a.to, b.to) || EDGE_KINDS.indexOf(a.kind) - EDGE_KINDS.indexOf(b.kind),
  );
  const linked = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
  const lone = graph.nodes.filter((node) => !linked.has(node.name)).sort((a, b) => compare(a.name, b.name));
  return markup`${
    edges.length === 0
      ? markup`<p class="muted">no task starts another (no after, after-all, on-success or on-failure)</p>`
      : markup`<ul class="edges">
            ${edges.map((edge) => renderEdge(edge, nodes))}
          </ul>`
  }
    <p class="muted">
      after: runs after each success of; after-all: runs once all its parents succeeded; on-success / on-failure: the
      first task's ending triggers the second.
    </p>
    ${
      lone.length === 0
        ? null
        : markup`<h2>Tasks with no dependency</h2>
            <p>${lone.map((node, index) => markup`${index > 0 ? ', ' : null}${renderNode(node.name, nodes)}`)}</p>`
    }
    <details>
      <summary>DOT source (as <code>taskkit graph</code> prints it)</summary>
      <pre class="output">${preformatted(renderDot(graph))}</pre>
    </details>`;
}

export function renderGraphPage(graph: TaskGraph, extras: FrameExtras = {}): string {
  return renderLayout({
    title: 'Graph',
    body: markup`<h1>Dependency graph</h1>
      ${renderGraphSection(graph)}`,
    ...frameExtras(extras),
  });
}

/** In place of a graph too large to render at once: a form for one task's part, and the CLI. */
export function renderGraphTooLarge(
  graph: { readonly tasks: number; readonly max: number; readonly task: string | null },
  extras: FrameExtras = {},
): string {
  const what = graph.task === null ? `${graph.tasks} tasks` : `${graph.task}'s part has ${graph.tasks} tasks`;
  return renderLayout({
    title: 'Graph',
    body: markup`<h1>Dependency graph</h1>
      <p>${what}: more than this page draws at once (${graph.max}).</p>
      <form method="get" action="/graph">
        <label>Show one task's part: <input name="task" required /></label> <button type="submit">Show</button>
      </form>
      <p class="muted"><code>taskkit graph &gt; tasks.dot</code> prints the whole graph.</p>`,
    ...frameExtras(extras),
  });
}
