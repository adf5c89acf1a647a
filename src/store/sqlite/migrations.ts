/**
 * The schema, as ordered migrations keyed by `PRAGMA user_version`. Each runs in its own
 * transaction with the version bump, so a crash mid-upgrade leaves the previous version intact.
 * Append only: a released migration is never edited, a change is a new one.
 */
import type { Database } from 'better-sqlite3';
import { TaskkitError } from '../../errors.js';
import { upgradeLegacyStops } from './legacy-stops.js';

export interface Migration {
  /** 1, 2, 3...: the user_version after it ran. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
  /** Runs after `sql`, in the same transaction: data changes SQL alone cannot express. */
  readonly upgrade?: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs and task state',
    // AUTOINCREMENT: sqlite_sequence remembers the highest id ever written, so run ids never
    // repeat even after retention deleted every row of the newest task.
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task TEXT NOT NULL,
        trigger TEXT NOT NULL,
        status TEXT NOT NULL,
        scheduled_at INTEGER,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        exit_code INTEGER,
        signal TEXT,
        attempt INTEGER NOT NULL,
        pid INTEGER,
        output TEXT NOT NULL DEFAULT '',
        output_truncated INTEGER NOT NULL DEFAULT 0,
        output_bytes INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        result TEXT
      );
      CREATE INDEX runs_by_task ON runs (task, id);
      CREATE INDEX runs_unfinished ON runs (status) WHERE status IN ('running', 'queued');
      CREATE TABLE task_state (
        name TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        file_hold INTEGER NOT NULL,
        held INTEGER NOT NULL,
        hold_note TEXT,
        held_at INTEGER,
        reschedule TEXT,
        last_scheduled_at INTEGER,
        scheduled_runs INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'how a run was stopped, as facts',
    // stop_cause on its own (timeout, cancel, replace, shutdown) so that history filters on it;
    // stop holds the rest of the RunStop as JSON. Old rows are read from their words once.
    sql: `
      ALTER TABLE runs ADD COLUMN stop_cause TEXT;
      ALTER TABLE runs ADD COLUMN stop TEXT;
    `,
    upgrade: upgradeLegacyStops,
  },
  {
    version: 3,
    description: 'output as bytes',
    // A task's output is bytes (a NUL, a 0xFF): a BLOB, never decoded. SQLite cannot change a
    // column's type, so the bytes move to a new column that takes the old name; rows written
    // before keep their text as its UTF-8 bytes. The table is the same table (its
    // AUTOINCREMENT sequence and its indexes stay), only rewritten without the old column.
    sql: `
      ALTER TABLE runs ADD COLUMN output_blob BLOB NOT NULL DEFAULT x'';
      UPDATE runs SET output_blob = CAST(output AS BLOB) WHERE output <> '';
      ALTER TABLE runs DROP COLUMN output;
      ALTER TABLE runs RENAME COLUMN output_blob TO output;
    `,
  },
  {
    version: 4,
    description: "when a task's hold ends by itself",
    // `hold --for/--until` (issue 16.5): null for a hold until resume, and for every older row.
    sql: `ALTER TABLE task_state ADD COLUMN held_until INTEGER;`,
  },
  {
    version: 5,
    description: "a task's consecutive failed slots",
    // `hold-after-failures` (issue 16.4): the count survives a restart; 0 for every older row.
    sql: `ALTER TABLE task_state ADD COLUMN failed_slots INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 6,
    description: 'alert deliveries',
    // One row per alert sent to a notifier (issue 16.1, `taskkit alerts`): `pending` is written
    // with the alert state that decided it, so a daemon killed before the delivery sends it at its
    // next start. target is redacted (no user:password). AUTOINCREMENT: ids never repeat.
    sql: `
      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task TEXT NOT NULL,
        event TEXT NOT NULL,
        run_id INTEGER,
        failures INTEGER NOT NULL DEFAULT 0,
        overdue_since INTEGER,
        notifier TEXT NOT NULL,
        target TEXT NOT NULL,
        decided_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        finished_at INTEGER,
        error TEXT
      );
      CREATE INDEX deliveries_by_task ON deliveries (task, id);
      CREATE INDEX deliveries_pending ON deliveries (status) WHERE status = 'pending';
      `,
  },
  {
    version: 7,
    description: "which of a task's alerts were sent",
    // `notify:` (issue 16.1, engine/alerts.ts): when `failure` was last sent for the failing slots going on and
    // when `overdue` was sent for the overdue period going on; null (none sent) for every older row.
    sql: `
      ALTER TABLE task_state ADD COLUMN failure_alerted_at INTEGER;
      ALTER TABLE task_state ADD COLUMN overdue_alerted_at INTEGER;
    `,
  },
  {
    version: 8,
    description: 'a skipped row stands for many instants',
    // Issue 16.7: why an instant did not run as a kind (held, overlap, deadline, missed...), and how
    // many consecutive instants one row stands for, the first being scheduled_at, the last
    // skip_last_at; skip_more: more than skip_count. Older skipped rows are one trigger each,
    // their kind read from their words where those say it.
    sql: `
      ALTER TABLE runs ADD COLUMN skip_reason TEXT;
      ALTER TABLE runs ADD COLUMN skip_count INTEGER;
      ALTER TABLE runs ADD COLUMN skip_more INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN skip_last_at INTEGER;
      UPDATE runs SET skip_count = 1, skip_last_at = scheduled_at, skip_reason = CASE
          WHEN error LIKE '%(overlap: %' THEN 'overlap'
          WHEN error LIKE '%past its deadline%' THEN 'deadline'
          WHEN error LIKE 'missed %(catch-up: %' THEN 'missed'
          WHEN error = 'taskkit is stopping' THEN 'stopping'
        END
        WHERE status = 'skipped';
    `,
  },
  {
    version: 9,
    description: "a join's wait",
    // `after-all:` (issue 17.3, engine/join.ts): which parents succeeded since the join's wait began,
    // as JSON {since, succeeded: [{task, at}]}; null for a task without after-all and every older row.
    sql: `ALTER TABLE task_state ADD COLUMN join_state TEXT;`,
  },
  {
    version: 10,
    description: 'facts about the daemon, not a task',
    // `@reboot` once per boot (issue 18.2, daemon/boot-id.ts): key 'boot-id' holds the boot whose
    // @reboot tasks were fired. A key-value table: the next such fact needs no new migration.
    sql: `
      CREATE TABLE daemon_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

