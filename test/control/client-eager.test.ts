// connectEager (issue 20.3): the fast path's requests go out right behind hello, without waiting for its
// answer (a round trip less for a fresh CLI); a request answers hello's failure first, as connectControl throws it.
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { connectControl, connectEager } from '../../src/control/client.js';
import { ControlError, PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { closeAll, makeTempDir, startControl } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';

afterEach(closeAll);

test('the request is on the wire before hello is answered; both answers come back', async () => {
  const socket = join(makeTempDir(), 'slow-hello.sock');
  const seenBeforeHelloAnswer: string[] = [];
  const connections: Socket[] = [];
  const server = createServer((connection) => {
    connections.push(connection);
    let pending = '';
    const methods: { id: number; method: string }[] = [];
    connection.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
        methods.push(JSON.parse(pending.slice(0, newline)) as { id: number; method: string });
        pending = pending.slice(newline + 1);
      }
    });
    // Hello is answered late: whatever came by then was sent without waiting for it.
    setTimeout(() => {
      seenBeforeHelloAnswer.push(...methods.map((request) => request.method));
      for (const request of methods) {
        const result =
          request.method === 'hello'
            ? { version: PROTOCOL_VERSION, pid: 1, daemon: 'fake', configPath: '/t.yaml', socket }
            : ['a', 'b'];
        connection.write(`${JSON.stringify({ id: request.id, result })}\n`);
      }
    }, 200);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    const { client } = await connectEager({ socket });
    expect(await client.request('names', {})).toEqual(['a', 'b']);
    expect(seenBeforeHelloAnswer).toEqual(['hello', 'names']);
    client.close();
  } finally {
    for (const connection of connections) connection.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a refused hello: the request rejects with hello's error, as connectControl throws it", async () => {
  const fixture = await startControl([makeTask('a')]);
  const expected = await connectControl({ socket: fixture.socket, version: 99 }).catch((error: unknown) => error);
  expect(expected).toBeInstanceOf(ControlError);
  const { client } = await connectEager({ socket: fixture.socket, version: 99 });
  const error = await client.request('names', {}).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ControlError);
  expect([(error as ControlError).code, (error as ControlError).message]).toEqual([
    (expected as ControlError).code,
    (expected as ControlError).message,
  ]);
  client.close();
  // Accepted: the same requests answer as through connectControl.
  const eager = (await connectEager({ socket: fixture.socket })).client;
  expect(await eager.request('names', {})).toEqual(['a']);
  eager.close();
});
