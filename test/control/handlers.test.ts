import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import type { ConfigIssue } from '../../src/config/issues.js';
import { ControlError } from '../../src/control/protocol.js';
import type { RunRecord } from '../../src/engine/run.js';
import { createRunRecord } from '../../src/engine/run-record.js';
import { closeAll, startControl, type ControlFixture } from '../support/control-fixture.js';
import { every, makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';
import { waitUntil } from '../support/process-state.js';

/** An output event's `data`: the bytes of `text`, base64 (control/protocol.ts). */
const base64 = (text: string): string => Buffer.from(text).toString('base64');

afterEach(closeAll);

const backup = makeTask('backup', { description: 'nightly backup' });
const report = makeTask('report', { schedule: every('1h') });
const rotate = makeTask('rotate', {
  schedule: { kind: 'cron', expression: '*/15 * * * *' },
  timezone: 'America/New_York',
});

function start(): Promise<ControlFixture> {
  return startControl([backup, report, rotate]);
}

/** The error a request rejects with. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; data: unknown }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(ControlError);
  const { code, message, data } = error as ControlError;
  return { code, message, data };
}

const NO_ALERT = { failures: 0, failureAlertedAt: null, overdueAlertedAt: null };
const NO_RUN = {
  autoHeld: false,
  failedSlots: 0,
  failing: false,
  alert: NO_ALERT,
  running: 0,
  queued: 0,
  group: null,
  lastRun: null,
  join: null,
};

describe('list and status', () => {
  test('list gives every task as a TaskView, in file order', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    expect(await client.request('list', {})).toEqual([
      {
        name: 'backup',
        description: 'nightly backup',
        state: 'on-demand',
        schedule: 'on demand',
        timezone: 'UTC',
        rescheduled: false,
        nextAt: null,
        held: false,
        holdNote: null,
        heldAt: null,
        heldUntil: null,
        overdueSince: null,
        lastSuccessAt: null,
        ...NO_RUN,
      },
      {
        name: 'report',
        description: '',
        state: 'scheduled',
        schedule: 'every 1h',
        timezone: 'UTC',
        rescheduled: false,
        nextAt: '2026-03-01T13:00:00.000Z',
        held: false,
        holdNote: null,
        heldAt: null,
        heldUntil: null,
        overdueSince: null,
        lastSuccessAt: null,
        ...NO_RUN,
      },
      {
        name: 'rotate',
        description: '',
        state: 'scheduled',
        schedule: 'cron */15 * * * * (America/New_York)',
        timezone: 'America/New_York',
        rescheduled: false,
        nextAt: '2026-03-01T12:15:00.000Z',
        held: false,
        holdNote: null,
        heldAt: null,
        heldUntil: null,
        overdueSince: null,
        lastSuccessAt: null,
        ...NO_RUN,
      },
    ]);
  });

  test('status counts tasks by state, runs in progress and the soonest instant of a task not held', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    fixture.scheduler.runNow('backup');
    fixture.scheduler.hold('rotate');
    expect(await client.request('status', {})).toEqual({
      pid: 4242,
      spawnerPid: 4243,
      startedAt: '2026-03-01T11:00:00.000Z',
      uptimeMs: 3_600_000,
      configPath: '/etc/tasks.yaml',
      socket: fixture.socket,
      stateDir: '/var/lib/taskkit',
      tasks: { total: 3, scheduled: 1, running: 1, held: 1, onDemand: 0, done: 0 },
      runsInProgress: 1,
      orphanedRuns: [],
      nextAt: { task: 'report', at: '2026-03-01T13:00:00.000Z' },
    });
  });
});

