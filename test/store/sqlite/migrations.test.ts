// Schema migrations keyed by PRAGMA user_version: from an empty file, idempotent re-open, each
// migration in its own transaction, and a database from a newer taskkit refused clearly.
import Sqlite from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { TaskkitError } from '../../../src/errors.js';
import {
  checkSchemaVersion,
  migrate,
  MIGRATIONS,
  readSchemaVersion,
  SCHEMA_VERSION,
  type Migration,
} from '../../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../../src/store/sqlite/open.js';
import { useTempState } from '../_support.js';

const temp = useTempState();

function raw(path = temp.dbPath): Sqlite.Database {
  const db = new Sqlite(path);
  temp.defer(() => db.close());
  return db;
}

const tables = (db: Sqlite.Database): string[] =>
  db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((row) => row.name);

describe('the real schema', () => {
  test('an empty file migrates to the latest version with the runs and task_state tables', () => {
    const db = openDatabase(temp.dbPath);
    temp.defer(() => db.close());
    expect(SCHEMA_VERSION).toBe(10);
    expect(readSchemaVersion(db)).toBe(10);
    expect(tables(db)).toEqual(['daemon_state', 'deliveries', 'runs', 'task_state']);
    const runColumns = db
      .prepare<[], { name: string }>('PRAGMA table_info(runs)')
      .all()
      .map((column) => column.name);
    expect(runColumns).toEqual([
      'id',
      'task',
      'trigger',
      'status',
      'scheduled_at',
      'created_at',
      'started_at',
      'ended_at',
      'exit_code',
      'signal',
      'attempt',
      'pid',
      'output_truncated',
      'output_bytes',
      'error',
      'result',
      'stop_cause',
      'stop',
      'output',
      'skip_reason',
      'skip_count',
      'skip_more',
      'skip_last_at',
    ]);
    const output = db
      .prepare<[], { type: string; notnull: number }>(
        "SELECT type, \"notnull\" FROM pragma_table_info('runs') WHERE name = 'output'",
      )
      .get();
    expect(output).toEqual({ type: 'BLOB', notnull: 1 });
  });

  test('re-opening is idempotent: nothing runs again and the data stays', () => {
    const first = openDatabase(temp.dbPath);
    first
      .prepare("INSERT INTO task_state (name, fingerprint, file_hold, held, updated_at) VALUES ('a', 'f', 0, 1, 5)")
      .run();
    first.close();
    const second = openDatabase(temp.dbPath);
    temp.defer(() => second.close());
    expect(migrate(second, temp.dbPath)).toEqual({ from: 10, to: 10 });
    expect(second.prepare('SELECT name, held FROM task_state').all()).toEqual([{ name: 'a', held: 1 }]);
  });

  test('version 7: the alert state columns of task_state, null (none sent) for the rows before it', () => {
    const db = raw();
    migrate(db, temp.dbPath, MIGRATIONS.slice(0, 6));
    db.prepare(
      'INSERT INTO task_state (name, fingerprint, file_hold, held, last_scheduled_at, scheduled_runs, updated_at) ' +
        "VALUES ('old', 'f', 0, 0, 5, 1, 9)",
    ).run();
    expect(migrate(db, temp.dbPath, MIGRATIONS.slice(0, 7))).toEqual({ from: 6, to: 7 });
    expect(db.prepare('SELECT name, failure_alerted_at, overdue_alerted_at FROM task_state').all()).toEqual([
      { name: 'old', failure_alerted_at: null, overdue_alerted_at: null },
    ]);
  });

  test('MIGRATIONS are numbered 1, 2, 3... without gaps', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });
});