/** The schema version this taskkit writes. */
export const SCHEMA_VERSION = latestVersion(MIGRATIONS);

export function readSchemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring `db` up to the last of `migrations`; returns the versions before and after. A database
 * from a newer taskkit is refused rather than guessed at.
 */
export function migrate(
  db: Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  const target = latestVersion(migrations);
  const from = readSchemaVersion(db);
  refuseNewer(from, target, path);
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    // IMMEDIATE takes the write lock first: two processes upgrading at once cannot both apply it.
    db.transaction(() => {
      if (readSchemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      migration.upgrade?.(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, to: readSchemaVersion(db) };
}

/** For a read-only open, which cannot migrate: the schema must be exactly this taskkit's. */
export function checkSchemaVersion(db: Database, path: string, migrations: readonly Migration[] = MIGRATIONS): void {
  const target = latestVersion(migrations);
  const version = readSchemaVersion(db);
  refuseNewer(version, target, path);
  if (version < target) {
    throw new TaskkitError(
      'STORE_UNAVAILABLE',
      `${path} has schema version ${version}, older than this taskkit's ${target}; ` +
        `start the daemon once ("taskkit start") to upgrade it`,
    );
  }
}

function refuseNewer(version: number, target: number, path: string): void {
  if (version > target) {
    throw new TaskkitError(
      'STORE_UNAVAILABLE',
      `${path} was written by a newer taskkit (schema version ${version}; this one knows up to ${target}); ` +
        `upgrade taskkit, or set settings.state-dir to another folder`,
    );
  }
}

function latestVersion(migrations: readonly Migration[]): number {
  let version = 0;
  for (const migration of migrations) {
    if (migration.version !== version + 1) throw new Error(`migrations out of order at version ${migration.version}`);
    version = migration.version;
  }
  return version;
}
