// Opening <state-dir>/taskkit.db (DESIGN.md "State and history", issue 4 "Done means"): WAL and its
// pragmas, a read-only reader beside a writer, and every unusable file or dir as a clear error.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { TaskkitError } from '../../../src/errors.js';
import { BUSY_TIMEOUT_MS, openDatabase, WRITE_BUSY_TIMEOUT_MS } from '../../../src/store/sqlite/open.js';
import { RUNNING_AS_ROOT, useTempState } from '../_support.js';

const temp = useTempState();

function open(path = temp.dbPath, readOnly = false): Sqlite.Database {
  const db = openDatabase(path, { readOnly });
  temp.defer(() => db.close());
  return db;
}

function openError(path = temp.dbPath, readOnly = false): TaskkitError {
  try {
    open(path, readOnly);
  } catch (error) {
    if (error instanceof TaskkitError) return error;
    throw error;
  }
  throw new Error('expected openDatabase to throw');
}

describe('a writable open', () => {
  test('uses WAL, synchronous NORMAL, a short busy timeout, foreign keys and a bounded WAL', () => {
    const db = open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(WRITE_BUSY_TIMEOUT_MS);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(8 * 1024 * 1024);
  });

  test(
    "a write blocked by another connection's lock fails after WRITE_BUSY_TIMEOUT_MS, " +
      'not BUSY_TIMEOUT_MS (issue 8)',
    () => {
      const db = open();
      const other = new Sqlite(temp.dbPath);
      temp.defer(() => other.close());
      other.exec('BEGIN EXCLUSIVE');
      const started = performance.now();
      let code: unknown;
      try {
        db.prepare(
          "INSERT INTO task_state (name, fingerprint, file_hold, held, updated_at) VALUES ('a', 'f', 0, 0, 1)",
        ).run();
      } catch (error) {
        code = (error as { code?: unknown }).code;
      }
      const waited = performance.now() - started;
      other.exec('ROLLBACK');
      expect(code).toBe('SQLITE_BUSY');
      expect(waited).toBeGreaterThanOrEqual(WRITE_BUSY_TIMEOUT_MS - 10);
      expect(waited).toBeLessThan(BUSY_TIMEOUT_MS / 2);
    },
  );

  test('creates a missing state dir, only for its owner', () => {
    const dir = join(temp.dir, 'state', 'nested');
    open(join(dir, 'taskkit.db'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dir, 'taskkit.db'))).toBe(true);
  });
});

describe('a read-only open (the offline CLI)', () => {
  test('reads committed data while a writer holds the database in a transaction', () => {
    const writer = open();
    writer
      .prepare("INSERT INTO task_state (name, fingerprint, file_hold, held, updated_at) VALUES ('a', 'f', 0, 0, 1)")
      .run();
    writer.prepare('BEGIN IMMEDIATE').run();
    writer
      .prepare("INSERT INTO task_state (name, fingerprint, file_hold, held, updated_at) VALUES ('b', 'f', 0, 0, 1)")
      .run();
    const started = performance.now();
    const reader = open(temp.dbPath, true);
    expect(reader.prepare('SELECT name FROM task_state').all()).toEqual([{ name: 'a' }]);
    // WAL readers never wait for the writer's lock.
    expect(performance.now() - started).toBeLessThan(BUSY_TIMEOUT_MS / 2);
    writer.prepare('COMMIT').run();
    expect(reader.prepare('SELECT name FROM task_state ORDER BY name').all()).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  test('cannot write', () => {
    open().close();
    const reader = open(temp.dbPath, true);
    expect(reader.pragma('query_only', { simple: true })).toBe(1);
    expect(() =>
      reader
        .prepare("INSERT INTO task_state (name, fingerprint, file_hold, held, updated_at) VALUES ('a', 'f', 0, 0, 1)")
        .run(),
    ).toThrow(/readonly|query_only/);
  });

  test('a missing database is a clear error, and nothing is created', () => {
    const error = openError(temp.dbPath, true);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toBe(
      `no database at ${temp.dbPath}: no daemon has run with this state dir yet (start one with "taskkit start")`,
    );
    expect(existsSync(temp.dbPath)).toBe(false);
  });
});

describe('a corrupt database file gives STORE_CORRUPT naming the file and what to do', () => {
  const advice = (path: string): string =>
    `move it aside (with any ${path}-wal and ${path}-shm next to it), e.g. "mv ${path} ${path}.broken", ` +
    `and start taskkit again: ` +
    'it creates a fresh database (holds, reschedules and history in the old one are not carried over)';

  test.each([false, true])('garbage written into taskkit.db, read-only %s', (readOnly) => {
    writeFileSync(temp.dbPath, 'this is not a database\n'.repeat(500));
    const error = openError(temp.dbPath, readOnly);
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toBe(
      `${temp.dbPath} is damaged or not a taskkit database (file is not a database); ${advice(temp.dbPath)}`,
    );
    // The file is left as it was, for the user to look at.
    expect(readFileSync(temp.dbPath, 'utf8')).toBe('this is not a database\n'.repeat(500));
  });

  test('a valid header over damaged pages is caught at open, not at the first write', () => {
    const db = open();
    const insert = db.prepare(
      "INSERT INTO runs (task, trigger, status, created_at, attempt, output) VALUES ('t', 'manual', " +
        "'succeeded', 1, 1, ?)",
    );
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(500));
    db.close();
    const bytes = readFileSync(temp.dbPath);
    bytes.fill(0x5a, 4096, 3 * 4096);
    writeFileSync(temp.dbPath, bytes);
    const error = openError();
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(
      new RegExp(
        `^${escape(temp.dbPath)} is damaged or not a taskkit database \\(integrity check: .+\\); move it aside`,
      ),
    );
  });
});

describe('a state dir that cannot be written is refused at open', () => {
  test('read-only state dir', (context) => {
    if (RUNNING_AS_ROOT)
      context.skip('running as root: permission bits do not stop root, so the refusal cannot be observed');
    chmodSync(temp.dir, 0o500);
    const error = openError();
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toBe(
      `state dir ${temp.dir} is not writable (EACCES); taskkit keeps its database ${temp.dbPath} there: ` +
        `make it writable (chmod u+rwx ${temp.dir}) or set settings.state-dir to a writable folder`,
    );
  });

  test('a database file without write permission', (context) => {
    if (RUNNING_AS_ROOT)
      context.skip('running as root: permission bits do not stop root, so the refusal cannot be observed');
    open().close();
    chmodSync(temp.dbPath, 0o400);
    const error = openError();
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toBe(
      `cannot read and write the database ${temp.dbPath} (EACCES); ` +
        `fix its owner or permissions (chmod u+rw ${temp.dbPath})`,
    );
  });

  test('a state dir path that is a file', () => {
    writeFileSync(join(temp.dir, 'state'), 'a file, not a folder');
    const error = openError(join(temp.dir, 'state', 'taskkit.db'));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toMatch(
      new RegExp(`^state dir ${escape(join(temp.dir, 'state'))} is not writable \\((EEXIST|ENOTDIR)\\)`),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
