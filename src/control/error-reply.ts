/**
 * A failed request as the reply's `error` (STYLE.md practice 5: the codes are the contract): a
 * TaskkitError keeps its code and message (and a ControlError its data); anything else is taskkit's
 * own fault, INTERNAL, and worth a line in the daemon log.
 */
import { TaskkitError } from '../errors.js';
import { ControlError, type ControlErrorBody } from './protocol.js';

/** The error body for what a handler threw or rejected with. */
export function toErrorBody(error: unknown): ControlErrorBody {
  if (!(error instanceof TaskkitError)) return internalError(error);
  const data = error instanceof ControlError ? error.data : undefined;
  const body: ControlErrorBody = { code: error.code, message: error.message };
  return data === undefined ? body : { ...body, data };
}

/** Whether the daemon log should tell of it: a fault, not a refusal a client caused. */
export function isFault(error: unknown): boolean {
  return !(error instanceof TaskkitError);
}

/** INTERNAL, with what went wrong. */
export function internalError(error: unknown): ControlErrorBody {
  return { code: 'INTERNAL', message: `internal error: ${describeError(error)}` };
}

/** An error's message, or the thrown value as text. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