describe('show', () => {
  test('the task, its definition as JSON, the next 5 instants and its last run', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    const run = fixture.scheduler.runNow('rotate');
    fixture.runner.finish(run.id, { status: 'failed', exitCode: 2, output: Buffer.from('oops\n'), outputBytes: 5 });
    await flush();
    const shown = await client.request('show', { name: 'rotate' });
    expect(shown.upcoming).toEqual([
      '2026-03-01T12:15:00.000Z',
      '2026-03-01T12:30:00.000Z',
      '2026-03-01T12:45:00.000Z',
      '2026-03-01T13:00:00.000Z',
      '2026-03-01T13:15:00.000Z',
    ]);
    expect(shown.definition).toEqual({
      name: 'rotate',
      description: '',
      schedule: { kind: 'cron', expression: '*/15 * * * *' },
      timezone: 'America/New_York',
      action: { kind: 'shell', script: 'true', shell: '/bin/sh' },
      cwd: '/tmp',
      env: {},
      envFile: null,
      timeoutMs: null,
      killAfterMs: 10_000,
      overlap: 'skip',
      retry: { attempts: 0, delayMs: 10_000, backoff: 2, maxDelayMs: 600_000 },
      jitterMs: 0,
      catchUp: 'skip',
      deadlineMs: null,
      expectSuccessWithinMs: null,
      hold: false,
      maxRuns: null,
      group: null,
      until: null,
      except: [],
      after: [],
      afterAll: [],
      onSuccess: [],
      onFailure: [],
      history: { keep: 200, outputLimitBytes: 262_144 },
      notify: null,
      source: null,
    });
    const last = {
      id: 1,
      task: 'rotate',
      trigger: 'manual',
      status: 'failed',
      scheduledAt: null,
      createdAt: '2026-03-01T12:00:00.000Z',
      startedAt: '2026-03-01T12:00:00.000Z',
      endedAt: '2026-03-01T12:00:00.000Z',
      durationMs: 0,
      exitCode: 2,
      signal: null,
      attempt: 1,
      pid: 1001,
      outputBytes: 5,
      outputTruncated: false,
      stop: null,
      error: null,
      outcome: 'exited with code 2',
      skipReason: null,
      skipCount: null,
      skipMore: null,
      skipFirstAt: null,
      skipLastAt: null,
    };
    expect(shown.recentRuns).toEqual([last]);
    expect(shown.task.lastRun).toEqual(last);
    expect(shown.task.state).toBe('scheduled');
  });

  test('recent runs come from the daemon when it keeps them; upcoming stops at `until`', async () => {
    const until = Date.parse('2026-03-01T15:30:00Z');
    const fixture = await startControl([makeTask('report', { schedule: every('1h'), until })]);
    const asked: [string, number][] = [];
    fixture.daemon.recentRuns = (task, limit) => {
      asked.push([task, limit]);
      return [];
    };
    const client = await fixture.connect();
    const shown = await client.request('show', { name: 'report' });
    expect(asked).toEqual([['report', 10]]);
    expect(shown.recentRuns).toEqual([]);
    expect(shown.upcoming).toEqual([
      '2026-03-01T13:00:00.000Z',
      '2026-03-01T14:00:00.000Z',
      '2026-03-01T15:00:00.000Z',
    ]);
    expect(shown.definition.until).toBe('2026-03-01T15:30:00.000Z');
  });
});

test('upcoming is limited by the runs max-runs leaves, and empty once done', async () => {
  const fixture = await startControl([makeTask('twice', { schedule: every('1h'), maxRuns: 2 })]);
  const client = await fixture.connect();
  expect((await client.request('show', { name: 'twice' })).upcoming).toEqual([
    '2026-03-01T13:00:00.000Z',
    '2026-03-01T14:00:00.000Z',
  ]);
  fixture.clock.advanceTo('2026-03-01T13:00:00Z');
  fixture.runner.finish(1);
  await flush();
  expect((await client.request('show', { name: 'twice' })).upcoming).toEqual(['2026-03-01T14:00:00.000Z']);
  fixture.clock.advanceTo('2026-03-01T14:00:00Z');
  fixture.runner.finish(2);
  await flush();
  const shown = await client.request('show', { name: 'twice' });
  expect([shown.task.state, shown.upcoming]).toEqual(['done', []]);
});

