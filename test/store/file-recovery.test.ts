// Issue 15 point 8: the database deleted, truncated or replaced under a running daemon. SQLite
// kept writing into the open (unlinked) file and a restart lost everything. The store compares
// the path with the file it opened before each write batch, at close and on a timer, says so in
// the log, and puts a database back: the whole open copy when it can be read (deleted), else a
// fresh one, with the daemon's runs in flight and task state written into it; a new file at the
// path is used as it is; a path that holds no database keeps the writes waiting.
import { existsSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { RecoveryState } from '../../src/store/sqlite-store.js';
import type { TaskStateRecord } from '../../src/store/store.js';
import { makeRun, nextTurn, useTempState } from './_support.js';

const temp = useTempState();

const held: TaskStateRecord = {
  name: 'backup',
  fingerprint: 'f',
  fileHold: false,
  hold: { note: 'disk full', at: 5, until: null },
  reschedule: null,
  lastScheduledAt: 1_000,
  scheduledRuns: 4,
  failedSlots: 0,
  alerts: { failureAlertedAt: null, overdueAlertedAt: null },
};

/** The daemon's side: one run in flight (#3, running) and a held task. */
const inFlight: RecoveryState = {
  runs: [makeRun({ id: 3, status: 'running', endedAt: null, exitCode: null, error: null })],
  tasks: [held],
};

function readIds(path = temp.dbPath): { ids: number[]; seq: number; check: string } {
  const db = new Sqlite(path, { readonly: true, fileMustExist: true });
  try {
    const ids = db
      .prepare<[], { id: number }>('SELECT id FROM runs ORDER BY id')
      .all()
      .map((row) => row.id);
    const seq = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'runs'").get()?.seq ?? 0;
    return { ids, seq, check: String(db.pragma('quick_check', { simple: true })) };
  } finally {
    db.close();
  }
}

function openWithHistory(logs: string[]): ReturnType<typeof temp.open> {
  const store = temp.open({ log: (level, message) => logs.push(`${level} ${message}`) });
  store.setRecoverySource(() => inFlight);
  for (let id = 1; id <= 3; id++) store.saveRun(makeRun({ id, ...(id === 3 ? inFlight.runs[0] : {}) }));
  store.flush();
  return store;
}

describe('deleted', () => {
  test('the next write puts the whole open copy back at the path: no history lost', async () => {
    const logs: string[] = [];
    const store = openWithHistory(logs);
    for (const file of [temp.dbPath, `${temp.dbPath}-wal`, `${temp.dbPath}-shm`]) rmSync(file, { force: true });
    store.saveRun(makeRun({ id: 4 }));
    await nextTurn();
    expect(readIds()).toEqual({ ids: [1, 2, 3, 4], seq: 4, check: 'ok' });
    expect(logs).toContainEqual(expect.stringMatching(/^error history database .*taskkit\.db was deleted while/));
    expect(logs).toContainEqual(expect.stringContaining("restored it whole from the daemon's open copy"));
    expect(store.getRun(2)?.id).toBe(2);
  });

  test('only taskkit.db removed: the old -wal left beside it is not replayed onto the copy', async () => {
    const store = openWithHistory([]);
    rmSync(temp.dbPath);
    expect(existsSync(`${temp.dbPath}-wal`)).toBe(true);
    store.saveRun(makeRun({ id: 4 }));
    await nextTurn();
    expect(readIds()).toEqual({ ids: [1, 2, 3, 4], seq: 4, check: 'ok' });
  });

  test('nothing written since: close puts it back before letting go of the copy', () => {
    const store = openWithHistory([]);
    rmSync(temp.dbPath);
    store.close();
    expect(readIds().ids).toEqual([1, 2, 3]);
  });

  test('the state dir removed too: recreated with the copy in it', async () => {
    const store = openWithHistory([]);
    rmSync(temp.dir, { recursive: true });
    store.saveRun(makeRun({ id: 4 }));
    await nextTurn();
    expect(readIds().ids).toEqual([1, 2, 3, 4]);
  });

  test('checkFileUnlessRecent skips a check made within its bound and makes one after it, without a write', () => {
    const store = temp.open();
    store.saveRun(makeRun({ id: 1 }));
    store.flush(); // checks the file before its write
    rmSync(temp.dbPath);
    store.checkFileUnlessRecent(60_000);
    expect(existsSync(temp.dbPath)).toBe(false);
    store.checkFileUnlessRecent(0);
    expect(existsSync(temp.dbPath)).toBe(true);
    expect(readIds().ids).toEqual([1]);
  });
});

describe('truncated', () => {
  test('a database is back at the path with the runs in flight, task state, and ids that go on', async () => {
    const logs: string[] = [];
    const store = openWithHistory(logs);
    // Pages in the main file, not only in the WAL: as after the daemon ran for a while.
    store.flush();
    checkpoint();
    truncateSync(temp.dbPath, 0);
    expect(store.checkFile()).toBe('truncated');
    store.saveRun(makeRun({ id: 5 }));
    await nextTurn();
    const after = readIds();
    expect(after.check).toBe('ok');
    expect(after.ids).toEqual(expect.arrayContaining([3, 5]));
    expect(after.seq).toBe(5);
    expect(store.loadTaskState('backup')).toMatchObject({ hold: { note: 'disk full' }, scheduledRuns: 4 });
    expect(logs).toContainEqual(expect.stringMatching(/^error history database .*was truncated while/));
    expect(logs).toContainEqual(expect.stringMatching(/wrote back 1 run\(s\) in flight and the state of 1 task\(s\)/));
  });
});

describe('replaced', () => {
  test('another database moved in is used as it is, and gets the runs in flight', async () => {
    const logs: string[] = [];
    const store = openWithHistory(logs);
    const other = `${temp.dir}/other.db`;
    const otherStore = temp.open({ path: other });
    otherStore.saveRun(makeRun({ id: 40, task: 'restored' }));
    otherStore.close();
    renameSync(other, temp.dbPath);
    store.saveRun(makeRun({ id: 6 }));
    await nextTurn();
    expect(readIds()).toMatchObject({ ids: [3, 6, 40], check: 'ok' });
    expect(logs).toContainEqual(expect.stringContaining('using the new file as it is'));
  });

  test('a file that is no database: writes wait in memory; once it is gone, a fresh one gets them', async () => {
    const logs: string[] = [];
    const store = openWithHistory(logs);
    rmSync(temp.dbPath);
    writeFileSync(`${temp.dir}/junk`, 'not a database at all, but long enough to have a header of sorts........');
    renameSync(`${temp.dir}/junk`, temp.dbPath);
    store.saveRun(makeRun({ id: 7 }));
    expect(store.flush()).toBeUndefined();
    expect(store.pendingWrites).toBe(1);
    expect(logs.join('\n')).toMatch(/cannot put a database back .*; runs are kept in memory/);
    expect(() => store.listRuns()).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
    expect(store.checkFile()).toBe('unopened');
    expect(logs.filter((line) => line.includes('cannot put a database back')).length).toBe(1);
    rmSync(temp.dbPath);
    expect(store.checkFile()).toBe('unopened');
    store.close();
    expect(readIds()).toMatchObject({ ids: [3, 7], seq: 7, check: 'ok' });
  });
});

test('the same file, grown: nothing to do', () => {
  const store = openWithHistory([]);
  for (let id = 10; id < 200; id++) store.saveRun(makeRun({ id, output: Buffer.from('x'.repeat(4_000)) }));
  store.flush();
  new Sqlite(temp.dbPath).pragma('wal_checkpoint(TRUNCATE)');
  expect(store.checkFile()).toBeNull();
  expect(store.checkFile()).toBeNull();
});

/** Move the WAL's pages into the main file, from a connection of its own. */
function checkpoint(): void {
  const db = new Sqlite(temp.dbPath);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
