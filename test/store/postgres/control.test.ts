/**
 * Publishing, control and the task rows on a real throwaway PostgreSQL: publish at start and at
 * reload, retirement, hold / resume / reschedule with their notification delivered at COMMIT,
 * cancel notices, resync by revision and the one-query load at start.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Client } from '../../../src/store/postgres/connect.js';
import {
  type ClusterNotice,
  holdTask,
  notifyCancel,
  parseNotice,
  rescheduleTask,
  resumeTask,
} from '../../../src/store/postgres/control.js';
import { goneHost } from '../../../src/store/postgres/hosts.js';
import { retireTasks } from '../../../src/store/postgres/publish.js';
import { loadAllTasks, readTask, resyncTasks } from '../../../src/store/postgres/task-rows.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { SCHEMA, TestDb, publish } from './_pg.js';

let cluster: PgCluster;
let db: TestDb;

/** Notices a LISTEN-ing client receives, parsed. */
function collect(client: Client): ClusterNotice[] {
  const notices: ClusterNotice[] = [];
  client.on('notification', (message) => {
    const notice = parseNotice(message.payload);
    if (notice !== null) notices.push(notice);
  });
  return notices;
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe.skipIf(skipWithoutPg)('publish, control, task rows (PostgreSQL)', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());
  afterEach(async () => db?.close());

  test("publish: start keeps a live publisher's definition, reload overwrites it, a gone one's goes", async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a', { tasks: ['backup'] }), await db.host('host-b', { tasks: ['backup'] })];
    expect(await publish(pool, a, 'backup', 'fp-a')).toBe('fp-a');
    expect(await publish(pool, b, 'backup', 'fp-b')).toBe('fp-a');
    expect(await publish(pool, b, 'backup', 'fp-b', { force: true })).toBe('fp-b');
    const row = await readTask(pool, SCHEMA, 'backup');
    expect(row).toMatchObject({
      fingerprint: 'fp-b',
      publishedBy: b.hostId,
      publishedByHost: 'host-b',
      scheduleRev: 2,
    });
    await goneHost(pool, SCHEMA, b.hostId);
    expect(await publish(pool, a, 'backup', 'fp-a')).toBe('fp-a');
    expect((await readTask(pool, SCHEMA, 'backup'))?.scheduleRev).toBe(3);
  });

  test("a task in no live host's file is retired (and notified); publishing brings it back", async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a', { tasks: ['backup'] });
    const notices = collect(a.client);
    await publish(pool, a, 'backup');
    await publish(pool, a, 'old-report');
    expect(await retireTasks(pool, SCHEMA)).toEqual(['old-report']);
    expect(await retireTasks(pool, SCHEMA)).toEqual([]);
    expect((await readTask(pool, SCHEMA, 'old-report'))?.retiredAt).toEqual(expect.any(Number));
    await until(() => notices.some((n) => n.k === 'task' && n.name === 'old-report' && notices.length >= 3));
    expect(notices).toContainEqual({ k: 'task', name: 'old-report' });
    // Back with a new revision (peers resyncing since the retirement see it) and a notification.
    const retired = (await readTask(pool, SCHEMA, 'old-report'))!.revision;
    const heard = notices.length;
    await publish(pool, a, 'old-report');
    expect((await readTask(pool, SCHEMA, 'old-report'))?.retiredAt).toBeNull();
    expect((await resyncTasks(pool, SCHEMA, retired)).map((t) => [t.name, t.retiredAt])).toEqual([
      ['old-report', null],
    ]);
    await until(() => notices.length > heard);
    expect(notices.slice(heard)).toEqual([{ k: 'task', name: 'old-report' }]);
  });

  test('hold, resume, reschedule: the row changes with a new revision, every listener is told the name', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const [a, b] = [await db.host('host-a'), await db.host('host-b')];
    const notices = collect(b.client);
    await publish(pool, a, 'backup');
    const start = await readTask(pool, SCHEMA, 'backup');
    const until1h = Date.now() + 3_600_000;
    const held = await holdTask(pool, SCHEMA, 'backup', { note: 'migration', until: until1h, by: 'ops@host-a' });
    expect(held?.hold).toEqual({ note: 'migration', at: expect.any(Number), until: until1h });
    expect(held?.heldBy).toBe('ops@host-a');
    expect(held!.revision).toBeGreaterThan(start!.revision);
    const spec = { kind: 'every', periodMs: 60_000, anchor: 0, startGiven: false } as const;
    const moved = await rescheduleTask(pool, SCHEMA, 'backup', spec);
    expect(moved).toMatchObject({ reschedule: spec, scheduleRev: start!.scheduleRev + 1 });
    const before = Date.now();
    const resumed = await resumeTask(pool, SCHEMA, 'backup');
    expect(resumed?.hold).toBeNull();
    expect(resumed!.lastScheduledAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(await holdTask(pool, SCHEMA, 'nope', { note: null, until: null, by: null })).toBeNull();
    await notifyCancel(pool, SCHEMA, 4242);
    await until(() => notices.length >= 5);
    expect(notices).toEqual([
      { k: 'task', name: 'backup' }, // publish
      { k: 'task', name: 'backup' }, // hold
      { k: 'task', name: 'backup' }, // reschedule
      { k: 'task', name: 'backup' }, // resume
      { k: 'cancel', run: 4242 },
    ]);
    const changed = await resyncTasks(pool, SCHEMA, held!.revision);
    expect(changed.map((t) => [t.name, t.revision])).toEqual([['backup', resumed!.revision]]);
    expect(await resyncTasks(pool, SCHEMA, resumed!.revision)).toEqual([]);
  });

  test('a timed hold whose end passed reads as not held; loadAllTasks reads every row in one query', async () => {
    db = await TestDb.create(cluster);
    const pool = await db.pool();
    const a = await db.host('host-a');
    for (const name of ['c', 'a', 'b']) await publish(pool, a, name);
    await holdTask(pool, SCHEMA, 'a', { note: null, until: Date.now() - 1, by: null });
    await holdTask(pool, SCHEMA, 'b', { note: 'x', until: null, by: null });
    const all = await loadAllTasks(pool, SCHEMA);
    expect(all.map((t) => [t.name, t.hold?.note ?? null, t.hold === null])).toEqual([
      ['a', null, true],
      ['b', 'x', false],
      ['c', null, true],
    ]);
    db.sql(`UPDATE taskkit.task SET reschedule = '{"kind":"nonsense"}' WHERE name = 'c'`);
    expect((await readTask(pool, SCHEMA, 'c'))?.reschedule).toBeNull();
    expect(parseNotice('not json')).toBeNull();
    expect(parseNotice('{"k":"future"}')).toBeNull();
  });
});