describe('ordered migrations, one transaction each', () => {
  const steps: Migration[] = [
    { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
    { version: 2, description: 'b', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (2)' },
  ];

  test('apply in order from the version found, reporting from and to', () => {
    const db = raw();
    expect(migrate(db, temp.dbPath, steps.slice(0, 1))).toEqual({ from: 0, to: 1 });
    expect(migrate(db, temp.dbPath, steps)).toEqual({ from: 1, to: 2 });
    expect(tables(db)).toEqual(['a', 'b']);
    expect(db.prepare('SELECT x FROM a').all()).toEqual([{ x: 2 }]);
  });

  test('a failing migration rolls back whole and keeps the version before it', () => {
    const db = raw();
    const broken: Migration = {
      version: 3,
      description: 'broken',
      sql: 'CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1)',
    };
    expect(() => migrate(db, temp.dbPath, [...steps, broken])).toThrow(/no such table: nowhere/);
    expect(readSchemaVersion(db)).toBe(2);
    expect(tables(db)).toEqual(['a', 'b']);
  });

  test('a list with a gap is a programming error', () => {
    expect(() =>
      migrate(raw(), temp.dbPath, [steps[0] as Migration, { version: 3, description: 'c', sql: '' }]),
    ).toThrow('migrations out of order at version 3');
  });
});

describe('a database from a newer taskkit', () => {
  function writeNewer(): void {
    const db = new Sqlite(temp.dbPath);
    db.pragma('user_version = 99');
    db.close();
  }

  test.each([false, true])('is refused by name, read-only %s', (readOnly) => {
    writeNewer();
    const error = captureError(() => openDatabase(temp.dbPath, { readOnly }));
    expect(error).toBeInstanceOf(TaskkitError);
    expect(error).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message:
        `${temp.dbPath} was written by a newer taskkit (schema version 99; this one knows up to ${SCHEMA_VERSION}); ` +
        'upgrade taskkit, or set settings.state-dir to another folder',
    });
    const db = raw();
    expect(readSchemaVersion(db)).toBe(99);
    expect(tables(db)).toEqual([]);
  });
});

