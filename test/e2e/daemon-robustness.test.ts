/**
 * Issue 3 "Done means", robustness, against a real detached daemon: 1,000 malformed lines, an
 * oversized line, 50 concurrent clients issuing list and run-now, and a client that connects and
 * says nothing. Afterwards the daemon answers `taskkit status` and has lost no task.
 */
import { createConnection, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { connectControl } from '../../src/control/client.js';
import { MAX_LINE_BYTES, PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { isAlive } from '../support/process-state.js';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await cleanUpDaemons();
});

/** A raw connection; resolves with everything the daemon sent once it closes or `untilLines` arrived. */
function rawSession(path: string, send: (socket: Socket) => void, untilLines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    sockets.push(socket);
    let text = '';
    const finish = (): void => resolve(text.split('\n').filter((line) => line !== ''));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.split('\n').length - 1 >= untilLines) {
        socket.end();
        finish();
      }
    });
    socket.on('close', finish);
    socket.on('error', reject);
    socket.on('connect', () => send(socket));
  });
}

test(
  'malformed, oversized, crowded and silent clients leave the daemon serving, with every task',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    const names = Array.from({ length: 20 }, (_, index) => `task-${index}`);
    d.writeTasks([
      'settings:',
      '  state-dir: ./state',
      'tasks:',
      ...names.flatMap((name) => [`  ${name}:`, '    run: "true"']),
    ]);
    expect((await d.taskkit(['start'])).code).toBe(0);
    const pid = d.readPid() as number;

    // A client that connects and says nothing (the daemon closes it after HELLO_TIMEOUT_MS; it must not block others).
    const silent = createConnection(d.socket);
    sockets.push(silent);

    // 1,000 malformed lines after hello: each gets its own error reply, the connection stays usable.
    const hello = JSON.stringify({ id: 0, method: 'hello', params: { version: PROTOCOL_VERSION, client: 'test' } });
    const garbage = Array.from({ length: 1000 }, (_, index) => (index % 2 === 0 ? `{not json ${index}` : `[${index}]`));
    const replies = await rawSession(
      d.socket,
      (socket) =>
        socket.write(`${hello}\n${garbage.join('\n')}\n${JSON.stringify({ id: 1, method: 'status', params: {} })}\n`),
      1002,
    );
    expect(replies).toHaveLength(1002);
    const errors = replies.slice(1, 1001).map((line) => (JSON.parse(line) as { error: { code: string } }).error.code);
    expect(new Set(errors)).toEqual(new Set(['PROTOCOL_BAD_FRAME']));
    expect((JSON.parse(replies[1001] as string) as { id: number; result: { pid: number } }).result.pid).toBe(pid);

    // An oversized line: one error reply, then that connection (only) is closed.
    const oversized = await rawSession(
      d.socket,
      (socket) => socket.write(`${hello}\n${'x'.repeat(MAX_LINE_BYTES + 10)}\n`),
      10,
    );
    expect(oversized).toHaveLength(2);
    expect(JSON.parse(oversized[1] as string)).toMatchObject({ id: null, error: { code: 'PROTOCOL_BAD_FRAME' } });

    // 50 concurrent clients, half listing, half triggering runs.
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const client = await connectControl({ socket: d.socket, timeoutMs: 10_000 });
        try {
          if (index % 2 === 0) return (await client.request('list', {})).length;
          const { run } = await client.request('run-now', { name: names[index % names.length] as string });
          return run.task;
        } finally {
          client.close();
        }
      }),
    );
    expect(results.filter((result) => result === names.length)).toHaveLength(25);
    expect(results.filter((result) => typeof result === 'string')).toHaveLength(25);

    // Afterwards: status answers, every task is there, the daemon is the same process.
    const status = await d.taskkit(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pid, tasks: { total: names.length } });
    const list = JSON.parse((await d.taskkit(['list', '--json'])).stdout) as { name: string }[];
    expect(list.map((task) => task.name)).toEqual(names);
    expect(isAlive(pid)).toBe(true);
    expect(silent.destroyed).toBe(false);
  },
);
