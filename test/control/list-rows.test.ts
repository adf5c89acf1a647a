// `list-rows` (issue 20.3): `list` as the table draws it. The rows are the views' fields the table reads, so the
// table drawn from them is the table drawn from `list` (plain and coloured), and a daemon older than the method
// (BAD_REQUEST) gets `list` asked instead, the same table printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { connectControl } from '../../src/control/client.js';
import { listTasks } from '../../src/cli/daemon-verbs.js';
import { renderTaskList } from '../../src/cli/format/task-list.js';
import { PLAIN_PAINTER, type Painter } from '../../src/cli/io.js';
import { toIsoTaskListRow, toTaskListRowAt } from '../../src/control/list-rows.js';
import { toTaskListRow } from './_list-row-of-view.js';
import { ControlError, PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { toTaskView, type RunFacts, type TaskView } from '../../src/control/views.js';
import { closeAll, startControl } from '../support/control-fixture.js';
import { every, makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';
import { createMemoryIo } from '../support/memory-io.js';

const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  await closeAll();
});

/** Each style as visible marks, so that a colour drawn differently shows in the text. */
const MARKING_PAINTER: Painter = {
  bold: (text) => `<b>${text}</b>`,
  dim: (text) => `<d>${text}</d>`,
  green: (text) => `<g>${text}</g>`,
  red: (text) => `<r>${text}</r>`,
  yellow: (text) => `<y>${text}</y>`,
  cyan: (text) => `<c>${text}</c>`,
};

/** A daemon whose tasks show most of what a row draws: a failed last run, a running one, a hold, zones. */
async function busyDaemon(): Promise<Awaited<ReturnType<typeof startControl>>> {
  const fixture = await startControl([
    makeTask('backup', { description: 'nightly backup' }),
    makeTask('report', { schedule: every('1h') }),
    makeTask('rotate', { schedule: { kind: 'cron', expression: '*/15 * * * *' }, timezone: 'America/New_York' }),
    makeTask('sync', { schedule: every('5m') }),
  ]);
  const failed = fixture.scheduler.runNow('rotate');
  fixture.runner.finish(failed.id, { status: 'failed', exitCode: 2, output: Buffer.from('oops\n'), outputBytes: 5 });
  fixture.scheduler.runNow('backup');
  fixture.scheduler.hold('sync');
  await flush();
  return fixture;
}

test('list-rows: list as toTaskListRow gives it, smaller, the same table plain and coloured', async () => {
  const fixture = await busyDaemon();
  const client = await fixture.connect();
  const views: TaskView[] = await client.request('list', {});
  const rows = await client.request('list-rows', {});
  expect(rows).toEqual(views.map(toTaskListRow));
  expect(await client.request('list-rows', { here: true })).toEqual(rows);
  expect(JSON.stringify(rows).length).toBeLessThan(JSON.stringify(views).length * 0.7);
  expect(rows.map((row) => row.running)).toEqual([1, 0, 0, 0]);
  expect(rows.map((row) => row.lastRun?.status ?? null)).toEqual([null, null, 'failed', null]);
  const now = fixture.clock.now();
  for (const painter of [PLAIN_PAINTER, MARKING_PAINTER]) {
    expect(renderTaskList(rows, now, painter)).toEqual(renderTaskList(views, now, painter));
  }
  const refused = await client.request('list-rows', { view: 'table' } as never).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ControlError);
  expect((refused as ControlError).code).toBe('BAD_REQUEST');
});

test('a row keeps optional fields absent as the view has them, and carries host and cluster when present', () => {
  const view = { lastRun: null, join: null } as unknown as TaskView;
  expect(toTaskListRow(view)).not.toHaveProperty('cluster');
  const run = { status: 'succeeded', outcome: 'succeeded', createdAt: 'c', startedAt: 's', endedAt: 'e' };
  expect(toTaskListRow({ ...view, lastRun: run } as unknown as TaskView).lastRun).toEqual(run);
  const cluster = { scope: 'host', definitionDiffers: null };
  const clustered = { ...view, lastRun: { ...run, host: 'b', id: 7 }, cluster } as unknown as TaskView;
  expect(toTaskListRow(clustered)).toMatchObject({ lastRun: { ...run, host: 'b' }, cluster });
  expect(toTaskListRow(clustered).lastRun).not.toHaveProperty('id');
});

