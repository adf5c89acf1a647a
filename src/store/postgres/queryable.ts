/**
 * What the data API needs of node-postgres, as a structural type: a Pool, a pooled client and the
 * liveness Client all fit it (and so do test doubles); and how instants cross into SQL.
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
