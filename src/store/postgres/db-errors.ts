/**
 * Which failures of a statement are the connection's (try again: the database may be back, and a
 * claim retried with its id and token is answered truthfully) and which are the statement's own
 * (they would fail again). node-postgres gives SQLSTATE in `code`; Node's socket errors have
 * E-codes; a connection ended under a statement has no code at all.
 */

/** SQLSTATE classes and codes that say the connection or server, not the statement, failed. */
const TRANSIENT_SQLSTATES: readonly string[] = [
  '57P01', // admin_shutdown (pg_terminate_backend, fast stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '57014', // query_canceled (statement_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
];
const TRANSIENT_CLASSES: readonly string[] = ['08', '53', '58'];

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True when `error` may be gone on the next try: a lost connection (no code, a Node E-code), a
 * server shutting down or starting, a statement timeout, a serialization failure or deadlock.
 */
export function retriableAfterSend(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return error instanceof Error;
  if (code.startsWith('E')) return true;
  return TRANSIENT_SQLSTATES.includes(code) || TRANSIENT_CLASSES.includes(code.slice(0, 2));
}

/** A short one-line description of a failure, for logs. */
export function describeDbError(error: unknown): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

/** An answer of the wrong shape from one of our functions: a bug or a foreign schema, never retried. */
export function protocolError(message: string): Error {
  return Object.assign(new Error(message), { code: 'PROTOCOL' });
}
