// The `logs` method (control/logs.ts) over a real socket, an engine on a fake clock and a real
// SQLite history: a run's output from the engine while it runs and from the history once it
// ended; `follow` streams a running run from what it printed so far until it ends.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ControlError } from '../../src/control/protocol.js';
import { createHistoryControl } from '../../src/daemon/history.js';
import { attachStore } from '../../src/store/attach.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { closeAll, startControl, type ControlFixture } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';

/** An output event's `data`: the bytes of `text`, base64 (control/protocol.ts). */
const base64 = (text: string): string => Buffer.from(text).toString('base64');

const stores: SqliteStore[] = [];
afterEach(async () => {
  await closeAll();
  for (const store of stores.splice(0)) store.close();
});

/** A control server whose daemon keeps its history in a real SQLite file. */
async function startWithHistory(): Promise<ControlFixture & { store: SqliteStore }> {
  const fixture = await startControl([makeTask('backup'), makeTask('report')]);
  const store = openSqliteStore({ path: join(fixture.dir, 'taskkit.db') });
  stores.push(store);
  attachStore(fixture.scheduler, store);
  Object.assign(fixture.daemon, createHistoryControl(store, fixture.scheduler));
  return { ...fixture, store };
}

async function failure(promise: Promise<unknown>): Promise<[string, string]> {
  const error = await promise.then(
    () => new Error('expected the request to fail'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ControlError);
  return [(error as ControlError).code, (error as ControlError).message];
}

describe('logs of a run that has ended', () => {
  test('the newest run by default, or one by id, with its output, from the history', async () => {
    const f = await startWithHistory();
    const first = f.scheduler.runNow('backup');
    f.runner.finish(first.id, { status: 'failed', exitCode: 3, output: Buffer.from('first\n'), outputBytes: 6 });
    await flush();
    const second = f.scheduler.runNow('backup');
    f.runner.finish(second.id, { output: Buffer.from('second\n'), outputBytes: 7 });
    await flush();
    const client = await f.connect();
    expect((await client.request('logs', { name: 'backup' })).run).toMatchObject({
      id: 2,
      status: 'succeeded',
      output: 'second\n',
      outcome: 'succeeded',
    });
    expect((await client.request('logs', { name: 'backup', runId: 1 })).run).toMatchObject({
      id: 1,
      status: 'failed',
      exitCode: 3,
      output: 'first\n',
    });
  });

  test('follow on a run already over: its whole output as one event, then the run', async () => {
    const f = await startWithHistory();
    const run = f.scheduler.runNow('backup');
    f.runner.finish(run.id, { output: Buffer.from('all of it\n'), outputBytes: 10 });
    await flush();
    const client = await f.connect();
    const events: unknown[] = [];
    const { run: view } = await client.stream('logs', { name: 'backup', follow: true }, (event) => events.push(event));
    expect(events).toEqual([{ event: 'output', data: { data: base64('all of it\n') } }]);
    expect(view).toMatchObject({ id: 1, status: 'succeeded', output: 'all of it\n' });
  });

  test('a task removed from the file keeps its history: its runs can still be read', async () => {
    const f = await startWithHistory();
    const run = f.scheduler.runNow('report');
    f.runner.finish(run.id, { output: Buffer.from('kept\n'), outputBytes: 5 });
    await flush();
    f.scheduler.remove('report');
    const client = await f.connect();
    expect((await client.request('logs', { name: 'report' })).run).toMatchObject({
      id: 1,
      task: 'report',
      output: 'kept\n',
    });
  });
});

describe('logs of a running run', () => {
  test('without follow: what it printed so far, status running', async () => {
    const f = await startWithHistory();
    const run = f.scheduler.runNow('backup');
    f.runner.emitOutput(run.id, 'so far\n');
    const client = await f.connect();
    expect((await client.request('logs', { name: 'backup' })).run).toMatchObject({
      id: 1,
      status: 'running',
      output: 'so far\n',
      outcome: 'running',
    });
  });

  test('follow: what it printed before, each chunk as it comes, then the final run with its output', async () => {
    const f = await startWithHistory();
    const run = f.scheduler.runNow('backup');
    f.runner.emitOutput(run.id, 'one\n');
    const client = await f.connect();
    const events: unknown[] = [];
    const done = client.stream('logs', { name: 'backup', runId: run.id, follow: true }, (event) => {
      events.push(event);
      if (events.length === 1) {
        f.runner.emitOutput(run.id, 'two\n');
        f.runner.emitOutput(run.id, 'three\n');
        f.runner.finish(run.id, {
          status: 'failed',
          exitCode: 4,
          output: Buffer.from('one\ntwo\nthree\n'),
          outputBytes: 14,
        });
      }
    });
    const { run: view } = await done;
    expect(events).toEqual([
      { event: 'output', data: { data: base64('one\n') } },
      { event: 'output', data: { data: base64('two\n') } },
      { event: 'output', data: { data: base64('three\n') } },
    ]);
    expect(view).toMatchObject({
      id: 1,
      status: 'failed',
      exitCode: 4,
      output: 'one\ntwo\nthree\n',
      outcome: 'exited with code 4',
    });
    // The run is in the history as it ended.
    expect(f.store.getRun(1)).toMatchObject({ status: 'failed', output: Buffer.from('one\ntwo\nthree\n') });
  });

  test('follow: a run whose task a reload removed is followed to its end (issue 15.9)', async () => {
    const f = await startWithHistory();
    const run = f.scheduler.runNow('backup');
    f.runner.emitOutput(run.id, 'before\n');
    f.scheduler.remove('backup');
    const client = await f.connect();
    const events: unknown[] = [];
    const done = client.stream('logs', { name: 'backup', follow: true }, (event) => {
      events.push(event);
      if (events.length === 1) f.runner.finish(run.id, { output: Buffer.from('before\nafter\n'), outputBytes: 13 });
    });
    expect((await done).run).toMatchObject({ id: run.id, status: 'succeeded', output: 'before\nafter\n' });
    expect(events).toEqual([{ event: 'output', data: { data: base64('before\n') } }]);
  });

  test('follow without an id picks the newest running run of the task', async () => {
    const f = await startControl([makeTask('par', { overlap: 'allow' })]);
    const older = f.scheduler.runNow('par');
    const newer = f.scheduler.runNow('par');
    f.runner.emitOutput(older.id, 'older\n');
    f.runner.emitOutput(newer.id, 'newer\n');
    const client = await f.connect();
    const events: unknown[] = [];
    const done = client.stream('logs', { name: 'par', follow: true }, (event) => {
      events.push(event);
      f.runner.finish(newer.id, { output: Buffer.from('newer\n'), outputBytes: 6 });
    });
    expect((await done).run).toMatchObject({ id: newer.id, output: 'newer\n' });
    expect(events).toEqual([{ event: 'output', data: { data: base64('newer\n') } }]);
  });

  test('a follower that goes away stops the stream, not the run', async () => {
    const f = await startWithHistory();
    const run = f.scheduler.runNow('backup');
    const client = await f.connect();
    const pending = client.stream('logs', { name: 'backup', follow: true }, () => {});
    pending.catch(() => {});
    await flush();
    client.close();
    await flush();
    f.runner.emitOutput(run.id, 'still going\n');
    expect(f.runner.running()).toEqual([run.id]);
  });
});

describe('logs errors', () => {
  test.each([
    [
      'an unknown task, with did-you-mean',
      { name: 'bakup' },
      ['TASK_UNKNOWN', 'no task named "bakup" (did you mean "backup")'],
    ],
    ['a task with no runs yet', { name: 'report' }, ['NOT_FOUND', '"report" has no runs yet']],
    ['a run id not in the history', { name: 'backup', runId: 42 }, ['NOT_FOUND', 'no run #42 in the history']],
    [
      'a run of another task',
      { name: 'report', runId: 1 },
      ['NOT_FOUND', 'run #1 is a run of "backup", not of "report"'],
    ],
    [
      'a run id that is not a whole number >= 1',
      { name: 'backup', runId: 0 },
      ['BAD_REQUEST', 'logs: param "runId" must be a whole number >= 1; got a number'],
    ],
    [
      'an unknown param',
      { name: 'backup', folow: true },
      ['BAD_REQUEST', 'logs: unknown param "folow" (did you mean "follow")'],
    ],
  ])('%s', async (_label, params, expected) => {
    const f = await startWithHistory();
    const run = f.scheduler.runNow('backup');
    f.runner.finish(run.id);
    await flush();
    const client = await f.connect();
    expect(await failure(client.request('logs', params as never))).toEqual(expected);
  });

  test("without a history the engine still knows each task's last run", async () => {
    const f = await startControl([makeTask('backup')]);
    const run = f.scheduler.runNow('backup');
    f.runner.finish(run.id, { output: Buffer.from('last\n'), outputBytes: 5 });
    await flush();
    const client = await f.connect();
    expect((await client.request('logs', { name: 'backup', runId: 1 })).run).toMatchObject({ id: 1, output: 'last\n' });
    expect(await failure(client.request('logs', { name: 'backup', runId: 7 }))).toEqual([
      'NOT_FOUND',
      'no run #7 known to the daemon',
    ]);
  });
});