describe('run-now', () => {
  test('without wait: the run as it stands right after the trigger', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    const { run } = await client.request('run-now', { name: 'backup' });
    expect(run).toMatchObject({
      id: 1,
      task: 'backup',
      trigger: 'manual',
      status: 'running',
      pid: 1001,
      outcome: 'running',
    });
    expect(run).not.toHaveProperty('output');
    expect(fixture.runner.running()).toEqual([1]);
  });

  test('with wait: started, output events, then the final run with its output', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    const events: unknown[] = [];
    const done = client.stream('run-now', { name: 'backup', wait: true }, (event) => {
      events.push(event);
      if (event.event === 'started') {
        fixture.runner.emitOutput(event.data.run.id, 'one\n');
        fixture.runner.emitOutput(event.data.run.id, 'two\n');
        fixture.runner.finish(event.data.run.id, {
          status: 'failed',
          exitCode: 3,
          output: Buffer.from('one\ntwo\n'),
          outputBytes: 8,
        });
      }
    });
    const { run } = await done;
    expect(events).toEqual([
      { event: 'started', data: { run: expect.objectContaining({ id: 1, status: 'running', pid: 1001 }) as unknown } },
      { event: 'output', data: { data: base64('one\n') } },
      { event: 'output', data: { data: base64('two\n') } },
    ]);
    expect(run).toMatchObject({
      id: 1,
      status: 'failed',
      exitCode: 3,
      output: 'one\ntwo\n',
      outputBytes: 8,
      outcome: 'exited with code 3',
    });
  });

  test('with wait, a run that is skipped ends at once with no events', async () => {
    const fixture = await start();
    fixture.scheduler.runNow('backup');
    const client = await fixture.connect();
    const events: unknown[] = [];
    const { run } = await client.stream('run-now', { name: 'backup', wait: true }, (event) => events.push(event));
    expect(events).toEqual([]);
    expect(run).toMatchObject({
      id: 2,
      status: 'skipped',
      error: 'previous run #1 still running (overlap: skip)',
      outcome: 'skipped: previous run #1 still running (overlap: skip)',
    });
  });

  test('with wait, a queued run reports started when it starts, not before', async () => {
    const fixture = await startControl([makeTask('q', { overlap: 'queue' })]);
    const first = fixture.scheduler.runNow('q');
    const client = await fixture.connect();
    const events: string[] = [];
    const done = client.stream('run-now', { name: 'q', wait: true }, (event) => {
      events.push(event.event === 'started' ? `started #${event.data.run.id}` : 'output');
      if (event.event === 'started') fixture.runner.finish(event.data.run.id);
    });
    await client.request('status', {});
    expect(events).toEqual([]);
    fixture.runner.finish(first.id);
    expect((await done).run).toMatchObject({ id: 2, status: 'succeeded' });
    expect(events).toEqual(['started #2']);
  });

  test('a client that disconnects mid-stream leaves the run going; others are unaffected', async () => {
    const fixture = await start();
    const watcher = await fixture.raw();
    await watcher.hello();
    watcher.send({ id: 1, method: 'run-now', params: { name: 'backup', wait: true } });
    expect(await watcher.next()).toMatchObject({ id: 1, event: 'started' });
    fixture.runner.emitOutput(1, 'partial\n');
    expect(await watcher.next()).toEqual({ id: 1, event: 'output', data: { data: base64('partial\n') } });
    watcher.socket.destroy();
    await waitForConnections(fixture, 0);
    fixture.runner.emitOutput(1, 'more\n');
    expect(fixture.runner.running()).toEqual([1]);
    expect(fixture.runner.cancels).toEqual([]);
    fixture.runner.finish(1, { output: Buffer.from('partial\nmore\n') });
    await flush();
    expect(fixture.eventsOf('run-finished').map((run) => [run.id, run.status])).toEqual([[1, 'succeeded']]);
    const other = await fixture.connect();
    expect((await other.request('show', { name: 'backup' })).task.lastRun).toMatchObject({
      id: 1,
      status: 'succeeded',
    });
  });

  test('a quiet stream is not idle: the idle timeout waits for it', async () => {
    const fixture = await startControl([backup], { server: { idleTimeoutMs: 20 } });
    const client = await fixture.connect();
    let started = false;
    const done = client.stream('run-now', { name: 'backup', wait: true }, (event) => {
      if (event.event === 'started') started = true;
    });
    await waitUntil(() => started);
    // Several idle periods pass while the run is silent. Each witness connects after the stream's
    // last frame and is closed by its own idle timer, armed after the stream's re-armed one: every
    // close proves one more of the stream's idle periods ended (same delay, so fired in arming order).
    for (let period = 0; period < 6; period++) {
      const witness = await fixture.raw();
      await witness.hello();
      await witness.closed;
    }
    fixture.runner.finish(1);
    expect((await done).run.status).toBe('succeeded');
  });

  /** A `run-now --wait` on a raw client that has stopped reading after the run's start. */
  async function pausedReader(server: Record<string, unknown>): Promise<{
    fixture: Awaited<ReturnType<typeof startControl>>;
    reader: Awaited<ReturnType<Awaited<ReturnType<typeof startControl>>['raw']>>;
    logs: string[];
  }> {
    const logs: string[] = [];
    const fixture = await startControl([backup], { server: { ...server, log: (_, message) => logs.push(message) } });
    const reader = await fixture.raw();
    await reader.hello();
    reader.send({ id: 9, method: 'run-now', params: { name: 'backup', wait: true } });
    expect(await reader.next()).toMatchObject({ id: 9, event: 'started' });
    reader.socket.pause();
    return { fixture, reader, logs };
  }

  /** Every line up to the connection's end; the last one. */
  async function readToEnd(reader: { next(): Promise<Record<string, unknown>> }): Promise<Record<string, unknown>> {
    let last: Record<string, unknown> = {};
    for (;;) {
      const line = await reader.next().catch(() => null);
      if (line === null) return last;
      last = line;
    }
  }

  const chunk = 'y'.repeat(16 * 1024);

  test('a reader behind that reads nothing for the stall time is dropped with an error; the run goes on', async () => {
    const { fixture, reader, logs } = await pausedReader({
      maxBacklogBytes: 64 * 1024,
      streamPatience: [{ behindBytes: 64 * 1024, stallMs: 200 }],
    });
    for (let i = 0; i < 64; i++) {
      fixture.runner.emitOutput(1, chunk);
      if (i % 16 === 0) await flush();
    }
    await waitUntil(() => logs.length > 0, 5_000, 'the stalled reader dropped');
    expect(logs).toEqual([
      'control: dropped a client more than 65536 bytes behind and read nothing for 0.2 s on "run-now"',
    ]);
    // Later output is not queued for the dropped client.
    for (let i = 0; i < 64; i++) fixture.runner.emitOutput(1, chunk);
    expect(logs.length).toBe(1);
    expect(fixture.runner.running()).toEqual([1]);
    reader.socket.resume();
    expect(await readToEnd(reader)).toEqual({
      id: 9,
      error: {
        code: 'INTERNAL',
        message: 'client more than 65536 bytes behind and read nothing for 0.2 s; dropped (the run goes on)',
      },
    });
    fixture.runner.finish(1);
  });

  test('a reader more than the stream bound behind is dropped, stalled or not', async () => {
    const { fixture, reader, logs } = await pausedReader({
      maxBacklogBytes: 64 * 1024,
      streamPatience: [
        { behindBytes: 64 * 1024, stallMs: 60_000 },
        { behindBytes: 1 << 20, stallMs: 0 },
      ],
    });
    for (let i = 0; i < 4096 && logs.length === 0; i++) {
      fixture.runner.emitOutput(1, chunk);
      if (i % 16 === 0) await flush();
    }
    expect(logs).toEqual(['control: dropped a client more than 1048576 bytes behind on "run-now"']);
    expect(fixture.runner.running()).toEqual([1]);
    reader.socket.resume();
    expect(await readToEnd(reader)).toMatchObject({ id: 9, error: { code: 'INTERNAL' } });
    fixture.runner.finish(1);
  });

  test('a reader briefly far behind (16 times the backlog) is not dropped: every byte, then the result', async () => {
    const { fixture, reader, logs } = await pausedReader({ maxBacklogBytes: 64 * 1024 });
    for (let i = 0; i < 64; i++) {
      fixture.runner.emitOutput(1, chunk);
      if (i % 16 === 0) await flush();
    }
    reader.socket.resume();
    fixture.runner.finish(1);
    let bytes = 0;
    let last: Record<string, unknown> = {};
    while (last['result'] === undefined) {
      last = await reader.next();
      if (last['event'] === 'output') bytes += Buffer.from((last['data'] as { data: string }).data, 'base64').length;
    }
    expect([bytes, logs]).toEqual([64 * chunk.length, []]);
    expect(last).toMatchObject({ id: 9, result: { run: { status: 'succeeded' } } });
  });
});

