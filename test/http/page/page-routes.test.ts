/**
 * The page's GET routes on fake services: what each reads (list, show, logs, the history's runs,
 * the definitions), which page of the list it reads runs for, and what it refuses.
 */
import { describe, expect, test } from 'vitest';
import { GRAPH_MAX_NODES, HISTORY_RUNS, PAGE_ROUTES } from '../../../src/http/page/page-routes.js';
import { STRIP_RUNS } from '../../../src/http/page/runs.js';
import type { HttpRequest, HttpServices, Route } from '../../../src/http/route.js';
import { makeTask } from '../../support/task-spec.js';
import { NOW, runView, showResult, squash, taskView } from './_views.js';

function get(path: string, params: Record<string, string>, query = ''): HttpRequest {
  return {
    method: 'GET',
    path,
    params,
    query: new URLSearchParams(query),
    form: new URLSearchParams(),
    headers: {},
    csrfToken: 't',
    signal: new AbortController().signal,
  };
}

const routeOf = (path: string): Route => {
  const found = PAGE_ROUTES.find((route) => route.path === path);
  if (found === undefined) throw new Error(`no route ${path}`);
  return found;
};

const body = async (route: Route, request: HttpRequest, services: HttpServices): Promise<string> => {
  const response = await route.handler(request, services);
  if (!('body' in response)) throw new Error('a stream');
  return squash(String(response.body));
};

function services(answers: Record<string, unknown>, history: string[] = [], later = false): HttpServices {
  return {
    call: (method: string) => Promise.resolve(answers[method]),
    on: () => () => undefined,
    metrics: () => Promise.resolve({ contentType: 'text/plain', body: '' }),
    now: () => NOW,
    recentRuns: (task: string, limit: number) => {
      history.push(`${task}:${limit}`);
      const runs = [runView({ id: 3, task })];
      // A remote history (a cluster's PostgreSQL, issue 21) answers with a promise.
      return later ? new Promise((resolve) => setImmediate(() => resolve(runs))) : runs;
    },
    taskSpecs: () => [makeTask('a', { onFailure: ['b'] }), makeTask('b')],
  } as unknown as HttpServices;
}

describe('GET routes', () => {
  test("/ reads the history's runs of the shown page's tasks only", async () => {
    const tasks = Array.from({ length: 150 }, (_, index) => taskView({ name: `t${index}` }));
    const asked: string[] = [];
    const page = await body(routeOf('/'), get('/', {}, 'page=2'), services({ list: tasks }, asked));
    expect(asked).toEqual(tasks.slice(100).map((task) => `${task.name}:${STRIP_RUNS}`));
    expect(page).toContain('<a class="cell ok" href="/tasks/t100/runs/3"');
    expect(page).toMatch(/<body data-version="[\w-]{16}">/);
  });

  test('/tasks/NAME: show, and the last runs of the history', async () => {
    const asked: string[] = [];
    const task = taskView({ name: 'a' });
    const page = await body(
      routeOf('/tasks/:name'),
      get('/tasks/a', { name: 'a' }),
      services({ show: showResult(task), list: [task] }, asked),
    );
    expect(asked).toEqual([`a:${HISTORY_RUNS}`]);
    expect(page).toContain('<a href="/tasks/a/runs/3">#3</a>');
  });

  test('the history may answer with promises: / and /tasks/NAME show their runs', async () => {
    const task = taskView({ name: 'a' });
    const fake = services({ show: showResult(task), list: [task] }, [], true);
    expect(await body(routeOf('/'), get('/', {}), fake)).toContain('<a class="cell ok" href="/tasks/a/runs/3"');
    expect(await body(routeOf('/tasks/:name'), get('/tasks/a', { name: 'a' }), fake)).toContain(
      '<a href="/tasks/a/runs/3">#3</a>',
    );
  });

  test('/tasks/NAME/runs/ID: a run id is digits, else 404 without asking the daemon', async () => {
    const run = runView({
      id: 3,
      task: 'a',
      outputBytes: 3,
      output: 'hi\n',
      outputBase64: Buffer.from('hi\n').toString('base64'),
    });
    const fake = services({ logs: { run }, list: [taskView({ name: 'a' })] });
    const route = routeOf('/tasks/:name/runs/:id');
    const response = await route.handler(get('/tasks/a/runs/3', { name: 'a', id: '3' }), fake);
    expect('body' in response && String(response.body)).toContain('<pre class="output">hi\n</pre>');
    for (const id of ['0', '-1', '1e3', '3x', '99999999999999999'])
      expect((await route.handler(get('/', { name: 'a', id }), fake)).status).toBe(404);
  });

  test("/graph: edges from the definitions' trigger keys", async () => {
    const tasks = [taskView({ name: 'a' }), taskView({ name: 'b' })];
    const page = await body(routeOf('/graph'), get('/graph', {}), services({ list: tasks }));
    expect(page).toContain('<span class="muted">(on-failure)</span>');
    expect(page).toMatch(/<a class="idle" href="\/tasks\/a"[^>]*>a<\/a> → <a class="idle" href="\/tasks\/b"/);
  });

  test("/graph past GRAPH_MAX_NODES tasks: a form for one task's part, not one long render", async () => {
    const names = ['a', 'b', ...Array.from({ length: GRAPH_MAX_NODES - 1 }, (_, index) => `t${index}`)];
    const fake = services({ list: names.map((name) => taskView({ name })) });
    const route = routeOf('/graph');
    const whole = await body(route, get('/graph', {}), fake);
    expect(whole).toContain(`${GRAPH_MAX_NODES + 1} tasks: more than this page draws at once (${GRAPH_MAX_NODES})`);
    expect(whole).toContain('<form method="get" action="/graph">');
    expect(whole).not.toContain('digraph');
    const part = await body(route, get('/graph', {}, 'task=a'), fake);
    expect(part).toMatch(/<a class="idle" href="\/tasks\/a"[^>]*>a<\/a> → <a class="idle" href="\/tasks\/b"/);
    expect(part).not.toContain('href="/tasks/t0"');
    expect((await route.handler(get('/graph', {}, 'task=nope'), fake)).status).toBe(404);
  });
});