test('a read-only open of an older schema asks for a daemon start to upgrade it', () => {
  const db = raw();
  db.pragma('user_version = 0');
  expect(() => checkSchemaVersion(db, temp.dbPath)).toThrow(
    `${temp.dbPath} has schema version 0, older than this taskkit's ${SCHEMA_VERSION}; ` +
      'start the daemon once ("taskkit start") to upgrade it',
  );
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('migration 2: stops as facts, old rows read from their words once', () => {
  /** A version-1 database holding runs as the old runner wrote them. */
  function writeVersionOne(rows: { id: number; status: string; error: string | null }[]): void {
    const db = new Sqlite(temp.dbPath);
    db.exec((MIGRATIONS[0] as Migration).sql);
    db.pragma('user_version = 1');
    const insert = db.prepare(
      "INSERT INTO runs (id, task, trigger, status, created_at, attempt, error) VALUES (?, 't', 'schedule', " +
        '?, 1, 1, ?)',
    );
    for (const row of rows) insert.run(row.id, row.status, row.error);
    db.close();
  }

  test('each stopped run gets its cause and stop; error keeps only what is not a stop', () => {
    writeVersionOne([
      { id: 1, status: 'timed-out', error: 'timed out after 30s; sent SIGTERM, then SIGKILL after 10s' },
      { id: 2, status: 'cancelled', error: 'cancelled by taskkit cancel; sent SIGTERM' },
      { id: 3, status: 'cancelled', error: 'replaced by a new run' },
      {
        id: 4,
        status: 'cancelled',
        error: 'stopped by shutdown; the module did not return within kill-after 1m and its worker was terminated',
      },
      { id: 5, status: 'cancelled', error: 'cancelled by taskkit cancel before it started' },
      { id: 6, status: 'timed-out', error: 'worker did not stop' },
      { id: 7, status: 'failed', error: 'command not found: foo' },
      {
        id: 8,
        status: 'timed-out',
        error: 'timed out after 1s; the function did not return within kill-after 100ms and was abandoned',
      },
    ]);
    const db = openDatabase(temp.dbPath);
    temp.defer(() => db.close());
    const rows = db
      .prepare<[], { id: number; stop_cause: string | null; stop: string | null; error: string | null }>(
        'SELECT id, stop_cause, stop, error FROM runs ORDER BY id',
      )
      .all();
    const stop = (cause: string, afterMs: number, signals: string[], killAfterMs: number, abandoned: string | null) =>
      JSON.stringify({ cause, afterMs, signals, killAfterMs, abandoned });
    expect(rows).toEqual([
      {
        id: 1,
        stop_cause: 'timeout',
        stop: stop('timeout', 30_000, ['SIGTERM', 'SIGKILL'], 10_000, null),
        error: null,
      },
      { id: 2, stop_cause: 'cancel', stop: stop('cancel', 0, ['SIGTERM'], 0, null), error: null },
      { id: 3, stop_cause: 'replace', stop: stop('replace', 0, [], 0, null), error: null },
      { id: 4, stop_cause: 'shutdown', stop: stop('shutdown', 0, [], 60_000, 'module'), error: null },
      // Dropped before it started: the engine's words, no stop.
      { id: 5, stop_cause: null, stop: null, error: 'cancelled by taskkit cancel before it started' },
      // Words that are not the runner's: the status still says the cause.
      { id: 6, stop_cause: 'timeout', stop: null, error: 'worker did not stop' },
      { id: 7, stop_cause: null, stop: null, error: 'command not found: foo' },
      { id: 8, stop_cause: 'timeout', stop: stop('timeout', 1_000, [], 100, 'function'), error: null },
    ]);
  });
});

describe('migration 3: output as bytes, the rows written as text kept', () => {
  /** A version-2 database holding runs whose output was stored as TEXT. */
  function writeVersionTwo(outputs: readonly string[]): void {
    const db = new Sqlite(temp.dbPath);
    for (const migration of MIGRATIONS.slice(0, 2)) db.exec(migration.sql);
    db.pragma('user_version = 2');
    const insert = db.prepare(
      'INSERT INTO runs (id, task, trigger, status, created_at, attempt, output) ' +
        "VALUES (?, 't', 'schedule', 'succeeded', 1, 1, ?)",
    );
    outputs.forEach((output, index) => insert.run(index + 1, output));
    // Retention deleted the newest row: its id must still never be given again.
    insert.run(outputs.length + 1, 'deleted');
    db.prepare('DELETE FROM runs WHERE id = ?').run(outputs.length + 1);
    db.close();
  }

  test('each old output becomes the BLOB of its UTF-8 bytes; ids, sequence and indexes stay', () => {
    const outputs = ['line 1\nline 2 ✓\n', '', 'a\ufffdb\n'];
    writeVersionTwo(outputs);
    const db = openDatabase(temp.dbPath);
    temp.defer(() => db.close());
    expect(readSchemaVersion(db)).toBe(SCHEMA_VERSION);
    const rows = db
      .prepare<[], { id: number; output: Buffer; kind: string }>(
        'SELECT id, output, typeof(output) AS kind FROM runs ORDER BY id',
      )
      .all();
    expect(rows).toEqual(
      outputs.map((output, index) => ({ id: index + 1, output: Buffer.from(output, 'utf8'), kind: 'blob' })),
    );
    const sequence = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'runs'").get();
    expect(sequence?.seq).toBe(outputs.length + 1);
    const indexes = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    expect(indexes).toEqual(['runs_by_task', 'runs_unfinished']);
  });

  test('bytes that are not UTF-8 are stored and read back exactly', () => {
    const db = openDatabase(temp.dbPath);
    temp.defer(() => db.close());
    const bytes = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]);
    db.prepare(
      'INSERT INTO runs (task, trigger, status, created_at, attempt, output) ' +
        "VALUES ('t', 'manual', 'succeeded', 1, 1, ?)",
    ).run(bytes);
    const row = db.prepare<[], { output: Buffer }>('SELECT output FROM runs').get();
    expect(row?.output.equals(bytes)).toBe(true);
  });
});
