/**
 * A cluster's schema, as ordered migrations recorded in its `meta` table (`schema_version`,
 * `min_compatible_version`). Every daemon migrates at start; all pending migrations run in one
 * transaction under a transaction advisory lock per cluster name, so daemons starting together
 * queue, and the first one's COMMIT is what the others find when they get the lock.
 *
 * Upgrades are expand/contract (CLUSTER.md section 6): a later version adds `claim_v2` beside
 * `claim_v1`, and raises `min_compatible_version` only when it contracts. So a database whose
 * schema_version is newer than this build's is used as it is while its min_compatible_version is
 * not above this build's version (a rolling upgrade: older daemons keep running), and refused,
 * naming both versions, once it is.
 */
import { TaskkitError } from '../../errors.js';
import { checkClusterName, quoteIdent } from './cluster-name.js';
import { schemaV1Sql } from './schema-v1.js';

export interface PgMigration {
  /** 1, 2, 3...: the schema_version after it ran. */
  readonly version: number;
  /** The oldest schema version whose daemons still work once this one ran (contract steps raise it). */
  readonly minCompatible: number;
  readonly description: string;
  /** Its SQL for one cluster name, run with search_path set to the cluster's schema. */
  readonly sql: (name: string) => string;
}

/** Append only: a released migration is never edited. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    minCompatible: 1,
    description: 'hosts, tasks, runs; claim_v1, reap_v1, take_queued_v1, publish_v1',
    sql: schemaV1Sql,
  },
];

/** The newest schema version this build knows (and writes). */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;

/** One connection (a pg Client or a pool's client): the migration's transaction lives on it. */
export interface MigrationConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface SchemaVersions {
  readonly version: number;
  readonly minCompatible: number;
}

export interface MigrateResult {
  readonly schema: string;
  /** schema_version before (0: the schema was created now). */
  readonly from: number;
  /** schema_version after: this build's, or a newer compatible one left as it was. */
  readonly to: number;
  readonly minCompatible: number;
  /** Versions applied now (empty when another daemon, or an earlier start, did it). */
  readonly applied: readonly number[];
}

/** Serialises migrators of one cluster, not of the others sharing the database. */
function migrationLockSql(name: string): string {
  return `SELECT pg_advisory_xact_lock(hashtextextended('taskkit-migrate/${name}', 0))`;
}

/** The cluster's versions, or null when it has no `meta` table yet. Needs no lock. */
export async function readSchemaVersions(db: MigrationConnection, name: string): Promise<SchemaVersions | null> {
  const schema = quoteIdent(name);
  // A catalog read on the statement's snapshot, not to_regclass: after waiting for the migration
  // lock, the syscache may still hold "no such schema" from before another daemon's COMMIT.
  const probe = await db.query(
    `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = 'meta' AND c.relkind = 'r') AS present`,
    [name],
  );
  if ((probe.rows[0] as { present: boolean } | undefined)?.present !== true) return null;
  const { rows } = await db.query(`SELECT key, value FROM ${schema}.meta`);
  const meta = new Map((rows as { key: string; value: string }[]).map((row) => [row.key, row.value]));
  const version = Number(meta.get('schema_version'));
  const minCompatible = Number(meta.get('min_compatible_version') ?? version);
  if (!Number.isInteger(version) || !Number.isInteger(minCompatible)) {
    throw new TaskkitError(
      'STORE_CORRUPT',
      `PostgreSQL schema "${name}": its meta table has no valid schema_version (${String(meta.get('schema_version'))})`,
    );
  }
  return { version, minCompatible };
}

/** Refuses a schema this build cannot work with (its min_compatible_version is above our version). */
export function checkCompatible(name: string, versions: SchemaVersions): void {
  if (versions.minCompatible <= PG_SCHEMA_VERSION) return;
  throw new TaskkitError(
    'STORE_UNAVAILABLE',
    `PostgreSQL schema "${name}" is at schema version ${versions.version} and needs taskkit builds of ` +
      `schema version ${versions.minCompatible} or later (min_compatible_version); this taskkit knows ` +
      `schema version ${PG_SCHEMA_VERSION}: upgrade taskkit on this host`,
  );
}

/**
 * Brings the cluster `name`'s schema to this build's version (creating the schema if needed), or
 * refuses it clearly. Safe to call from several daemons at once. `db` must not be inside a
 * transaction; it is left outside one.
 */
export async function migrate(db: MigrationConnection, name: string): Promise<MigrateResult> {
  checkClusterName(name);
  // Usually there is nothing to do: no lock, no write, no CREATE privilege needed.
  const seen = await readSchemaVersions(db, name);
  if (seen !== null && seen.version >= PG_SCHEMA_VERSION) return settled(name, seen);
  await db.query('BEGIN');
  try {
    await db.query("SET LOCAL statement_timeout = '60s'");
    await db.query(migrationLockSql(name));
    const result = await migrateLocked(db, name);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function settled(name: string, versions: SchemaVersions): MigrateResult {
  checkCompatible(name, versions);
  const { version, minCompatible } = versions;
  return { schema: name, from: version, to: version, minCompatible, applied: [] };
}

async function migrateLocked(db: MigrationConnection, name: string): Promise<MigrateResult> {
  const current = await readSchemaVersions(db, name);
  if (current !== null && current.version >= PG_SCHEMA_VERSION) return settled(name, current);
  if (current !== null) checkCompatible(name, current);
  const schema = quoteIdent(name);
  if (current === null) await createSchema(db, name);
  await db.query(`SET LOCAL search_path = ${schema}, pg_catalog`);
  const from = current?.version ?? 0;
  let minCompatible = current?.minCompatible ?? 0;
  const applied: number[] = [];
  for (const migration of PG_MIGRATIONS) {
    if (migration.version <= from) continue;
    await db.query(migration.sql(name));
    minCompatible = Math.max(minCompatible, migration.minCompatible);
    applied.push(migration.version);
  }
  await db.query(
    `INSERT INTO ${schema}.meta (key, value) VALUES ('schema_version', $1), ('min_compatible_version', $2)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [String(PG_SCHEMA_VERSION), String(minCompatible)],
  );
  return { schema: name, from, to: PG_SCHEMA_VERSION, minCompatible, applied };
}

/** A new schema, or an empty one someone made for us; never one holding other things. */
async function createSchema(db: MigrationConnection, name: string): Promise<void> {
  const { rows } = await db.query(
    `SELECT count(c.oid)::int AS objects FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid
      WHERE n.nspname = $1 GROUP BY n.oid`,
    [name],
  );
  const existing = rows[0] as { objects: number } | undefined;
  if (existing === undefined) {
    await db.query(`CREATE SCHEMA ${quoteIdent(name)}`);
    return;
  }
  if (existing.objects > 0) {
    throw new TaskkitError(
      'STORE_UNAVAILABLE',
      `PostgreSQL schema "${name}" exists and is not a taskkit cluster (no meta table, ${existing.objects} ` +
        `objects): choose another settings.cluster.name`,
    );
  }
}
