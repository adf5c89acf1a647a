// History answers that are promises (issue 21: a cluster's PostgreSQL): the control methods await
// them and answer as they do from SQLite; a rejected read is a clear STORE_UNAVAILABLE reply and
// the daemon answers the next request; answers given at once stay synchronous (no microtask).
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { isPending } from '../../src/control/answer.js';
import { createHandlers } from '../../src/control/handlers.js';
import { ControlError } from '../../src/control/protocol.js';
import { createHistoryControl, type HistoryAnswers, type HistoryControl } from '../../src/daemon/history.js';
import { attachStore } from '../../src/store/attach.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { closeAll, startControl, type ControlFixture } from '../support/control-fixture.js';
import { makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  await closeAll();
  for (const store of stores.splice(0)) store.close();
});

/** Later, on a timer turn: a store across the network answers after I/O, never in the same tick. */
const later = <T>(value: () => T): Promise<T> =>
  new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(value());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );

/** The SQLite answers given as promises, as the daemon's PostgreSQL reads will give them; `fail` makes each reject. */
function asPromises(history: HistoryControl, fail: { error: Error | null }): HistoryAnswers {
  const answer = <T>(read: () => T): Promise<T> =>
    later(() => {
      if (fail.error !== null) throw fail.error;
      return read();
    });
  return {
    recentRuns: (task, limit) => answer(() => history.recentRuns(task, limit)),
    storedLastRun: (task) => history.storedLastRun(task),
    runStats: (task) => answer(() => history.runStats(task)),
    findRun: (id) => answer(() => history.findRun(id)),
    latestRun: (task) => answer(() => history.latestRun(task)),
    flushHistory: () => answer(() => history.flushHistory()),
  };
}

async function startAsync(): Promise<ControlFixture & { fail: { error: Error | null } }> {
  const fixture = await startControl([makeTask('backup'), makeTask('report')]);
  const store = openSqliteStore({ path: join(fixture.dir, 'taskkit.db') });
  stores.push(store);
  attachStore(fixture.scheduler, store);
  const fail: { error: Error | null } = { error: null };
  Object.assign(fixture.daemon, asPromises(createHistoryControl(store, fixture.scheduler), fail));
  return { ...fixture, fail };
}

async function failure(promise: Promise<unknown>): Promise<[string, string]> {
  const error = await promise.then(
    () => new Error('expected the request to fail'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ControlError);
  return [(error as ControlError).code, (error as ControlError).message];
}

describe('history answers from promises', () => {
  test('show, logs, cancel of an ended run and sync-history answer from them', async () => {
    const f = await startAsync();
    const first = f.scheduler.runNow('backup');
    f.runner.finish(first.id, { status: 'failed', exitCode: 3, output: Buffer.from('first\n'), outputBytes: 6 });
    await flush();
    const second = f.scheduler.runNow('backup');
    f.runner.finish(second.id, { output: Buffer.from('second\n'), outputBytes: 7 });
    await flush();
    const client = await f.connect();
    expect(await client.request('sync-history', {})).toEqual({ synced: true });
    const shown = await client.request('show', { name: 'backup' });
    expect(shown.recentRuns.map((run) => [run.id, run.outcome])).toEqual([
      [2, 'succeeded'],
      [1, 'exited with code 3'],
    ]);
    expect(shown.stats).toEqual({ succeeded: 1, failed: 1, successRate: 0.5 });
    expect(shown.task.lastRun?.id).toBe(2);
    expect((await client.request('logs', { name: 'backup' })).run).toMatchObject({ id: 2, output: 'second\n' });
    expect((await client.request('logs', { name: 'backup', runId: 1 })).run).toMatchObject({
      id: 1,
      output: 'first\n',
    });
    expect(await failure(client.request('logs', { name: 'report', runId: 1 }))).toEqual([
      'NOT_FOUND',
      'run #1 is a run of "backup", not of "report"',
    ]);
    expect(await failure(client.request('cancel', { runId: 1 }))).toEqual([
      'NOT_FOUND',
      'run #1 of backup is not running or waiting (failed); nothing to cancel',
    ]);
    expect(await failure(client.request('cancel', { runId: 9 }))).toEqual([
      'NOT_FOUND',
      'no run #9 (not running or waiting, and not in the history)',
    ]);
  });

  test('a rejected read is STORE_UNAVAILABLE saying so; the daemon answers the next request', async () => {
    const f = await startAsync();
    const run = f.scheduler.runNow('backup');
    f.runner.finish(run.id, { output: Buffer.from('out\n'), outputBytes: 4 });
    await flush();
    const client = await f.connect();
    f.fail.error = new Error('connection terminated unexpectedly');
    const unreadable: [string, string] = [
      'STORE_UNAVAILABLE',
      'the history could not be read: connection terminated unexpectedly',
    ];
    expect(await failure(client.request('show', { name: 'backup' }))).toEqual(unreadable);
    expect(await failure(client.request('logs', { name: 'backup', runId: 1 }))).toEqual(unreadable);
    expect(await failure(client.request('sync-history', {}))).toEqual(unreadable);
    expect(await failure(client.request('cancel', { runId: 1 }))).toEqual(unreadable);
    // list needs only the in-memory last runs: it answers through the outage.
    expect((await client.request('list', {})).map((task) => task.lastRun?.id ?? null)).toEqual([1, null]);
    f.fail.error = null;
    expect((await client.request('show', { name: 'backup' })).recentRuns.map((view) => view.id)).toEqual([1]);
  });

  test('answers given at once stay synchronous: show and sync-history return values, not promises', async () => {
    const f = await startControl([makeTask('backup')]);
    f.daemon.recentRuns = () => [];
    f.daemon.runStats = (task) => ({ task, succeeded: 0, failed: 0, successRate: null });
    f.daemon.flushHistory = () => undefined;
    const handlers = createHandlers({ scheduler: f.scheduler, daemon: f.daemon, now: () => f.clock.now() });
    const context = { emit: () => true, signal: new AbortController().signal };
    const shown = handlers.dispatch('show', { name: 'backup' }, context);
    expect(isPending(shown as object)).toBe(false);
    expect(shown).toMatchObject({ recentRuns: [], stats: { succeeded: 0, failed: 0, successRate: null } });
    expect(handlers.dispatch('sync-history', {}, context)).toEqual({ synced: true });
    f.daemon.recentRuns = () => Promise.resolve([]);
    expect(isPending(handlers.dispatch('show', { name: 'backup' }, context) as object)).toBe(true);
  });
});
