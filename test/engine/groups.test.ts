// Concurrency groups (`settings.groups`, a task's `group:`; engine/group-gate.ts): at most the
// limit of a group's runs at once; a run whose group is full waits in the group's fair queue
// holding no max-concurrent slot, so it never blocks other tasks.
import { describe, expect, test } from 'vitest';
import type { ClaimVerdict, RunClaim } from '../../src/engine/ports.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

const START = '2026-09-01T00:00:00.000Z';

/** A scheduler with group db (limit 1 unless given) and tasks a and b in it. */
function twoInDb(options: { maxConcurrent?: number; db?: number } = {}) {
  const engine = createEngine(START, { maxConcurrent: options.maxConcurrent ?? 8, groups: { db: options.db ?? 1 } });
  engine.scheduler.add(makeTask('a', { group: 'db' }));
  engine.scheduler.add(makeTask('b', { group: 'db' }));
  return engine;
}

describe('a group limit', () => {
  test('limit 1 serialises two tasks of the group: the second waits for its group, then runs', async () => {
    const { runner, scheduler, eventsOf, clock } = twoInDb();
    expect(scheduler.runNow('a').status).toBe('running');
    expect(scheduler.runNow('b').status).toBe('queued');
    expect(runner.running()).toEqual([1]);
    expect(scheduler.get('b')).toMatchObject({
      state: 'on-demand',
      queued: 1,
      group: { name: 'db', limit: 1, running: 1, waiting: 1 },
    });
    expect(scheduler.get('a').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 0 });
    clock.advanceTo('2026-09-01T00:00:05.000Z');
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([2]);
    expect(scheduler.get('b').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 0 });
    expect(eventsOf('run-started').map((run) => [run.task, run.startedAt])).toEqual([
      ['a', Date.parse(START)],
      ['b', Date.parse('2026-09-01T00:00:05.000Z')],
    ]);
    runner.finish(2);
    await flush();
    expect(scheduler.get('a').group).toEqual({ name: 'db', limit: 1, running: 0, waiting: 0 });
  });

  test('a task outside the group runs meanwhile: the waiting run holds no max-concurrent slot', () => {
    const { runner, scheduler } = twoInDb({ maxConcurrent: 2 });
    scheduler.add(makeTask('free'));
    scheduler.runNow('a');
    scheduler.runNow('b');
    // One slot of two is taken (a's); b waits for db, not for a slot, so free gets the other.
    expect(scheduler.runNow('free').status).toBe('running');
    expect(runner.running()).toEqual([1, 3]);
  });

  test('no head-of-line blocking: a queued run whose group is full lets the next one have the slot', async () => {
    const { runner, scheduler } = twoInDb({ maxConcurrent: 2 });
    scheduler.add(makeTask('x'));
    scheduler.add(makeTask('free'));
    scheduler.add(makeTask('later'));
    scheduler.runNow('x'); // #1
    scheduler.runNow('a'); // #2, holds db
    scheduler.runNow('b'); // #3: no slot, queued first
    scheduler.runNow('free'); // #4: queued behind b
    scheduler.runNow('later'); // #5: queued last
    expect(runner.running()).toEqual([1, 2]);
    runner.finish(1); // a slot frees: b's turn, but db is full, so free runs
    await flush();
    expect(runner.running()).toEqual([2, 4]);
    expect(scheduler.get('b')).toMatchObject({ queued: 1, group: { running: 1, waiting: 1 } });
    runner.finish(2); // a's slot and db's place: b, which already had its turn, goes
    await flush();
    expect(runner.running().sort()).toEqual([3, 4]);
    expect(scheduler.get('later').queued).toBe(1);
  });

  test('fair across the tasks of a group: round-robin over tasks, FIFO within a task', async () => {
    const { runner, scheduler } = createEngine(START, { groups: { db: 1 } });
    scheduler.add(makeTask('busy', { overlap: 'allow', group: 'db' }));
    scheduler.add(makeTask('b', { group: 'db' }));
    scheduler.add(makeTask('c', { group: 'db' }));
    for (const name of ['busy', 'busy', 'busy', 'busy', 'b', 'c']) scheduler.runNow(name);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) {
      const running = runner.running();
      expect(running).toHaveLength(1);
      order.push(running[0] as number);
      runner.finish(running[0] as number);
      await flush();
    }
    expect(order).toEqual([1, 2, 5, 6, 3, 4]);
  });

  test('a limit of 2 lets two run at once, and the third waits', () => {
    const { runner, scheduler } = createEngine(START, { groups: { net: 2 } });
    for (const name of ['a', 'b', 'c']) scheduler.add(makeTask(name, { group: 'net' }));
    for (const name of ['a', 'b', 'c']) scheduler.runNow(name);
    expect(runner.running()).toEqual([1, 2]);
    expect(scheduler.get('c').group).toEqual({ name: 'net', limit: 2, running: 2, waiting: 1 });
  });

  test('scheduled runs wait for their group with their instant, and start when a place frees', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine(START, { groups: { db: 1 } });
    scheduler.add(makeTask('long', { group: 'db' }));
    scheduler.add(makeTask('tick', { schedule: every('1m'), group: 'db' }));
    scheduler.start();
    scheduler.runNow('long');
    clock.advanceTo('2026-09-01T00:01:00.000Z');
    expect(scheduler.get('tick')).toMatchObject({ state: 'scheduled', queued: 1, group: { waiting: 1 } });
    clock.advanceTo('2026-09-01T00:01:30.000Z');
    runner.finish(1);
    await flush();
    expect(eventsOf('run-started').map((run) => [run.task, run.scheduledAt, run.startedAt])).toEqual([
      ['long', null, Date.parse(START)],
      ['tick', Date.parse('2026-09-01T00:01:00.000Z'), Date.parse('2026-09-01T00:01:30.000Z')],
    ]);
  });
});

