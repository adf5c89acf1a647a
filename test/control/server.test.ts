import { statSync, writeFileSync, existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { listenControl, SocketInUseError } from '../../src/control/server.js';
import type { RequestDispatcher } from '../../src/control/connection.js';
import { PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { closeAll, makeTempDir, openRaw, startControl } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';
import { waitUntil } from '../support/process-state.js';

afterEach(closeAll);

const TASKS = [makeTask('backup'), makeTask('report')];

describe('handshake', () => {
  test('hello answers with the protocol version, pid, daemon, tasks file and socket', async () => {
    const fixture = await startControl(TASKS);
    const client = await fixture.raw();
    expect(await client.hello()).toEqual({
      id: 0,
      result: {
        version: PROTOCOL_VERSION,
        pid: 4242,
        daemon: 'taskkit 0.1.0',
        configPath: '/etc/tasks.yaml',
        socket: fixture.socket,
      },
    });
  });

  test('another protocol version gets PROTOCOL_VERSION and the connection closes', async () => {
    const fixture = await startControl(TASKS);
    const client = await fixture.raw();
    client.send({ id: 1, method: 'hello', params: { version: PROTOCOL_VERSION + 1, client: 'taskkit 9' } });
    expect(await client.next()).toEqual({
      id: 1,
      error: {
        code: 'PROTOCOL_VERSION',
        message:
          `protocol version ${PROTOCOL_VERSION + 1} is not supported: ` +
          `this daemon speaks version ${PROTOCOL_VERSION}; ` +
          'use a taskkit of the same version as the daemon',
      },
    });
    await client.closed;
  });

  test('hello without a numeric version is a BAD_REQUEST naming the param; the connection stays', async () => {
    const fixture = await startControl(TASKS);
    const client = await fixture.raw();
    client.send({ id: 1, method: 'hello', params: { version: '1' } });
    expect(await client.next()).toEqual({
      id: 1,
      error: {
        code: 'BAD_REQUEST',
        message: `hello: param "version" must be a number (this daemon speaks ${PROTOCOL_VERSION})`,
      },
    });
    expect((await client.hello())['result']).toMatchObject({ version: PROTOCOL_VERSION });
  });

  test('any other method first gets PROTOCOL_BAD_FRAME "say hello first"', async () => {
    const fixture = await startControl(TASKS);
    const client = await fixture.raw();
    client.send({ id: 5, method: 'list', params: {} });
    const reply = await client.next();
    expect(reply['id']).toBe(5);
    expect(reply['error']).toEqual({
      code: 'PROTOCOL_BAD_FRAME',
      message: `say hello first: {"id":1,"method":"hello","params":{"version":${PROTOCOL_VERSION},"client":"..."}}`,
    });
    await client.hello();
    client.send({ id: 6, method: 'list', params: {} });
    expect(((await client.next())['result'] as unknown[]).length).toBe(2);
  });
});

describe('robustness', () => {
  test('1,000 malformed lines each get PROTOCOL_BAD_FRAME, then a valid request still works', async () => {
    const fixture = await startControl(TASKS);
    const client = await fixture.raw();
    await client.hello();
    const junk = ['{"id":1,', '[]', '42', 'not json at all', '{"id":2}', '{"method":"list"}'];
    let text = '';
    for (let i = 0; i < 1000; i++) text += `${junk[i % junk.length]}\n`;
    client.write(text);
    const replies = [];
    for (let i = 0; i < 1000; i++) replies.push(await client.next());
    expect(replies.every((reply) => (reply['error'] as { code: string }).code === 'PROTOCOL_BAD_FRAME')).toBe(true);
    // The id is echoed when it could be read.
    expect(replies[4]).toEqual({
      id: 2,
      error: { code: 'PROTOCOL_BAD_FRAME', message: '"method" must be a non-empty string' },
    });
    expect(replies[0]?.['id']).toBe(null);
    client.send({ id: 'after', method: 'list', params: {} });
    const reply = await client.next();
    expect(reply['id']).toBe('after');
    expect((reply['result'] as { name: string }[]).map((task) => task.name)).toEqual(['backup', 'report']);
  });

  test('blank lines are ignored and invalid UTF-8 is a bad frame', async () => {
    const fixture = await startControl(TASKS);
    const client = await fixture.raw();
    await client.hello();
    client.write('\n  \r\n');
    client.write(Buffer.from([0xc3, 0x28, 0x0a]));
    expect(await client.next()).toEqual({
      id: null,
      error: { code: 'PROTOCOL_BAD_FRAME', message: 'line is not valid UTF-8' },
    });
    client.send({ id: 1, method: 'status' });
    expect((await client.next())['id']).toBe(1);
  });

  test('an oversized line closes only that connection', async () => {
    const fixture = await startControl(TASKS, { server: { maxLineBytes: 1024 } });
    const victim = await fixture.raw();
    const bystander = await fixture.raw();
    await victim.hello();
    await bystander.hello();
    victim.write(`{"id":1,"method":"list","params":{"pad":"${'x'.repeat(2000)}"}}\n`);
    expect(await victim.next()).toEqual({
      id: null,
      error: { code: 'PROTOCOL_BAD_FRAME', message: 'line longer than 1024 bytes; closing the connection' },
    });
    await victim.closed;
    bystander.send({ id: 2, method: 'list', params: {} });
    expect(((await bystander.next())['result'] as unknown[]).length).toBe(2);
  });

  test('the default maximum is 1 MiB: a line of 1 MiB + 1 byte is refused', async () => {
    const fixture = await startControl(TASKS);
    const client = await fixture.raw();
    await client.hello();
    client.write('x'.repeat(1024 * 1024 + 1));
    expect(((await client.next())['error'] as { message: string }).message).toBe(
      'line longer than 1048576 bytes; closing the connection',
    );
    await client.closed;
  });

  test('a silent client is closed after the hello timeout; a greeted one is not', async () => {
    const fixture = await startControl(TASKS, { server: { helloTimeoutMs: 50 } });
    const silent = await fixture.raw();
    const greeted = await fixture.raw();
    await greeted.hello();
    expect(await silent.next()).toEqual({
      id: null,
      error: { code: 'PROTOCOL_BAD_FRAME', message: 'no hello within 50ms; closing' },
    });
    await silent.closed;
    greeted.send({ id: 1, method: 'status' });
    expect((await greeted.next())['id']).toBe(1);
  });

  test('a client idle after hello is closed after the idle timeout', async () => {
    const fixture = await startControl(TASKS, { server: { idleTimeoutMs: 50 } });
    const client = await fixture.raw();
    await client.hello();
    const started = Date.now();
    await client.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    await waitUntil(() => fixture.server.connectionCount === 0, 2_000, 'the server to drop the connection');
  });

  test('a handler that throws becomes an INTERNAL reply and the connection stays', async () => {
    const dir = makeTempDir();
    const dispatcher: RequestDispatcher = {
      hello: () => ({ version: PROTOCOL_VERSION, pid: 1, daemon: 'taskkit 0.1.0', configPath: '', socket: '' }),
      dispatch: (method) => {
        if (method === 'sync') throw new Error('boom');
        if (method === 'async') return Promise.reject(new TypeError('kaboom'));
        if (method === 'cyclic') {
          const value: Record<string, unknown> = {};
          value['self'] = value;
          return value;
        }
        return 'fine';
      },
    };
    const logs: string[] = [];
    const server = await listenControl({
      socket: join(dir, 's.sock'),
      dispatcher,
      log: (level, message) => logs.push(`${level}: ${message.split('\n')[0]}`),
    });
    const client = await openRaw(server.socket);
    await client.hello();
    client.send({ id: 1, method: 'sync' });
    expect(await client.next()).toEqual({ id: 1, error: { code: 'INTERNAL', message: 'internal error: boom' } });
    client.send({ id: 2, method: 'async' });
    expect(await client.next()).toEqual({ id: 2, error: { code: 'INTERNAL', message: 'internal error: kaboom' } });
    client.send({ id: 3, method: 'cyclic' });
    expect(((await client.next())['error'] as { code: string }).code).toBe('INTERNAL');
    client.send({ id: 4, method: 'other' });
    expect(await client.next()).toEqual({ id: 4, result: 'fine' });
    expect(logs[0]).toBe('error: control: "sync" failed: Error: boom');
    await server.close();
  });
});

describe('the socket file', () => {
  test('the socket is 0600 and its new directories 0700', async () => {
    const dir = makeTempDir();
    const socket = join(dir, 'a', 'b', 'taskkit.sock');
    const fixture = await startControl(TASKS, { socket });
    expect(statSync(fixture.socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(fixture.socket).isSocket()).toBe(true);
  });

  test('close removes the socket file', async () => {
    const fixture = await startControl(TASKS);
    await fixture.server.close();
    expect(existsSync(fixture.socket)).toBe(false);
  });

  test('a live socket refuses a second server with SOCKET_IN_USE naming the pid', async () => {
    const fixture = await startControl(TASKS);
    const second = listenControl({
      socket: fixture.socket,
      dispatcher: { hello: () => ({}) as never, dispatch: () => null },
    });
    await expect(second).rejects.toThrow(SocketInUseError);
    await expect(second).rejects.toMatchObject({
      code: 'SOCKET_IN_USE',
      pid: 4242,
      message: `taskkit is already running (pid 4242) on ${fixture.socket}`,
    });
    // The first server still answers.
    const client = await fixture.raw();
    expect((await client.hello())['result']).toMatchObject({ pid: 4242 });
  });

  test('a stale socket file (nobody listening) is removed and the server starts', async () => {
    const dir = makeTempDir();
    const socket = join(dir, 'stale.sock');
    makeStaleSocket(socket);
    expect(statSync(socket).isSocket()).toBe(true);
    const fixture = await startControl(TASKS, { socket });
    const client = await fixture.raw();
    expect((await client.hello())['result']).toMatchObject({ pid: 4242, socket });
  });

  test('taking over a stale socket logs no error (its EADDRINUSE is expected, not news)', async () => {
    const socket = join(makeTempDir(), 'stale.sock');
    makeStaleSocket(socket);
    const logs: string[] = [];
    const server = await listenControl({
      socket,
      dispatcher: { hello: () => ({}) as never, dispatch: () => null },
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    await server.close();
    expect(logs.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  test('a path that exists and is not a socket is left alone', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'precious.txt');
    writeFileSync(path, 'keep me');
    await expect(startControl(TASKS, { socket: path })).rejects.toMatchObject({
      code: 'SOCKET_IN_USE',
      message: `${path} exists and is not a socket; remove it or choose another --socket`,
    });
    expect(statSync(path).isFile()).toBe(true);
  });

  test('a socket path longer than the system allows is a USAGE error saying so', async () => {
    const socket = `/tmp/${'d'.repeat(120)}/taskkit.sock`;
    await expect(
      listenControl({ socket, dispatcher: { hello: () => ({}) as never, dispatch: () => null } }),
    ).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/^socket path too long \(138 bytes; at most 10[37]\)/) as unknown,
    });
  });

  test('close ends connected clients and resolves', async () => {
    const fixture = await startControl(TASKS);
    const clients = await Promise.all([fixture.raw(), fixture.raw(), fixture.raw()]);
    await clients[0]?.hello();
    expect(fixture.server.connectionCount).toBe(3);
    await fixture.server.close();
    await Promise.all(clients.map((client) => client.closed));
    expect(fixture.server.connectionCount).toBe(0);
  });
});

/** Leave a socket file with no listener, as a daemon killed by SIGKILL does (the child kills itself). */
function makeStaleSocket(path: string): void {
  const script =
    `require('node:net').createServer().listen(${JSON.stringify(path)}, () ` +
    `=> process.kill(process.pid, 'SIGKILL'))`;
  const result = spawnSync(process.execPath, ['-e', script], { timeout: 10_000 });
  expect(result.signal).toBe('SIGKILL');
}
describe('start-up', () => {
  test('no request is served before listenControl has resolved (the daemon adds its tasks right after)', async () => {
    // A client hammering the path from another process connects the moment the socket is bound; an
    // await between bind and return (an async chmod once) let its hello in before the daemon had
    // added its tasks, and a run-now then answered TASK_UNKNOWN.
    const early: string[] = [];
    for (let round = 0; round < 12; round++) {
      const socket = join(makeTempDir(), 's.sock');
      const hammer = spawn(
        process.execPath,
        [
          '-e',
          `const net = require('node:net');
           const go = () => { const s = net.connect(process.argv[1]);
             s.on('connect', () => s.write(process.argv[2]));
             s.on('data', () => process.exit(0)); s.on('error', () => setImmediate(go)); };
           go(); process.stdout.write('up\\n');`,
          socket,
          `${JSON.stringify({ id: 0, method: 'hello', params: { version: PROTOCOL_VERSION, client: 'hammer' } })}\n`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise((resolve) => hammer.stdout.once('data', resolve));
      let ready = false;
      const dispatcher: RequestDispatcher = {
        hello: () => {
          if (!ready) early.push(`round ${round}`);
          return { version: PROTOCOL_VERSION, pid: 1, daemon: 'taskkit 0.1.0', configPath: '', socket };
        },
        dispatch: () => null,
      };
      const server = await listenControl({ socket, dispatcher });
      ready = true;
      const code = await new Promise((resolve) => hammer.once('exit', resolve));
      await server.close();
      expect(code).toBe(0);
    }
    expect(early).toEqual([]);
  });
});