test('a row built from the engine is the view row and draws the same, whatever toTaskView is given', async () => {
  const fixture = await busyDaemon();
  const now = fixture.clock.now();
  // A hold that ends by itself: STATE draws its end (" until ..."), from heldUntil.
  fixture.scheduler.hold('report', 'deploy', now + 3_600_000);
  const tasks = fixture.scheduler.list();
  expect(tasks.find((task) => task.name === 'report')?.heldUntil).toBe(now + 3_600_000);
  const ended = tasks.find((task) => task.name === 'rotate')?.lastRun;
  expect(ended?.status).toBe('failed');
  // Another host's run, older and newer than this host's; a run with a host of its own (the store's, `here`).
  const stored = (createdAt: number): RunFacts => ({ ...(ended as RunFacts), id: 99, createdAt, host: 'other' });
  const clusters = [
    undefined,
    { hostname: 'this', cluster: null },
    { hostname: 'this', cluster: { scope: 'host' as const, definitionDiffers: null } },
    {
      hostname: 'this',
      cluster: { scope: 'cluster' as const, definitionDiffers: { publishedBy: 'b', publishedAt: '2026-01-01' } },
    },
  ];
  let compared = 0;
  for (const task of tasks) {
    for (const storedRun of [null, stored(0), stored((ended as RunFacts).createdAt + 60_000)]) {
      for (const cluster of clusters) {
        for (const zone of ['UTC', 'America/New_York']) {
          const expected = toTaskListRow(toTaskView(task, zone, storedRun, cluster));
          const row = toTaskListRowAt(task, zone, storedRun, cluster);
          expect(toIsoTaskListRow(row)).toEqual(expected);
          // Drawn from its epoch-ms instants (list-table), the row is the one drawn from ISO (the CLI's).
          for (const painter of [PLAIN_PAINTER, MARKING_PAINTER]) {
            expect(renderTaskList([row], now, painter)).toEqual(renderTaskList([expected], now, painter));
          }
          compared++;
        }
      }
    }
  }
  expect(compared).toBe(tasks.length * 3 * clusters.length * 2);
});

/** A daemon on a fresh socket answering each method with `answer(method)`; what it was asked. */
async function fakeDaemon(answer: (method: string) => object): Promise<{ socket: string; asked: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'taskkit-rows-'));
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

test('taskkit list asks list-table, list-rows, an older daemon list (the same table); --json asks list', async () => {
  const fixture = await busyDaemon();
  const client = await fixture.connect();
  const views = await client.request('list', {});
  const rows = await client.request('list-rows', {});
  const unknown = (method: string): object => ({
    error: { code: 'BAD_REQUEST', message: `unknown method "${method}"` },
  });
  const current = await fakeDaemon((method) => (method === 'list-rows' ? { result: rows } : unknown(method)));
  const older = await fakeDaemon((method) => (method === 'list' ? { result: views } : unknown(method)));
  const print = async (socket: string, json: boolean): Promise<string> => {
    const io = { ...createMemoryIo(), now: () => fixture.clock.now() };
    await listTasks(io, json, () => connectControl({ socket }));
    return io.stdoutText();
  };
  const table = await print(current.socket, false);
  expect(table).toContain('rotate');
  expect(current.asked).toEqual(['hello', 'list-table', 'list-rows']);
  expect(await print(older.socket, false)).toBe(table);
  expect(older.asked).toEqual(['hello', 'list-table', 'list-rows', 'list']);
  expect(JSON.parse(await print(older.socket, true))).toEqual(views);
  expect(older.asked.slice(4)).toEqual(['hello', 'list']);
  // Any other error is the verb's: no second request.
  const failing = await fakeDaemon(() => ({ error: { code: 'INTERNAL', message: 'broken' } }));
  await expect(print(failing.socket, false)).rejects.toThrow('broken');
  expect(failing.asked).toEqual(['hello', 'list-table']);
});