describe('overlap still applies per task', () => {
  test('skip: a second trigger while the first waits for its group is skipped', () => {
    const { scheduler } = twoInDb();
    scheduler.runNow('a');
    expect(scheduler.runNow('b').status).toBe('queued');
    expect(scheduler.runNow('b')).toMatchObject({ status: 'skipped', skip: { reason: 'overlap' } });
  });

  test('queue: the second run waits behind the first (not for the group), then runs after it', async () => {
    const { runner, scheduler } = createEngine(START, { groups: { db: 1 } });
    scheduler.add(makeTask('holder', { group: 'db' }));
    scheduler.add(makeTask('q', { group: 'db', overlap: 'queue' }));
    scheduler.runNow('holder'); // #1
    scheduler.runNow('q'); // #2 waits for db
    scheduler.runNow('q'); // #3 waits behind #2
    expect(scheduler.get('q')).toMatchObject({ queued: 2, group: { waiting: 1 } });
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([2]);
    runner.finish(2);
    await flush();
    expect(runner.running()).toEqual([3]);
  });

  test('replace: the new run replaces the one waiting for its group, and waits in its place', () => {
    const { scheduler, eventsOf } = createEngine(START, { groups: { db: 1 } });
    scheduler.add(makeTask('holder', { group: 'db' }));
    scheduler.add(makeTask('r', { group: 'db', overlap: 'replace' }));
    scheduler.runNow('holder');
    scheduler.runNow('r'); // #2
    expect(scheduler.runNow('r').status).toBe('queued'); // #3
    expect(eventsOf('run-finished').map((run) => [run.id, run.status])).toEqual([[2, 'cancelled']]);
    expect(scheduler.get('r').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 1 });
  });
});

describe('a run waiting for its group, taken away', () => {
  test('cancel by run id: dropped; the place stays with the running run and nothing else starts', async () => {
    const { runner, scheduler } = twoInDb();
    scheduler.runNow('a');
    const waiting = scheduler.runNow('b');
    expect(scheduler.cancelRun(waiting.id)).toMatchObject({ status: 'cancelled' });
    expect(scheduler.get('b')).toMatchObject({ queued: 0, group: { running: 1, waiting: 0 } });
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([]);
    expect(scheduler.runNow('b').status).toBe('running');
  });

  test('cancel by task name drops it too', () => {
    const { scheduler } = twoInDb();
    scheduler.runNow('a');
    scheduler.runNow('b');
    expect(scheduler.cancel('b').map((run) => run.status)).toEqual(['cancelled']);
    expect(scheduler.get('b').group?.waiting).toBe(0);
  });

  test('hold drops a scheduled run waiting for its group; a manual one goes on waiting', async () => {
    const { clock, runner, scheduler } = createEngine(START, { groups: { db: 1 } });
    scheduler.add(makeTask('holder', { group: 'db' }));
    scheduler.add(makeTask('tick', { schedule: every('1m'), group: 'db' }));
    scheduler.start();
    scheduler.runNow('holder'); // #1
    clock.advanceTo('2026-09-01T00:01:00.000Z'); // #2, scheduled, waits for db
    scheduler.hold('tick');
    expect(scheduler.get('tick')).toMatchObject({ queued: 0, group: { waiting: 0 } });
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([]);
  });

  test('remove drops it; the group is free for the others afterwards', async () => {
    const { runner, scheduler } = twoInDb();
    scheduler.runNow('a');
    scheduler.runNow('b');
    scheduler.remove('b');
    runner.finish(1);
    await flush();
    expect(runner.running()).toEqual([]);
    expect(scheduler.get('a').group).toEqual({ name: 'db', limit: 1, running: 0, waiting: 0 });
  });

  test('stop drops it as stopping', async () => {
    const { runner, scheduler, eventsOf } = twoInDb();
    scheduler.runNow('a');
    scheduler.runNow('b');
    const stopped = scheduler.stop({ graceMs: 60_000 });
    expect(eventsOf('run-finished').map((run) => [run.id, run.error])).toEqual([[2, 'dropped: taskkit is stopping']]);
    runner.finish(1);
    await flush();
    await stopped;
    expect(runner.running()).toEqual([]);
  });

  test('a claim refused gives the place back once, and the next run of the group starts', async () => {
    const verdicts: ((verdict: ClaimVerdict) => void)[] = [];
    const claim: RunClaim = () => new Promise<ClaimVerdict>((resolve) => verdicts.push(resolve));
    const engine = createEngine(START, { claim, groups: { db: 1 } });
    engine.scheduler.add(makeTask('a', { group: 'db' }));
    engine.scheduler.add(makeTask('b', { group: 'db' }));
    engine.scheduler.runNow('a'); // claiming: holds db's place
    engine.scheduler.runNow('b');
    expect(engine.scheduler.get('b').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 1 });
    verdicts[0]?.({ refused: 'claimed by host b' });
    await flush();
    expect(verdicts).toHaveLength(2); // b was asked: db's place came free
    expect(engine.scheduler.get('b').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 0 });
    verdicts[1]?.(true);
    await flush();
    expect(engine.runner.running()).toEqual([2]);
    engine.runner.finish(2);
    await flush();
    expect(engine.scheduler.get('a').group).toEqual({ name: 'db', limit: 1, running: 0, waiting: 0 });
  });
});

