import { spawnSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { connectControl } from '../../src/control/client.js';
import { ControlError, decodeOutputEvent, PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { listenControl } from '../../src/control/server.js';
import { MAX_SOCKET_PATH_BYTES } from '../../src/control/socket-path.js';
import { exitCodeFor, TaskkitError } from '../../src/errors.js';
import { closeAll, makeTempDir, startControl } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';

afterEach(closeAll);

async function rejection(promise: Promise<unknown>): Promise<TaskkitError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TaskkitError);
  return error as TaskkitError;
}

describe('connectControl', () => {
  test('says hello and keeps the answer', async () => {
    const fixture = await startControl([makeTask('a')]);
    const client = await fixture.connect();
    expect(client.socket).toBe(fixture.socket);
    expect(client.hello).toEqual({
      version: PROTOCOL_VERSION,
      pid: 4242,
      daemon: 'taskkit 0.1.0',
      configPath: '/etc/tasks.yaml',
      socket: fixture.socket,
    });
  });

  test('no socket file: DAEMON_UNREACHABLE naming the path and how to start one (exit 3)', async () => {
    const socket = join(makeTempDir(), 'none.sock');
    const error = await rejection(connectControl({ socket }));
    expect([error.code, error.message]).toEqual([
      'DAEMON_UNREACHABLE',
      `no taskkit daemon reachable on ${socket}: the socket does not exist; start one with "taskkit start"`,
    ]);
    expect(exitCodeFor(error)).toBe(3);
  });

  test('a path longer than a Unix socket address holds: USAGE naming the ways to shorten it (exit 2)', async () => {
    const socket = join(makeTempDir(), 'd'.repeat(120), 'taskkit.sock');
    const error = await rejection(connectControl({ socket }));
    expect([error.code, error.message]).toEqual([
      'USAGE',
      `socket path too long (${Buffer.byteLength(socket)} bytes; at most ${MAX_SOCKET_PATH_BYTES}): ${socket}; ` +
        'choose a shorter one with --socket, $TASKKIT_SOCKET or settings.socket (e.g. under /tmp)',
    ]);
    expect(exitCodeFor(error)).toBe(2);
  });

  test('a stale socket file (connection refused): DAEMON_UNREACHABLE', async () => {
    const socket = join(makeTempDir(), 'stale.sock');
    const script =
      `require('node:net').createServer().listen(${JSON.stringify(socket)}, () ` +
      `=> process.kill(process.pid, 'SIGKILL'))`;
    expect(spawnSync(process.execPath, ['-e', script], { timeout: 10_000 }).signal).toBe('SIGKILL');
    const error = await rejection(connectControl({ socket }));
    expect([error.code, error.message]).toEqual([
      'DAEMON_UNREACHABLE',
      `no taskkit daemon reachable on ${socket}: nothing listens on the socket (a stale socket file); ` +
        `start one with "taskkit start"`,
    ]);
  });

  test('a listener that never answers hello: DAEMON_UNREACHABLE after the timeout, said at a glance', async () => {
    const socket = join(makeTempDir(), 'mute.sock');
    const accepted: Socket[] = [];
    const mute = createServer((connection) => accepted.push(connection));
    await new Promise<void>((resolve) => mute.listen(socket, resolve));
    try {
      const error = await rejection(connectControl({ socket, timeoutMs: 1_200 }));
      expect([error.code, error.message]).toEqual([
        'DAEMON_UNREACHABLE',
        `no taskkit daemon reachable on ${socket}: no reply to "hello" within 1.2s; start one with "taskkit start"`,
      ]);
    } finally {
      for (const connection of accepted) connection.destroy();
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  test('another protocol version: PROTOCOL_VERSION from the daemon', async () => {
    const fixture = await startControl([makeTask('a')]);
    const error = await rejection(connectControl({ socket: fixture.socket, version: 99 }));
    expect(error).toBeInstanceOf(ControlError);
    expect([error.code, error.message]).toEqual([
      'PROTOCOL_VERSION',
      `protocol version 99 is not supported: this daemon speaks version ${PROTOCOL_VERSION}; ` +
        'use a taskkit of the same version as the daemon',
    ]);
  });
});

describe('requests', () => {
  test('an error reply rejects with a ControlError carrying the daemon code', async () => {
    const fixture = await startControl([makeTask('alpha')]);
    const client = await fixture.connect();
    const error = await rejection(client.request('show', { name: 'alpa' }));
    expect([error.name, error.code, error.message]).toEqual([
      'ControlError',
      'TASK_UNKNOWN',
      'no task named "alpa" (did you mean "alpha")',
    ]);
    // The connection is still usable.
    expect((await client.request('list', {})).map((task) => task.name)).toEqual(['alpha']);
  });

  test('concurrent requests on one connection each get their own reply', async () => {
    const fixture = await startControl([makeTask('a'), makeTask('b')]);
    const client = await fixture.connect();
    const [a, b, list] = await Promise.all([
      client.request('show', { name: 'a' }),
      client.request('show', { name: 'b' }),
      client.request('list', {}),
    ]);
    expect([a.task.name, b.task.name, list.length]).toEqual(['a', 'b', 2]);
  });

  test('no reply within the request timeout: DAEMON_UNREACHABLE', async () => {
    const dir = makeTempDir();
    const server = await listenControl({
      socket: join(dir, 'slow.sock'),
      dispatcher: {
        hello: () => ({ version: PROTOCOL_VERSION, pid: 1, daemon: 'taskkit 0.1.0', configPath: '', socket: '' }),
        dispatch: () => new Promise(() => {}),
      },
    });
    const client = await connectControl({ socket: server.socket });
    const error = await rejection(client.request('status', {}, { timeoutMs: 30 }));
    expect([error.code, error.message]).toEqual([
      'DAEMON_UNREACHABLE',
      `no taskkit daemon reachable on ${server.socket}: no reply to "status" within 30ms; ` +
        `start one with "taskkit start"`,
    ]);
    client.close();
    await server.close();
  });

  test('the daemon going away mid-stream rejects the stream; a closed client rejects new requests', async () => {
    const fixture = await startControl([makeTask('a')]);
    const client = await fixture.connect();
    let started = false;
    const stream = client.stream('run-now', { name: 'a', wait: true }, (event) => {
      if (event.event === 'started') started = true;
    });
    const settled = stream.catch((error: unknown) => error);
    while (!started) await new Promise((resolve) => setImmediate(resolve));
    await fixture.server.close();
    const error = (await settled) as TaskkitError;
    expect([error.code, error.message]).toEqual([
      'DAEMON_UNREACHABLE',
      `no taskkit daemon reachable on ${fixture.socket}: the daemon closed the connection; ` +
        `start one with "taskkit start"`,
    ]);
    // The run itself went on: closing the server cancels nothing.
    expect(fixture.runner.running()).toEqual([1]);
    await expect(client.request('list', {})).rejects.toMatchObject({ code: 'DAEMON_UNREACHABLE' });
    client.close();
    fixture.runner.finish(1);
  });
});

describe('streams with back-pressure (issue 15 point 10)', () => {
  test('a handler that returns a promise holds the reading: every line in order, the end only after', async () => {
    const socket = join(makeTempDir(), 'burst.sock');
    const accepted: Socket[] = [];
    // A daemon that answers hello, then sends three events and the result in one write and closes
    // (as a daemon that stops does): the client must not report it gone before the lines are handled.
    const server = createServer((connection) => {
      accepted.push(connection);
      let text = '';
      connection.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n')) {
          const { id, method } = JSON.parse(text.slice(0, at)) as { id: number; method: string };
          text = text.slice(at + 1);
          if (method === 'hello') {
            connection.write(`${JSON.stringify({ id, result: { version: PROTOCOL_VERSION, pid: 1 } })}\n`);
            continue;
          }
          const lines = ['a', 'b', 'c'].map((chunk) =>
            JSON.stringify({ id, event: 'output', data: { data: Buffer.from(chunk).toString('base64') } }),
          );
          lines.push(JSON.stringify({ id, result: { run: { status: 'succeeded' } } }));
          connection.end(`${lines.join('\n')}\n`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const client = await connectControl({ socket });
      const seen: string[] = [];
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let sawA: () => void = () => {};
      const aSeen = new Promise<void>((resolve) => (sawA = resolve));
      let ended = false;
      const result = client
        .stream('logs', { name: 'x', follow: true }, (event) => {
          if (event.event !== 'output') return undefined;
          const chunk = decodeOutputEvent(event.data).toString();
          seen.push(chunk);
          if (chunk !== 'a') return undefined;
          sawA();
          return held;
        })
        .finally(() => (ended = true));
      // Lines are handled synchronously, one after another: one turn after 'a', b, c and the result
      // would all be done had the handler's promise not held them.
      await aSeen;
      await new Promise((resolve) => setImmediate(resolve));
      expect([seen, ended]).toEqual([['a'], false]);
      release();
      expect(await result).toEqual({ run: { status: 'succeeded' } });
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      for (const connection of accepted) connection.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
