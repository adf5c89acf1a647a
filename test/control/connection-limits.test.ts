/**
 * Issue 15 points 1 and 3 (the control socket's half): connections are capped and the refused
 * client is told why; a request line must be complete within lineTimeoutMs of its first byte (a
 * trickle of bytes no longer holds a connection for ever); a pipelined burst is dispatched at most
 * maxInFlight at a time, and the socket is not read while the replies back up.
 */
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { connectControl } from '../../src/control/client.js';
import type { RequestDispatcher } from '../../src/control/connection.js';
import { PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { listenControl, type ControlServer, type ControlServerOptions } from '../../src/control/server.js';
import { makeTempDir, openRaw } from '../support/control-fixture.js';
import { waitUntil } from '../support/process-state.js';

const servers: ControlServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

interface Recorder {
  dispatched: number;
  active: number;
  maxActive: number;
  readonly pending: (() => void)[];
}

/** A dispatcher whose `slow` requests wait until released, `big` ones answer 64 KiB, others at once. */
function recordingDispatcher(): { dispatcher: RequestDispatcher; seen: Recorder } {
  const seen: Recorder = { dispatched: 0, active: 0, maxActive: 0, pending: [] };
  const dispatcher: RequestDispatcher = {
    hello: () => ({ version: PROTOCOL_VERSION, pid: 1, daemon: 'taskkit 0.1.0', configPath: '', socket: '' }),
    dispatch: (method) => {
      seen.dispatched++;
      if (method === 'big') return 'x'.repeat(64 * 1024);
      if (method !== 'slow') return 'ok';
      seen.active++;
      seen.maxActive = Math.max(seen.maxActive, seen.active);
      return new Promise<string>((resolve) =>
        seen.pending.push(() => {
          seen.active--;
          resolve('done');
        }),
      );
    },
  };
  return { dispatcher, seen };
}

async function listen(options: Partial<ControlServerOptions>): Promise<{ server: ControlServer; seen: Recorder }> {
  const { dispatcher, seen } = recordingDispatcher();
  const server = await listenControl({ socket: join(makeTempDir(), 's.sock'), dispatcher, ...options });
  servers.push(server);
  return { server, seen };
}

test(
  'one client over maxConnections is told DAEMON_BUSY and why, and closed; ' + 'a place freed is taken again',
  async () => {
    const logs: string[] = [];
    const { server } = await listen({ maxConnections: 3, log: (level, message) => logs.push(`${level}: ${message}`) });
    const held = [await openRaw(server.socket), await openRaw(server.socket), await openRaw(server.socket)];
    for (const client of held) await client.hello();
    const refused = await openRaw(server.socket);
    expect(await refused.next()).toEqual({
      id: null,
      error: {
        code: 'DAEMON_BUSY',
        message:
          'the daemon already serves 3 clients, the most it allows at once; ' +
          'try again shortly (is a program holding connections open?)',
      },
    });
    await refused.closed;
    await expect(connectControl({ socket: server.socket })).rejects.toMatchObject({ code: 'DAEMON_BUSY' });
    expect(logs).toEqual([
      'warn: control: 3 clients connected, the most served at once; refusing more until some close',
    ]);

    held[0]?.socket.destroy();
    await waitUntil(() => server.connectionCount === 2, 2_000, 'the server to drop the closed client');
    const client = await connectControl({ socket: server.socket });
    expect(client.hello.pid).toBe(1);
    client.close();
  },
);

test('half a line, however slowly trickled, is closed lineTimeoutMs after its first byte', async () => {
  const { server } = await listen({ lineTimeoutMs: 300 });
  const client = await openRaw(server.socket);
  await client.hello();
  client.write('{"id":1,');
  const trickle = setInterval(() => client.write(' '), 50);
  try {
    expect(await client.next()).toEqual({
      id: null,
      error: {
        code: 'PROTOCOL_BAD_FRAME',
        message: 'request line not complete within 300ms of its first byte; closing',
      },
    });
    await client.closed;
  } finally {
    clearInterval(trickle);
  }
});

test(
  'a line that comes in pieces within the deadline is served, ' + 'and the deadline restarts for the next line',
  async () => {
    const { server } = await listen({ lineTimeoutMs: 1_000 });
    const client = await openRaw(server.socket);
    await client.hello();
    for (const id of [1, 2, 3]) {
      client.write(`{"id":${id},"meth`);
      client.write('od":"fast"}\n');
      expect(await client.next()).toEqual({ id, result: 'ok' });
    }
  },
);

test(
  'a pipelined burst of 100 requests: at most maxInFlight dispatched at once, ' + 'every one answered in turn',
  async () => {
    const { server, seen } = await listen({ maxInFlight: 4 });
    const client = await openRaw(server.socket);
    await client.hello();
    client.write(Array.from({ length: 100 }, (_unused, index) => `{"id":${index + 1},"method":"slow"}\n`).join(''));
    const answered: unknown[] = [];
    while (answered.length < 100) {
      await waitUntil(() => seen.pending.length > 0, 5_000, 'a slow request to be dispatched');
      for (const release of seen.pending.splice(0)) release();
      while (client.buffered.length > 0 || answered.length < seen.dispatched - seen.active)
        answered.push((await client.next())['id']);
    }
    expect(seen.maxActive).toBe(4);
    expect(answered).toEqual(Array.from({ length: 100 }, (_unused, index) => index + 1));
  },
);

test(
  'a client that sends 200 requests and reads nothing stops being read once its replies back up; ' +
    'reading again, it gets all',
  async () => {
    const { server, seen } = await listen({ maxBacklogBytes: 256 * 1024 });
    const client = await openRaw(server.socket);
    await client.hello();
    client.socket.pause();
    client.write(Array.from({ length: 200 }, (_unused, index) => `{"id":${index + 1},"method":"big"}\n`).join(''));
    await waitUntil(() => seen.dispatched > 0, 5_000, 'the first request to be dispatched');
    // "Nothing more happens" check: the burst fits one read, so before the fix all 200 were dispatched here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.dispatched).toBeLessThan(50);
    client.socket.resume();
    const ids: unknown[] = [];
    for (let i = 0; i < 200; i++) ids.push((await client.next())['id']);
    expect(ids).toEqual(Array.from({ length: 200 }, (_unused, index) => index + 1));
  },
);
