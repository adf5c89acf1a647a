/** Streaming handlers wait for a run, but stop waiting when their client goes away. */
import type { RequestContext } from './connection.js';

/** `waiting`, or `fallback()` as soon as the client disconnects (the run goes on either way). */
export async function untilAbandoned<T>(waiting: Promise<T>, context: RequestContext, fallback: () => T): Promise<T> {
  if (context.signal.aborted) return fallback();
  let onAbort = (): void => {};
  const abandoned = new Promise<T>((resolve) => {
    onAbort = () => resolve(fallback());
    context.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([waiting, abandoned]);
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}
