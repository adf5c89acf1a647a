// `list-table` (issue 20.3): the daemon draws `taskkit list` with the CLI's own code, for the client's colour,
// now and $TZ. The bytes printed must be those the CLI draws itself from `list-rows`, whatever decides colour
// (a TTY, NO_COLOR, FORCE_COLOR) and with `--here`; a daemon in another $TZ, or one without the method, leaves
// the drawing to the CLI, which prints the same table.
import { afterEach, expect, test } from 'vitest';
import { listTasks } from '../../src/cli/daemon-verbs.js';
import { ControlError } from '../../src/control/protocol.js';
import { createTaskListDrawer } from '../../src/daemon/list-table.js';
import { closeAll, startControl, type ControlFixture } from '../support/control-fixture.js';
import { every, makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';
import { createMemoryIo } from '../support/memory-io.js';

afterEach(async () => {
  await closeAll();
});

/** Most of what a row draws: a failed last run, a running one, holds (one until a time), zones, a reschedule. */
async function busyDaemon(): Promise<ControlFixture> {
  const fixture = await startControl([
    makeTask('backup', { description: 'nightly backup' }),
    makeTask('report', { schedule: every('1h') }),
    makeTask('rotate', { schedule: { kind: 'cron', expression: '*/15 * * * *' }, timezone: 'America/New_York' }),
    makeTask('sync', { schedule: every('5m') }),
    makeTask('weekly', { schedule: every('7d') }),
    makeTask('escape\u001b[2Jname', { schedule: every('1d') }),
  ]);
  const failed = fixture.scheduler.runNow('rotate');
  fixture.runner.finish(failed.id, { status: 'failed', exitCode: 2, output: Buffer.from('oops\n'), outputBytes: 5 });
  fixture.scheduler.runNow('backup');
  fixture.scheduler.hold('sync');
  fixture.scheduler.hold('weekly', 'until monday', fixture.clock.now() + 3 * 86_400_000);
  fixture.scheduler.reschedule('report', every('2h'));
  await flush();
  return fixture;
}

/** Every way colour is decided, piped or on a terminal. */
const TERMINALS = [
  { isTTY: false, env: {} },
  { isTTY: true, env: {} },
  { isTTY: true, env: { NO_COLOR: '1' } },
  { isTTY: false, env: { FORCE_COLOR: '1' } },
  { isTTY: true, env: { FORCE_COLOR: '0' } },
];

test('the table the daemon draws is byte for byte the one the CLI draws itself, for every list form', async () => {
  const fixture = await busyDaemon();
  const asked: string[] = [];
  const print = async (terminal: (typeof TERMINALS)[number], here: boolean): Promise<string> => {
    const io = { ...createMemoryIo(terminal), now: () => fixture.clock.now() + 1_500 };
    await listTasks(
      io,
      false,
      async () => {
        const client = await fixture.connect();
        const request: typeof client.request = (method, params, options) => {
          asked.push(method);
          return client.request(method, params, options);
        };
        return { ...client, request };
      },
      here,
    );
    return io.stdoutText();
  };
  let coloured = 0;
  for (const here of [false, true]) {
    for (const terminal of TERMINALS) {
      fixture.daemon.taskListDrawer = createTaskListDrawer();
      asked.length = 0;
      const drawnByDaemon = await print(terminal, here);
      expect(asked).toEqual(['list-table']);
      fixture.daemon.taskListDrawer = undefined;
      asked.length = 0;
      const drawnByCli = await print(terminal, here);
      expect(asked).toEqual(['list-table', 'list-rows']);
      expect(drawnByDaemon).toBe(drawnByCli);
      expect(drawnByDaemon).toContain('(rescheduled): changed at run time');
      expect(drawnByDaemon).toContain('escape\\x1b[2Jname');
      if (drawnByDaemon.includes('\u001b[')) coloured++;
    }
  }
  expect(coloured).toBe(4);
});

test('a daemon in another $TZ says so (table: null) and the CLI draws; bad params are BAD_REQUEST', async () => {
  const fixture = await busyDaemon();
  fixture.daemon.taskListDrawer = createTaskListDrawer();
  const client = await fixture.connect();
  const now = fixture.clock.now();
  const own = process.env['TZ'] ?? null;
  const other = own === 'Asia/Tokyo' ? 'Europe/Berlin' : 'Asia/Tokyo';
  expect(await client.request('list-table', { color: false, tz: other, now })).toEqual({ table: null });
  const { table } = await client.request('list-table', { color: false, tz: own, now });
  expect(table).toMatch(/^NAME +SCHEDULE +STATE +NEXT +LAST\n/);
  for (const params of [
    { tz: own, now },
    { color: false, tz: 3, now },
    { color: false, tz: own },
    { color: 1, tz: own, now },
  ]) {
    const refused = await client.request('list-table', params as never).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ControlError);
    expect((refused as ControlError).code).toBe('BAD_REQUEST');
  }
});
