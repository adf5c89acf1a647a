/**
 * `url:` notifiers (issue 16.1): POST the alert as JSON with Node's own fetch, each attempt bounded
 * by a timeout, retried with backoff, 2xx = delivered. Nothing waits on it but its delivery slot.
 * A URL's user:password goes in an Authorization header (fetch refuses a URL with them), and no
 * message names the URL: the caller words the target (target.ts redacts it).
 */
import { describeError } from '../../engine/launch.js';
import type { AlertBody } from './facts.js';
import { splitCredentials } from './target.js';

export interface UrlLimits {
  /** Each attempt's bound (headers and body), ms. */
  readonly timeoutMs: number;
  /** The waits between attempts: [1000, 5000] = 3 attempts, 1 s then 5 s apart. */
  readonly retryDelaysMs: readonly number[];
}

export const URL_LIMITS: UrlLimits = { timeoutMs: 10_000, retryDelaysMs: [1_000, 5_000] };

export type UrlResult =
  | { readonly ok: true; readonly attempts: number }
  | { readonly ok: false; readonly attempts: number; readonly error: string; readonly aborted?: boolean };

/** POST `body` to `url` until a 2xx or the attempts run out; never rejects. */
export async function postAlert(
  url: string,
  body: AlertBody,
  limits: UrlLimits,
  stop: AbortSignal,
): Promise<UrlResult> {
  let target: { url: string; authorization: string | null };
  try {
    target = splitCredentials(url);
  } catch {
    return { ok: false, attempts: 0, error: 'not a valid URL' };
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'taskkit' };
  if (target.authorization !== null) headers['authorization'] = target.authorization;
  const json = JSON.stringify(body);
  let error = '';
  const attempts = limits.retryDelaysMs.length + 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (stop.aborted) return { ok: false, attempts: attempt - 1, error: 'the daemon stopped', aborted: true };
    const bound = attemptSignal(stop, limits.timeoutMs);
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers,
        body: json,
        redirect: 'manual',
        signal: bound.signal,
      });
      // The body is not needed: release the connection.
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return { ok: true, attempts: attempt };
      error = `HTTP ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`;
    } catch (caught) {
      if (stop.aborted) return { ok: false, attempts: attempt, error: 'the daemon stopped', aborted: true };
      error = describeFetchError(caught, limits.timeoutMs);
    } finally {
      bound.release();
    }
    const delay = limits.retryDelaysMs[attempt - 1];
    if (delay !== undefined && !(await waitUnlessAborted(delay, stop)))
      return { ok: false, attempts: attempt, error: 'the daemon stopped', aborted: true };
  }
  return { ok: false, attempts, error: attempts > 1 ? `${error} (${attempts} attempts)` : error };
}

/**
 * One attempt's signal: aborted by `stop` or after `timeoutMs`. Its own timer, not
 * `AbortSignal.any([stop, AbortSignal.timeout(ms)])`: Node 20 lets the garbage collector take a
 * timeout signal only `any` refers to, and the fetch then waits forever, holding a delivery slot.
 */
function attemptSignal(stop: AbortSignal, timeoutMs: number): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onStop = (): void => controller.abort(stop.reason);
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    },
  };
}

/** "timed out after 10000 ms", "connect ECONNREFUSED 127.0.0.1:9": the cause, never the URL. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string')
    return `${cause.code}${typeof cause.message === 'string' ? `: ${cause.message}` : ''}`;
  if (typeof cause?.message === 'string') return cause.message;
  return describeError(error);
}

/** Wait `ms`; false when `signal` aborted first. */
function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
