/**
 * History answers that may be promises (issue 21): SQLite answers at once, PostgreSQL later. A
 * value stays a value, so the local store's path pays no microtask; only a promise is awaited.
 */
import { TaskkitError } from '../errors.js';
import { describeError } from './error-reply.js';
import { ControlError } from './protocol.js';

/** What a history question returns: the answer, or a promise of it (a remote store). */
export type Answer<T> = T | PromiseLike<T>;

/** Whether `value` is a promise (a thenable), not an answer already there. */
export function isPending<T>(value: Answer<T>): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Partial<PromiseLike<T>>).then === 'function'
  );
}

/** `next(value)` at once when the answer is there, else once it is (a rejection passes through). */
export function whenAnswered<T, R>(value: Answer<T>, next: (value: T) => R): R | Promise<Awaited<R>> {
  if (!isPending(value)) return next(value);
  return Promise.resolve(value).then(next) as Promise<Awaited<R>>;
}

/** Every answer of `values`: an array at once when none is pending, else a promise of it. */
export function allAnswered<T>(values: readonly Answer<T>[]): T[] | Promise<T[]> {
  if (!values.some(isPending)) return values as T[];
  return Promise.all(values);
}

/**
 * A history answer whose rejection says what failed: STORE_UNAVAILABLE "the history could not be
 * read: ..." (a TaskkitError keeps its own code). An answer already there is returned as it is.
 */
export function fromHistory<T>(value: Answer<T>): Answer<T> {
  if (!isPending(value)) return value;
  return Promise.resolve(value).catch((error: unknown) => {
    if (error instanceof TaskkitError) throw error;
    throw new ControlError('STORE_UNAVAILABLE', `the history could not be read: ${describeError(error)}`);
  });
}
