/**
 * What the data API needs of node-postgres, as structural types: a Pool, a pooled client and the
 * liveness Client all fit them, so nothing here imports `pg` (only connect.ts loads it).
 */

/** The result of one statement: rows as node-postgres hands them (bigint columns as strings). */
export interface QueryResult<Row> {
  readonly rows: Row[];
  /** Rows inserted, updated or deleted; null for statements that report none. */
  readonly rowCount: number | null;
}

/**
 * A statement prepared once per connection under `name` (the hot ones: claims), so that its text
 * is parsed and planned once, not on every call.
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/** Anything that runs one statement: a Pool, a checked-out client, the liveness Client. */
export interface Queryable {
  query<Row = Record<string, unknown>>(
    statement: string | NamedStatement,
    values?: readonly unknown[],
  ): Promise<QueryResult<Row>>;
}

/** A client checked out of a pool: give it back with release (an error discards it). */
export interface PooledClient extends Queryable {
  release(error?: Error | boolean): void;
}

/** A pool: statements on any connection, or a connection of one's own for a transaction. */
export interface PoolLike extends Queryable {
  connect(): Promise<PooledClient>;
}

/** The cluster's schema (settings.cluster.name), quoted as an SQL identifier. */
export function schemaIdent(schema: string): string {
  return `"${schema.replaceAll('"', '""')}"`;
}

/**
 * Run `body` in one transaction on a client of its own: COMMIT when it returns, ROLLBACK when it
 * throws. A client whose ROLLBACK failed is discarded (its connection is in an unknown state).
 */
export async function inTransaction<T>(pool: PoolLike, body: (client: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A bigint column (a string from node-postgres) or a count as a number. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A nullable bigint/timestamp-ms column as a number, or null. */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** SQL for an epoch-ms instant from a parameter: instants travel as numbers, never as Date. */
export function tsParam(index: number): string {
  return `to_timestamp($${index}::float8 / 1000.0)`;
}

/** SQL for a timestamptz column as epoch ms (a bigint: a string from node-postgres). */
export function msOf(column: string): string {
  return `(extract(epoch FROM ${column}) * 1000)::bigint`;
}
