/**
 * The listener itself, in process with routes of the test's own (issue 19.4): what it answers to
 * slow, oversized and odd requests, how a handler's errors become statuses, HEAD, the connection
 * cap, and a stream that ends when the listener closes. Real sockets on loopback; no daemon.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ControlError } from '../../src/control/protocol.js';
import { html, type HttpServices, type Route, type StreamSink } from '../../src/http/route.js';
import { listenHttp, type HttpLimits, type HttpListener } from '../../src/http/server.js';
import { freePort, httpGet, rawExchange, send } from '../e2e/_http.js';

const listeners: HttpListener[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const listener of listeners.splice(0)) await listener.close();
});

const services: HttpServices = {
  call: () => Promise.reject(new Error('no daemon here')),
  on: () => () => {},
  metrics: () => Promise.resolve({ contentType: 'text/plain', body: '' }),
  now: () => Date.now(),
};

let sink: StreamSink | null = null;
const ROUTES: Route[] = [
  { method: 'GET', path: '/hello/:who', handler: (request) => html(`<p>hello ${request.params['who'] ?? ''}</p>`) },
  {
    method: 'GET',
    path: '/unknown',
    handler: () => {
      throw new ControlError('TASK_UNKNOWN', 'no task named "x" (did you mean "y"?)');
    },
  },
  {
    method: 'GET',
    path: '/broken',
    handler: () => {
      throw new Error('a bug');
    },
  },
  { method: 'POST', path: '/act', handler: (request) => html(`done ${request.form.get('what') ?? ''}`) },
  {
    method: 'GET',
    path: '/events',
    handler: () => ({
      status: 200,
      contentType: 'text/event-stream',
      stream: (opened) => {
        sink = opened;
        opened.write('data: first\n\n');
      },
    }),
  },
];

async function listen(limits: Partial<HttpLimits> = {}): Promise<{ port: number; logs: string[] }> {
  const port = await freePort();
  const logs: string[] = [];
  const listener = await listenHttp({
    settings: { listen: `127.0.0.1:${port}`, host: '127.0.0.1', port, loopback: true, tokenFile: null },
    token: null,
    routes: ROUTES,
    services,
    log: (level, message) => logs.push(`${level} ${message}`),
    limits,
  });
  listeners.push(listener);
  return { port, logs };
}

describe('requests', () => {
  test('a route with a param; HEAD has the headers and no body', async () => {
    const { port } = await listen();
    const reply = await httpGet(port, '/hello/a%20b');
    expect([reply.status, reply.body]).toEqual([200, '<p>hello a b</p>']);
    const head = await send(port, { method: 'HEAD', path: '/hello/x' });
    expect([head.status, head.headers['content-length'], head.body]).toEqual([200, '14', '']);
  });

  test("a handler's ControlError is its status with its message; any other error is a 500 and a log line", async () => {
    const { port, logs } = await listen();
    expect(await httpGet(port, '/unknown')).toMatchObject({
      status: 404,
      body: 'no task named "x" (did you mean "y"?)\n',
    });
    expect(await httpGet(port, '/broken')).toMatchObject({
      status: 500,
      body: 'internal error (the daemon log says more)\n',
    });
    expect(logs).toEqual(['error http: GET /broken failed: a bug']);
  });

  test('forms: too large 413, not a form 415; a request target that is no path 400', async () => {
    const { port } = await listen({ maxBodyBytes: 1024 });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const withToken = async (body: string, headers = form) =>
      send(port, { method: 'POST', path: '/act', headers, body });
    expect((await withToken(`what=${'x'.repeat(2000)}`)).status).toBe(413);
    expect((await withToken('{"what":1}', { 'content-type': 'application/json' })).status).toBe(415);
    // Without the CSRF token a well-formed form is refused too; the status says which check.
    expect((await withToken('what=1')).status).toBe(403);
    expect(await rawExchange(port, 'GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 400 Bad Request\r\n/,
    );
  });
});

describe('slow and many clients', () => {
  test('headers that never end get 408, and the connection closes', { timeout: 10_000 }, async () => {
    const { port } = await listen({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const started = Date.now();
    const answer = await rawExchange(port, 'GET /hello/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // Node checks the connections once a second (connectionsCheckingInterval).
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  test('connections beyond the cap are closed as they arrive; those within are served', async () => {
    const { port } = await listen({ maxConnections: 2 });
    const open = async (): Promise<Socket> => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      await new Promise((resolve) => socket.once('connect', resolve));
      return socket;
    };
    await open();
    await open();
    const third = await open();
    const closed = await new Promise<string>((resolve) => {
      let data = '';
      third.on('data', (chunk: Buffer) => (data += chunk.toString()));
      third.on('close', () => resolve(data));
      third.write('GET /hello/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    expect(closed).toBe('');
    for (const socket of sockets.splice(0)) socket.destroy();
    // Node frees the places as the sockets close.
    for (let tries = 0; ; tries++) {
      const reply = await httpGet(port, '/hello/x').catch(() => null);
      if (reply?.status === 200) break;
      if (tries > 100) throw new Error('never served again');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});

test('a stream ends when the listener closes', async () => {
  const { port } = await listen();
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  for (let tries = 0; !received.includes('data: first'); tries++) {
    if (tries > 200) throw new Error(`no first event: ${received}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(received).toMatch(/content-type: text\/event-stream/);
  const opened = sink;
  expect(opened?.write('data: second\n\n')).toBe(true);
  await listeners.splice(0)[0]?.close();
  await ended;
  expect(opened?.signal.aborted).toBe(true);
  expect(opened?.write('data: late\n\n')).toBe(false);
});
