/**
 * Which failures of a statement are the connection's (try again: the database may be back, and a
 * claim retried with its id and token is answered truthfully) and which are the statement's own
 * (they would fail again). node-postgres gives SQLSTATE in `code`; Node's socket errors have
 * E-codes; a connection ended under a statement has no code at all.
 */
import { isConnectionFailure } from './connect.js';

/** Beyond a failed connection: SQLSTATEs of a statement that may well pass on the next try. */
const TRANSIENT_SQLSTATES: readonly string[] = [
  '57014', // query_canceled (statement_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
];
/** insufficient_resources (too many connections, disk full), system_error. */
const TRANSIENT_CLASSES: readonly string[] = ['53', '58'];

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True when `error` may be gone on the next try: a failed connection (connect.ts
 * isConnectionFailure: the server shutting down or starting, a socket error), a statement
 * timeout, a serialization failure or deadlock, a lack of resources. Never our own protocolError.
 */
export function retriableAfterSend(error: unknown): boolean {
  const code = codeOf(error);
  if (code === PROTOCOL_CODE) return false;
  if (isConnectionFailure(error)) return true;
  return code !== undefined && (TRANSIENT_SQLSTATES.includes(code) || TRANSIENT_CLASSES.includes(code.slice(0, 2)));
}

/** A short one-line description of a failure, for logs. */
export function describeDbError(error: unknown): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

const PROTOCOL_CODE = 'TASKKIT_PROTOCOL';

/** An answer of the wrong shape from one of our functions: a bug or a foreign schema, never retried. */
export function protocolError(message: string): Error {
  return Object.assign(new Error(message), { code: PROTOCOL_CODE });
}
