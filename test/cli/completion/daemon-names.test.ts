// Shell completion asks the daemon for its task names (`names`, issue 20.3), and a daemon older than the
// method (BAD_REQUEST: unknown method) for its `list`; no daemon: null, and the caller reads the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { askDaemonForNames } from '../../../src/cli/completion/daemon-names.js';
import { PROTOCOL_VERSION } from '../../../src/control/protocol.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A daemon on a fresh socket answering each method with `answer(method)` ({result} or {error}); what it was asked. */
async function fakeDaemon(answer: (method: string) => object): Promise<{ socket: string; asked: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'taskkit-names-'));
  const socket = join(dir, 's');
  const asked: string[] = [];
  const server: Server = createServer((connection) => {
    let pending = '';
    connection.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
        const request = JSON.parse(pending.slice(0, newline)) as { id: number; method: string };
        pending = pending.slice(newline + 1);
        asked.push(request.method);
        const reply =
          request.method === 'hello'
            ? { result: { version: PROTOCOL_VERSION, pid: 1, daemon: 'fake', configPath: '/t.yaml', socket } }
            : answer(request.method);
        connection.write(`${JSON.stringify({ id: request.id, ...reply })}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  cleanups.push(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { socket, asked };
}

const TASKS = [{ name: 'backup' }, { name: 'report' }];

test('a daemon with `names`: its names, and nothing else asked', async () => {
  const daemon = await fakeDaemon((method) =>
    method === 'names' ? { result: ['backup', 'report'] } : { error: { code: 'INTERNAL', message: 'not this' } },
  );
  expect(await askDaemonForNames(daemon.socket)).toEqual(['backup', 'report']);
  expect(daemon.asked).toEqual(['hello', 'names']);
});

test('a daemon older than `names` (unknown method): the names of its list', async () => {
  const daemon = await fakeDaemon((method) =>
    method === 'list'
      ? { result: TASKS }
      : { error: { code: 'BAD_REQUEST', message: `unknown method "${method}" (did you mean "list")` } },
  );
  expect(await askDaemonForNames(daemon.socket)).toEqual(['backup', 'report']);
  expect(daemon.asked).toEqual(['hello', 'names', 'list']);
});

test('any other error, or no daemon: null (the caller reads the tasks file)', async () => {
  const failing = await fakeDaemon(() => ({ error: { code: 'INTERNAL', message: 'broken' } }));
  expect(await askDaemonForNames(failing.socket)).toBeNull();
  expect(failing.asked).toEqual(['hello', 'names']);
  expect(await askDaemonForNames(join(tmpdir(), 'taskkit-no-such-socket'))).toBeNull();
});
