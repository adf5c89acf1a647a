/**
 * The page's routes on fake services: the actions call the control methods and redirect back with
 * their flash; the events stream coalesces engine events, is capped, and lets go of everything
 * when its client goes; assets are served by their hashed path only.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { EngineEventName } from '../../../src/engine/events.js';
import { ACTION_ROUTES } from '../../../src/http/page/action-routes.js';
import { ASSET_ROUTE } from '../../../src/http/page/asset-route.js';
import { STYLE_ASSET } from '../../../src/http/page/assets.js';
import { pageVersion } from '../../../src/http/page/version.js';
import { CHANGE_INTERVAL_MS, createEventsRoute } from '../../../src/http/page/events-route.js';
import type { HttpRequest, HttpResponse, HttpServices, Route, StreamSink } from '../../../src/http/route.js';
import { runView, taskView } from './_views.js';

afterEach(() => {
  vi.useRealTimers();
});

type Call = [method: string, params: unknown];

function fakeServices(answers: Record<string, unknown>): {
  services: HttpServices;
  calls: Call[];
  emit: (event: EngineEventName) => void;
  listeners: () => number;
} {
  const calls: Call[] = [];
  const listeners = new Map<EngineEventName, Set<() => void>>();
  const services = {
    call: (method: string, params: unknown) => {
      calls.push([method, params]);
      return Promise.resolve(answers[method]);
    },
    on: (event: EngineEventName, listener: () => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    metrics: () => Promise.resolve({ contentType: 'text/plain', body: '' }),
    now: () => 0,
    taskSpecs: () => [],
  } as unknown as HttpServices;
  return {
    services,
    calls,
    emit: (event) => {
      for (const listener of listeners.get(event) ?? []) listener();
    },
    listeners: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
  };
}

function request(path: string, params: Record<string, string>, form = '', signal = new AbortController().signal) {
  return {
    method: 'POST',
    path,
    params,
    query: new URLSearchParams(),
    form: new URLSearchParams(form),
    headers: {},
    csrfToken: 't',
    signal,
  } satisfies HttpRequest;
}

const route = (routes: readonly Route[], path: string): Route => {
  const found = routes.find((candidate) => candidate.path === path);
  if (found === undefined) throw new Error(`no route ${path}`);
  return found;
};

const location = (response: HttpResponse): unknown => response.headers?.['location'];

describe('actions', () => {
  test('run-now: the run started, back to the list', async () => {
    const fake = fakeServices({ 'run-now': { run: runView({ id: 12, task: 'a b', status: 'running' }) } });
    const response = await route(ACTION_ROUTES, '/tasks/:name/run-now').handler(
      request('/tasks/a%20b/run-now', { name: 'a b' }, 'back=list'),
      fake.services,
    );
    expect(response.status).toBe(303);
    expect(location(response)).toBe('/?flash=started&task=a+b&run=12');
    expect(fake.calls).toEqual([['run-now', { name: 'a b' }]]);
  });

  test('hold with a note and a duration, back to the task', async () => {
    const fake = fakeServices({ hold: { tasks: [taskView()] } });
    const response = await route(ACTION_ROUTES, '/tasks/:name/hold').handler(
      request('/tasks/t/hold', { name: 't' }, 'note=disk+full&for=2h&back=task'),
      fake.services,
    );
    expect(location(response)).toBe('/tasks/t?flash=held&task=t');
    expect(fake.calls).toEqual([['hold', { names: ['t'], note: 'disk full', forMs: 7_200_000 }]]);
  });

  test('hold with a bad duration holds nothing and says why', async () => {
    const fake = fakeServices({});
    const response = await route(ACTION_ROUTES, '/tasks/:name/hold').handler(
      request('/tasks/t/hold', { name: 't' }, 'for=soon'),
      fake.services,
    );
    expect(location(response)).toBe('/tasks/t?flash=error&task=t&error=bad-duration');
    expect(fake.calls).toEqual([]);
  });

  test('resume of a task that was not held says so', async () => {
    const fake = fakeServices({ resume: { tasks: [taskView()], notHeld: ['t'] } });
    const response = await route(ACTION_ROUTES, '/tasks/:name/resume').handler(
      request('/tasks/t/resume', { name: 't' }),
      fake.services,
    );
    expect(location(response)).toBe('/tasks/t?flash=not-held&task=t');
  });
});

describe('assets', () => {
  test('by hashed path, cacheable; anything else 404', async () => {
    const file = STYLE_ASSET.path.slice('/assets/'.length);
    const fake = fakeServices({});
    const found = await ASSET_ROUTE.handler(request(STYLE_ASSET.path, { file }), fake.services);
    expect([found.status, found.contentType, found.headers?.['cache-control']]).toEqual([
      200,
      'text/css; charset=utf-8',
      'public, max-age=31536000, immutable',
    ]);
    const missing = await ASSET_ROUTE.handler(request('/assets/x', { file: '../../etc/passwd' }), fake.services);
    expect(missing.status).toBe(404);
  });
});

describe('events', () => {
  function open(route: ReturnType<typeof createEventsRoute>, services: HttpServices) {
    const controller = new AbortController();
    const chunks: string[] = [];
    let ended = false;
    const sink: StreamSink = {
      write: (chunk) => (chunks.push(chunk), true),
      end: () => {
        ended = true;
      },
      signal: controller.signal,
    };
    const response = route.handler(request('/events', {}, '', controller.signal), services) as HttpResponse;
    if ('stream' in response) response.stream(sink);
    return { response, chunks, close: () => controller.abort(), ended: () => ended };
  }

  test('the version first, then engine events coalesced into one change a second; closing lets go', async () => {
    vi.useFakeTimers();
    const fake = fakeServices({ list: [taskView({ name: 'a' })] });
    const events = createEventsRoute(2);
    const page = open(events, fake.services);
    await Promise.resolve(); // the list call's answer
    expect(page.response.contentType).toBe('text/event-stream; charset=utf-8');
    const version = `event: version\ndata: "${pageVersion([taskView({ name: 'a' })])}"\n\n`;
    expect(page.chunks).toEqual(['retry: 3000\n\n', version]);
    fake.emit('task-changed');
    fake.emit('run-started');
    fake.emit('run-finished');
    vi.advanceTimersByTime(CHANGE_INTERVAL_MS);
    expect(page.chunks).toEqual(['retry: 3000\n\n', version, 'event: change\ndata: {}\n\n']);
    expect(fake.listeners()).toBe(4);
    expect(events.open()).toBe(1);
    fake.emit('task-changed');
    page.close();
    vi.advanceTimersByTime(60_000);
    expect(page.chunks).toHaveLength(3); // nothing after the close: no change, no keepalive
    expect([fake.listeners(), events.open(), page.ended()]).toEqual([0, 0, true]);
  });

  test('at most the cap open at once; one more is 503 until one closes', () => {
    const fake = fakeServices({ list: [] });
    const events = createEventsRoute(2);
    const first = open(events, fake.services);
    const second = open(events, fake.services);
    expect(open(events, fake.services).response.status).toBe(503);
    first.close();
    const third = open(events, fake.services);
    expect(third.response.status).toBe(200);
    second.close();
    third.close();
    expect([events.open(), fake.listeners()]).toEqual([0, 0]);
  });
});
