/** run-now --wait end to end over the socket with the real runner: a real shell, real output. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { connectControl } from '../../src/control/client.js';
import { decodeOutputEvent } from '../../src/control/protocol.js';
import { createHandlers } from '../../src/control/handlers.js';
import { listenControl } from '../../src/control/server.js';
import { createSystemClock } from '../../src/engine/clock.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { createRunner } from '../../src/runner/runner.js';
import { closeAll, makeTempDir } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';
import { isAlive, waitUntil } from '../support/process-state.js';

const pids: number[] = [];
let scheduler: Scheduler | null = null;

afterEach(async () => {
  for (const pid of pids.splice(0)) {
    if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
  await scheduler?.stop({ graceMs: 0 });
  scheduler = null;
  await closeAll();
});

async function serve(script: string) {
  const dir = makeTempDir();
  scheduler = new Scheduler({ clock: createSystemClock(), runner: createRunner() });
  scheduler.add(makeTask('job', { action: { kind: 'shell', script, shell: '/bin/sh' }, cwd: dir }));
  scheduler.start();
  scheduler.on('run-started', (run) => {
    if (run.pid !== null) pids.push(run.pid);
  });
  const daemon = {
    info: () => ({
      pid: process.pid,
      startedAt: Date.now(),
      configPath: '',
      socket: '',
      stateDir: dir,
      defaultTimezone: 'UTC',
    }),
    reload: () => Promise.reject(new Error('not here')),
    stop: () => {},
  };
  const server = await listenControl({
    socket: join(dir, 'taskkit.sock'),
    dispatcher: createHandlers({ scheduler, daemon }),
  });
  const client = await connectControl({ socket: server.socket });
  return { dir, server, client, scheduler };
}

test('streams a shell task output and ends with its exit code', async () => {
  const { client, server } = await serve("printf 'first\\n'; sleep 0.05; printf 'second\\n'; exit 3");
  const chunks: string[] = [];
  let startedPid: number | null = null;
  const { run } = await client.stream('run-now', { name: 'job', wait: true }, (event) => {
    if (event.event === 'started') startedPid = event.data.run.pid;
    else if (event.event === 'output') chunks.push(decodeOutputEvent(event.data).toString());
  });
  expect(chunks.join('')).toBe('first\nsecond\n');
  expect(run).toMatchObject({
    status: 'failed',
    exitCode: 3,
    output: 'first\nsecond\n',
    outcome: 'exited with code 3',
    pid: startedPid,
  });
  expect(typeof startedPid).toBe('number');
  client.close();
  await server.close();
});

test('a client that disconnects mid-stream does not stop the process', async () => {
  const { client, dir, scheduler: engine } = await serve("printf 'go\\n'; sleep 0.3; echo done > marker");
  let runId = 0;
  let sawOutput = false;
  const stream = client
    .stream('run-now', { name: 'job', wait: true }, (event) => {
      if (event.event === 'started') runId = event.data.run.id;
      else sawOutput = true;
    })
    .catch((error: unknown) => error);
  await waitUntil(() => sawOutput, 5_000, 'the first output');
  client.close();
  expect(await stream).toMatchObject({ code: 'INTERNAL', message: 'the client closed the connection' });
  const final = await engine.waitForRun(runId);
  expect(final.status).toBe('succeeded');
  expect(existsSync(join(dir, 'marker')) && readFileSync(join(dir, 'marker'), 'utf8')).toBe('done\n');
});