describe('reload', () => {
  test('raising a limit starts waiting runs at once', () => {
    const { runner, scheduler } = createEngine(START, { groups: { db: 1 } });
    for (const name of ['a', 'b', 'c']) scheduler.add(makeTask(name, { group: 'db' }));
    for (const name of ['a', 'b', 'c']) scheduler.runNow(name);
    expect(runner.running()).toEqual([1]);
    scheduler.setGroupLimits({ db: 3 });
    expect(runner.running()).toEqual([1, 2, 3]);
    expect(scheduler.get('c').group).toEqual({ name: 'db', limit: 3, running: 3, waiting: 0 });
  });

  test('lowering a limit lets running runs finish, and starts none until the group is below it', async () => {
    const { runner, scheduler } = createEngine(START, { groups: { db: 3 } });
    for (const name of ['a', 'b', 'c', 'd']) scheduler.add(makeTask(name, { group: 'db' }));
    for (const name of ['a', 'b', 'c']) scheduler.runNow(name);
    scheduler.setGroupLimits({ db: 1 });
    expect(runner.running()).toEqual([1, 2, 3]);
    expect(scheduler.runNow('d').status).toBe('queued');
    runner.finish(1);
    await flush();
    runner.finish(2);
    await flush();
    expect(runner.running()).toEqual([3]);
    expect(scheduler.get('d').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 1 });
    runner.finish(3);
    await flush();
    expect(runner.running()).toEqual([4]);
  });

  test('a task moved to another group: its waiting run waits for the new group (or starts)', () => {
    const { runner, scheduler } = createEngine(START, { groups: { db: 1, net: 1 } });
    scheduler.add(makeTask('a', { group: 'db' }));
    scheduler.add(makeTask('b', { group: 'db' }));
    scheduler.runNow('a');
    scheduler.runNow('b');
    scheduler.replace(makeTask('b', { group: 'net' }));
    expect(runner.running()).toEqual([1, 2]);
    expect(scheduler.get('b').group).toEqual({ name: 'net', limit: 1, running: 1, waiting: 0 });
    expect(scheduler.get('a').group).toEqual({ name: 'db', limit: 1, running: 1, waiting: 0 });
  });

  test('a renamed group: limits first, then the tasks; the waiting run starts under the new name', () => {
    const { runner, scheduler } = twoInDb();
    scheduler.runNow('a');
    scheduler.runNow('b');
    scheduler.setGroupLimits({ database: 2 });
    // db has no limit now: b keeps waiting rather than run unbounded, until its task says database.
    expect(runner.running()).toEqual([1]);
    scheduler.replace(makeTask('a', { group: 'database' }));
    scheduler.replace(makeTask('b', { group: 'database' }));
    expect(runner.running()).toEqual([1, 2]);
    // a's running run holds its place in db (the group it started in), not in database.
    expect(scheduler.get('b').group).toEqual({ name: 'database', limit: 2, running: 1, waiting: 0 });
  });

  test('a task naming a group without a limit is refused', () => {
    const { scheduler } = createEngine(START, { groups: { db: 1 } });
    expect(() => scheduler.add(makeTask('a', { group: 'dbx' }))).toThrow(
      expect.objectContaining({ code: 'USAGE', message: 'task "a": group "dbx" has no limit (settings.groups)' }),
    );
    scheduler.add(makeTask('a'));
    expect(() => scheduler.replace(makeTask('a', { group: 'dbx' }))).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(scheduler.get('a').group).toBeNull();
  });
});
