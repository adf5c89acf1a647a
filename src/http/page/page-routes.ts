/**
 * The status page's GET routes: the task list (`/`), a task (`/tasks/NAME`), a run's output
 * (`/tasks/NAME/runs/ID`: `logs` finds a run by its task and id) and the dependency graph
 * (`/graph`). Each reads the daemon through the control methods (`list`, `show`, `logs`) and the
 * history's recent runs, then renders; a ControlError (unknown task or run) is the server's 404.
 * Every page carries the version of the task list it saw (version.ts) for the live reload.
 */
import { connectedComponent, taskEdges } from '../../cli/task-graph.js';
import type { GraphNode, TaskGraph } from '../../cli/format/graph-dot.js';
import { allAnswered, type Answer } from '../../control/answer.js';
import type { RunView, TaskView } from '../../control/views.js';
import { html, text, type HttpServices, type Route } from '../route.js';
import { readFlash } from './flash.js';
import { renderGraphPage, renderGraphTooLarge } from './graph.js';
import { pageOf, readPageNumber } from './paging.js';
import { renderRunPage } from './run-page.js';
import { STRIP_RUNS } from './runs.js';
import { renderTaskListPage } from './task-list.js';
import { renderTaskPage } from './task-page.js';
import { pageVersion } from './version.js';

/** Runs in a task page's history (a run's page has the rest: `taskkit history NAME` lists them all). */
export const HISTORY_RUNS = 50;

const taskListRoute: Route = {
  method: 'GET',
  path: '/',
  handler: async (request, services) => {
    const tasks = await services.call('list', {});
    const names = new Set(tasks.map((task) => task.name));
    const page = readPageNumber(request.query);
    // Only the shown page's runs are read (paging.ts: 10,000 tasks' strips in one page stalled the engine).
    const shown = pageOf(tasks, page).items;
    // A remote history answers with promises (issue 21); the local one at once, with no wait.
    const strips = await allAnswered(shown.map((task) => recentRunsOf(services, task)));
    const recentRuns = new Map(shown.map((task, index) => [task.name, strips[index] ?? []]));
    return html(
      renderTaskListPage({
        tasks,
        page,
        recentRuns,
        now: services.now(),
        csrfToken: request.csrfToken,
        flash: readFlash(request.query, (name) => names.has(name)),
        version: pageVersion(tasks),
      }),
    );
  },
};

/** The strip's runs: the history's, else the last run the task view carries. */
function recentRunsOf(services: HttpServices, task: TaskView): Answer<readonly RunView[]> {
  if (services.recentRuns !== undefined) return services.recentRuns(task.name, STRIP_RUNS);
  return task.lastRun === null ? [] : [task.lastRun];
}

const taskRoute: Route = {
  method: 'GET',
  path: '/tasks/:name',
  handler: async (request, services) => {
    const name = request.params['name'] ?? '';
    const [show, tasks] = await Promise.all([services.call('show', { name }), services.call('list', {})]);
    const runs = (await services.recentRuns?.(name, HISTORY_RUNS)) ?? show.recentRuns;
    return html(
      renderTaskPage({
        show,
        runs,
        now: services.now(),
        csrfToken: request.csrfToken,
        flash: readFlash(request.query, (task) => task === name),
        version: pageVersion(tasks),
      }),
    );
  },
};

const runRoute: Route = {
  method: 'GET',
  path: '/tasks/:name/runs/:id',
  handler: async (request, services) => {
    const name = request.params['name'] ?? '';
    const id = request.params['id'] ?? '';
    if (!/^[1-9]\d{0,15}$/.test(id)) return text(`not a run id: ${id}`, 404);
    const [{ run }, tasks] = await Promise.all([
      services.call('logs', { name, runId: Number(id) }),
      services.call('list', {}),
    ]);
    const timezone = tasks.find((task) => task.name === name)?.timezone ?? 'UTC';
    return html(renderRunPage({ run, timezone, version: pageVersion(tasks) }));
  },
};

/**
 * Tasks the graph page draws at once. It is rendered in one event-loop turn: 10,000 tasks took
 * 0.3-0.5 s, every engine timer waiting that long. Past this, `?task=NAME` draws NAME's part.
 */
export const GRAPH_MAX_NODES = 500;

const graphRoute: Route = {
  method: 'GET',
  path: '/graph',
  handler: async (request, services) => {
    const tasks = await services.call('list', {});
    const name = request.query.get('task');
    if (name !== null && !tasks.some((task) => task.name === name)) return text(`no task named ${name}`, 404);
    const whole = graphOf(tasks, services);
    const graph = name === null ? whole : connectedComponent(whole, name);
    const extras = { version: pageVersion(tasks) };
    if (graph.nodes.length > GRAPH_MAX_NODES)
      return html(renderGraphTooLarge({ tasks: graph.nodes.length, max: GRAPH_MAX_NODES, task: name }, extras));
    return html(renderGraphPage(graph, extras));
  },
};

/** Nodes as `list` describes the tasks, edges from their definitions' trigger keys (as `taskkit graph`). */
function graphOf(tasks: readonly TaskView[], services: HttpServices): TaskGraph {
  const nodes = tasks
    .filter((task) => task.state !== 'removed')
    .map((task): GraphNode => ({
      name: task.name,
      description: task.description,
      schedule: task.schedule,
      last: task.lastRun === null ? null : { status: task.lastRun.status, outcome: task.lastRun.outcome },
    }));
  return { nodes, edges: (services.taskSpecs?.() ?? []).flatMap(taskEdges) };
}

export const PAGE_ROUTES: readonly Route[] = [taskListRoute, taskRoute, runRoute, graphRoute];