describe('hold, resume, cancel', () => {
  test('hold with a note, then resume', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    const held = await client.request('hold', { names: ['report', 'rotate'], note: 'maintenance' });
    expect(held.tasks.map((task) => [task.name, task.state, task.held, task.holdNote, task.heldAt])).toEqual([
      ['report', 'held', true, 'maintenance', '2026-03-01T12:00:00.000Z'],
      ['rotate', 'held', true, 'maintenance', '2026-03-01T12:00:00.000Z'],
    ]);
    const resumed = await client.request('resume', { names: ['report'] });
    expect(resumed.tasks.map((task) => [task.name, task.state, task.held, task.holdNote])).toEqual([
      ['report', 'scheduled', false, null],
    ]);
    expect(fixture.scheduler.get('rotate').held).toBe(true);
  });

  test('hold forMs / until: the view says until when; a bad or past end changes nothing', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    const held = await client.request('hold', { names: ['report'], forMs: 7_200_000 });
    expect(held.tasks.map((task) => [task.name, task.held, task.heldUntil])).toEqual([
      ['report', true, '2026-03-01T14:00:00.000Z'],
    ]);
    const until = await client.request('hold', { names: ['rotate'], until: '2026-03-02T06:30' });
    expect(until.tasks[0]?.heldUntil).toBe('2026-03-02T06:30:00.000Z');
    // Held again without an end: until resume.
    expect((await client.request('hold', { names: ['report'] })).tasks[0]?.heldUntil).toBeNull();
    expect(await failure(client.request('hold', { names: ['backup'], until: '2026-03-01T11:00' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message:
        'hold: the hold would end at 2026-03-01T11:00:00.000Z, which is not after now (2026-03-01T12:00:00.000Z)',
    });
    expect(await failure(client.request('hold', { names: ['backup'], until: 'tomorrow' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(await failure(client.request('hold', { names: ['backup'], forMs: 5, until: '2026-03-02' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'hold: give "forMs" or "until", not both',
    });
    expect(await failure(client.request('hold', { names: ['backup'], forMs: 0 }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(fixture.scheduler.get('backup').held).toBe(false);
  });

  test('one unknown name changes nothing', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    expect(await failure(client.request('hold', { names: ['report', 'rotat'] }))).toEqual({
      code: 'TASK_UNKNOWN',
      message: 'no task named "rotat" (did you mean "rotate")',
      data: undefined,
    });
    expect(fixture.scheduler.get('report').held).toBe(false);
    fixture.scheduler.hold('report');
    expect((await failure(client.request('resume', { names: ['report', 'zzz'] }))).message).toBe('no task named "zzz"');
    expect(fixture.scheduler.get('report').held).toBe(true);
  });

  test('cancel stops the running runs and returns them', async () => {
    const fixture = await startControl([makeTask('many', { overlap: 'allow' })]);
    fixture.scheduler.runNow('many');
    fixture.scheduler.runNow('many');
    const client = await fixture.connect();
    const { runs } = await client.request('cancel', { name: 'many' });
    expect(runs.map((run) => [run.id, run.status])).toEqual([
      [1, 'running'],
      [2, 'running'],
    ]);
    expect(fixture.runner.cancels).toEqual([
      { runId: 1, reason: 'cancel' },
      { runId: 2, reason: 'cancel' },
    ]);
    expect((await client.request('cancel', { name: 'many' })).runs).toEqual([]);
  });

  test('a task removed while it runs (issue 15.9): status, list and show show it; cancel by name or id', async () => {
    const fixture = await startControl([makeTask('gone'), makeTask('kept')]);
    fixture.scheduler.runNow('gone');
    fixture.scheduler.runNow('gone');
    fixture.scheduler.remove('gone');
    const client = await fixture.connect();
    const status = await client.request('status', {});
    expect([status.tasks.total, status.runsInProgress]).toEqual([1, 1]);
    expect(status.orphanedRuns.map((run) => [run.task, run.id, run.status])).toEqual([['gone', 1, 'running']]);
    const list = await client.request('list', {});
    expect(list.map((task) => [task.name, task.state, task.running])).toEqual([
      ['kept', 'on-demand', 0],
      ['gone', 'removed', 1],
    ]);
    expect(await client.request('names', {})).toEqual(list.map((task) => task.name));
    const shown = await client.request('show', { name: 'gone' });
    expect([shown.task.state, shown.upcoming]).toEqual(['removed', []]);
    expect((await client.request('cancel', { runId: 1 })).runs.map((run) => [run.id, run.status])).toEqual([
      [1, 'running'],
    ]);
    expect(fixture.runner.cancels).toEqual([{ runId: 1, reason: 'cancel' }]);
    expect((await client.request('status', {})).orphanedRuns).toEqual([]);
    expect(await failure(client.request('cancel', { name: 'gone' }))).toMatchObject({ code: 'TASK_UNKNOWN' });
  });

  test('cancel NAME of a removed task; a number no task is named is a run id; unknown ids: NOT_FOUND', async () => {
    const fixture = await startControl([makeTask('gone'), makeTask('7')]);
    fixture.scheduler.runNow('gone');
    fixture.scheduler.runNow('7');
    fixture.scheduler.remove('gone');
    const client = await fixture.connect();
    expect((await client.request('cancel', { name: 'gone' })).runs.map((run) => run.id)).toEqual([1]);
    // "7" is a task: its runs, not run #7.
    expect((await client.request('cancel', { name: '7' })).runs.map((run) => run.id)).toEqual([2]);
    expect(await failure(client.request('cancel', { name: '99' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'no run #99 (not running or waiting, and not in the history)',
    });
    fixture.daemon.findRun = (id) => ({
      ...createRunRecord({ id, task: 'gone', trigger: 'manual', scheduledAt: null, attempt: 1, createdAt: 0 }),
      status: 'cancelled',
    });
    expect(await failure(client.request('cancel', { runId: 1 }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'run #1 of gone is not running or waiting (cancelled); nothing to cancel',
    });
    expect(await failure(client.request('cancel', { name: 'gone', runId: 1 }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await failure(client.request('cancel', { runId: 0 }))).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('reschedule', () => {
  test('a new schedule in the tasks-file syntax, then back to the file with null', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    const { task } = await client.request('reschedule', { name: 'report', schedule: { every: '30m' } });
    expect([task.schedule, task.rescheduled, task.nextAt]).toEqual(['every 30m', true, '2026-03-01T12:30:00.000Z']);
    const daily = await client.request('reschedule', { name: 'rotate', schedule: { daily: ['09:00', '18:00'] } });
    expect([daily.task.schedule, daily.task.nextAt]).toEqual([
      'daily 09:00, 18:00 (America/New_York)',
      '2026-03-01T14:00:00.000Z',
    ]);
    const reset = await client.request('reschedule', { name: 'report', schedule: null });
    expect([reset.task.schedule, reset.task.rescheduled, reset.task.nextAt]).toEqual([
      'every 1h',
      false,
      '2026-03-01T13:00:00.000Z',
    ]);
  });

  test(
    'a name that breaks the task-name rule is a BAD_REQUEST before any lookup (no path tricks reach ' + 'the daemon)',
    async () => {
      const fixture = await start();
      const client = await fixture.connect();
      const escape = await failure(client.request('run-now', { name: '../../etc/passwd' }));
      expect(escape.code).toBe('BAD_REQUEST');
      expect(escape.message).toMatch(
        new RegExp(
          String.raw`^run-now: name: invalid task name: use 1-\d+ letters, digits, "\.", "_" or "-", ` +
            String.raw`starting with a letter or digit; got "\.\.\/\.\.\/etc\/passwd"$`,
        ),
      );
      const listed = await failure(client.request('hold', { names: ['backup', 'a\nb'] }));
      expect([listed.code, listed.message.startsWith('hold: names[1]: invalid task name')]).toEqual([
        'BAD_REQUEST',
        true,
      ]);
      expect(fixture.scheduler.get('backup').held).toBe(false);
    },
  );

  test('an invalid schedule is a BAD_REQUEST with the validator message; nothing changes', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    const bad = await failure(client.request('reschedule', { name: 'report', schedule: { every: 'soon' } }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/^reschedule: every: /);
    const two = await failure(
      client.request('reschedule', { name: 'report', schedule: { every: '5m', cron: '* * * * *' } }),
    );
    expect(two.message).toBe(
      'reschedule: cron: give at most one schedule (every, daily, at, cron or rrule); found "every", "cron"',
    );
    const none = await failure(client.request('reschedule', { name: 'report', schedule: {} }));
    expect(none.message).toBe('reschedule: give a schedule: one of "every", "daily", "at", "cron" or "rrule"');
    expect(fixture.scheduler.get('report').rescheduled).toBe(false);
  });

  test('the schedule param is required, and must be an object or null', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    expect((await failure(client.request('reschedule', { name: 'report' } as never))).message).toBe(
      'reschedule: param "schedule" must be an object or null; it is missing',
    );
    expect((await failure(client.request('reschedule', { name: 'report', schedule: '5m' } as never))).message).toBe(
      'reschedule: param "schedule" must be an object or null; got a string',
    );
  });
});

describe('reload and stop', () => {
  test('reload answers the daemon summary', async () => {
    const fixture = await start();
    fixture.daemon.reloadResult = () =>
      Promise.resolve({ added: ['new'], changed: ['report'], removed: [], unchanged: ['backup', 'rotate'] });
    const client = await fixture.connect();
    expect(await client.request('reload', {})).toEqual({
      summary: { added: ['new'], changed: ['report'], removed: [], unchanged: ['backup', 'rotate'] },
    });
  });

  test('a refused file is CONFIG_INVALID: every issue formatted in the message and the issues as data', async () => {
    const fixture = await start();
    const issues: ConfigIssue[] = [
      {
        code: 'invalid-value',
        severity: 'error',
        file: 'tasks.yaml',
        line: 3,
        column: 12,
        path: ['tasks', 'a', 'every'],
        task: 'a',
        message: 'not a duration: "soon"',
      },
      {
        code: 'unknown-key',
        severity: 'error',
        file: 'tasks.yaml',
        line: 5,
        column: 5,
        path: ['tasks', 'b', 'evry'],
        task: 'b',
        message: 'unknown key "evry" (did you mean "every"?)',
      },
    ];
    fixture.daemon.reloadResult = () => Promise.reject(new ConfigError(issues));
    const client = await fixture.connect();
    expect(await failure(client.request('reload', {}))).toEqual({
      code: 'CONFIG_INVALID',
      message:
        'tasks.yaml:3:12: task "a": not a duration: "soon"\ntasks.yaml:5:5: task "b": ' +
        'unknown key "evry" (did you mean "every"?)',
      data: { issues },
    });
  });

  test('reload-plan: the daemon plans its own file or an absolute path; a refused file is CONFIG_INVALID', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    expect((await failure(client.request('reload-plan', {}))).message).toBe('this daemon cannot plan a reload');
    const asked: (string | undefined)[] = [];
    const plan = {
      configPath: '/etc/tasks.yaml',
      daemonConfigPath: '/etc/tasks.yaml',
      tasks: [],
      settings: [],
      unchanged: 2,
    };
    fixture.daemon.planReload = (path) => {
      asked.push(path);
      return path === '/bad.yaml' ? Promise.reject(new ConfigError([])) : Promise.resolve(plan);
    };
    expect(await client.request('reload-plan', {})).toEqual({ plan });
    expect(await client.request('reload-plan', { path: '/tmp/new.yaml' })).toEqual({ plan });
    expect(await failure(client.request('reload-plan', { path: 'new.yaml' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('must be an absolute path') as unknown,
    });
    expect((await failure(client.request('reload-plan', { path: '/bad.yaml' }))).code).toBe('CONFIG_INVALID');
    expect(asked).toEqual([undefined, '/tmp/new.yaml', '/bad.yaml']);
  });

  test('stop replies first, then asks the daemon to stop', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    expect(await client.request('stop', {})).toEqual({ stopping: true });
    await flush();
    expect(fixture.daemon.stops).toBe(1);
  });
});

describe('bad requests', () => {
  test('an unknown method is a BAD_REQUEST with did-you-mean, or the list of methods', async () => {
    const fixture = await start();
    const client = await fixture.raw();
    await client.hello();
    client.send({ id: 1, method: 'lsit', params: {} });
    expect(await client.next()).toEqual({
      id: 1,
      error: { code: 'BAD_REQUEST', message: 'unknown method "lsit" (did you mean "list")' },
    });
    client.send({ id: 2, method: 'frobnicate' });
    expect(await client.next()).toEqual({
      id: 2,
      error: {
        code: 'BAD_REQUEST',
        message:
          'unknown method "frobnicate" (methods: status, list, names, list-rows, list-table, show, run-now, make, ' +
          'hold, resume, cancel, reschedule, reload, reload-plan, stop, logs, next, check, sync-history)',
      },
    });
    client.send({ id: 3, method: 'constructor' });
    expect(((await client.next())['error'] as { code: string }).code).toBe('BAD_REQUEST');
  });

  test('an unknown task is TASK_UNKNOWN with did-you-mean', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    expect(await failure(client.request('show', { name: 'bakup' }))).toEqual({
      code: 'TASK_UNKNOWN',
      message: 'no task named "bakup" (did you mean "backup")',
      data: undefined,
    });
    expect((await failure(client.request('run-now', { name: 'nothing-like-it' }))).message).toBe(
      'no task named "nothing-like-it"',
    );
    expect((await failure(client.request('cancel', { name: 'reprot' }))).message).toBe(
      'no task named "reprot" (did you mean "report")',
    );
  });

  test.each([
    ['show', { name: 5 }, 'show: param "name" must be a non-empty string; got a number'],
    ['show', {}, 'show: param "name" must be a non-empty string; it is missing'],
    ['show', { name: '' }, 'show: param "name" must be a non-empty string; got a string (empty)'],
    ['show', { nmae: 'backup' }, 'show: unknown param "nmae" (did you mean "name")'],
    ['run-now', { name: 'backup', wait: 'yes' }, 'run-now: param "wait" must be true or false; got a string'],
    ['hold', { names: 'backup' }, 'hold: param "names" must be a non-empty array of strings; got a string'],
    ['hold', { names: [] }, 'hold: param "names" must be a non-empty array of strings; got an array'],
    ['hold', { names: ['backup', 7] }, 'hold: param "names[1]" must be a non-empty string; got a number'],
    ['hold', { names: ['backup'], note: false }, 'hold: param "note" must be a string; got a boolean'],
    ['status', { verbose: true }, 'status: unknown param "verbose" (it takes none)'],
    ['list', { verbose: true }, 'list: unknown param "verbose"'],
    ['names', { prefix: 'b' }, 'names: unknown param "prefix" (it takes none)'],
    ['status', [1], 'status: params must be an object, got an array'],
  ])('%s %j', async (method, params, message) => {
    const fixture = await start();
    const client = await fixture.connect();
    expect(await failure(client.request(method as 'show', params as never))).toEqual({
      code: 'BAD_REQUEST',
      message,
      data: undefined,
    });
    expect(fixture.runner.requests).toEqual([]);
  });
});

describe('many clients', () => {
  test('50 concurrent clients issuing list and run-now', async () => {
    const fixture = await startControl([makeTask('shared', { overlap: 'allow' }), report], {
      engine: { maxConcurrent: 64 },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const client = await fixture.connect();
        const list = await client.request('list', {});
        const { run } = await client.request('run-now', { name: 'shared' });
        return { names: list.map((task) => task.name), id: run.id, status: run.status };
      }),
    );
    expect(results.every((result) => result.names.join() === 'shared,report' && result.status === 'running')).toBe(
      true,
    );
    expect(results.map((result) => result.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(fixture.runner.running().length).toBe(50);
    expect(fixture.server.connectionCount).toBe(50);
    const status = await (await fixture.connect()).request('status', {});
    expect([status.runsInProgress, status.tasks.total]).toEqual([50, 2]);
  });
});

async function waitForConnections(fixture: ControlFixture, count: number): Promise<void> {
  await waitUntil(() => fixture.server.connectionCount === count, 2_000, `${count} connections`);
}

describe("with the daemon's history (issue 4)", () => {
  const summary = (overrides: Partial<RunRecord>): RunRecord => ({
    id: 40,
    task: 'report',
    trigger: 'schedule',
    scheduledAt: Date.parse('2026-03-01T10:00:00Z'),
    createdAt: Date.parse('2026-03-01T10:00:00Z'),
    startedAt: Date.parse('2026-03-01T10:00:00Z'),
    endedAt: Date.parse('2026-03-01T10:00:02Z'),
    status: 'succeeded',
    exitCode: 0,
    signal: null,
    attempt: 1,
    pid: 77,
    output: Buffer.from(''),
    outputTruncated: false,
    outputBytes: 0,
    stop: null,
    error: null,
    ...overrides,
  });

  test(
    'list: a task the engine has no last run of yet (after a restart) shows the stored one; ' +
      'only such a task is looked up',
    async () => {
      const fixture = await start();
      const stored = new Map([
        ['report', summary({ id: 40, task: 'report' })],
        [
          'backup',
          summary({ id: 41, task: 'backup', status: 'interrupted', exitCode: null, error: 'taskkit stopped' }),
        ],
      ]);
      const asked: string[] = [];
      fixture.daemon.storedLastRun = (task) => {
        asked.push(task);
        return stored.get(task) ?? null;
      };
      // backup ran since the start: the engine's own last run wins over the stored one.
      const run = fixture.scheduler.runNow('backup');
      fixture.runner.finish(run.id, { status: 'failed', exitCode: 9 });
      await flush();
      const client = await fixture.connect();
      const tasks = await client.request('list', {});
      expect(
        tasks.map((task) => [
          task.name,
          task.lastRun?.id ?? null,
          task.lastRun?.outcome ?? null,
          task.lastRun?.endedAt ?? null,
        ]),
      ).toEqual([
        ['backup', 1, 'exited with code 9', '2026-03-01T12:00:00.000Z'],
        ['report', 40, 'succeeded', '2026-03-01T10:00:02.000Z'],
        ['rotate', null, null, null],
      ]);
      expect(asked).toEqual(['report', 'rotate']);
    },
  );

  test(
    'show: recent runs and the success rate from the history; ' + "its last ended run stands in for the engine's",
    async () => {
      const fixture = await start();
      fixture.daemon.recentRuns = () => [
        summary({ id: 43, status: 'running', endedAt: null, exitCode: null }),
        summary({ id: 42, status: 'failed', exitCode: 2 }),
        summary({ id: 40 }),
      ];
      fixture.daemon.runStats = (task) => ({ task, succeeded: 3, failed: 1, successRate: 0.75 });
      const client = await fixture.connect();
      const shown = await client.request('show', { name: 'report' });
      expect(shown.recentRuns.map((run) => [run.id, run.outcome])).toEqual([
        [43, 'running'],
        [42, 'exited with code 2'],
        [40, 'succeeded'],
      ]);
      expect(shown.recentRuns[0]).not.toHaveProperty('output');
      expect(shown.stats).toEqual({ succeeded: 3, failed: 1, successRate: 0.75 });
      expect(shown.task.lastRun?.id).toBe(42);
    },
  );

  test('show without a history has no stats field (older clients see the same shape)', async () => {
    const fixture = await start();
    const client = await fixture.connect();
    expect(await client.request('show', { name: 'report' })).not.toHaveProperty('stats');
  });
});
