/**
 * `run-now` with `wait: true`: trigger a run and stream its start and output to the client until
 * it ends; a failed attempt that is retried (`retry:`) is followed into its retry (a `retrying`
 * event, then the retry's own `started` and `output`), so the final reply is the last attempt
 * (issue 13: `taskkit run-now backup --wait && next-step` must not stop at attempt 1). The client
 * is only a spectator: when it goes away the stream stops and the run goes on.
 */
import type { RunRecord } from '../engine/run.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { Instant } from '../schedule/types.js';
import type { RequestContext } from './connection.js';
import { encodeOutputEvent, type RetryingEvent } from './protocol.js';
import { untilAbandoned } from './until-abandoned.js';
import { toRunView } from './views.js';

/** An engine event of a run followed for a client (`run-now --wait`, `make --wait`). */
export type FollowedRunEvent =
  | { readonly kind: 'started'; readonly run: RunRecord }
  | { readonly kind: 'output'; readonly run: RunRecord; readonly chunk: Uint8Array }
  | { readonly kind: 'retrying'; readonly run: RunRecord; readonly retry: RunRecord; readonly at: Instant };

/** The `retrying` event's data: the failed attempt, its retry (queued) and when it starts. */
export function toRetryingEvent(scheduler: Scheduler, failed: RunRecord, retry: RunRecord, at: Instant): RetryingEvent {
  const attempts = scheduler.has(failed.task) ? scheduler.get(failed.task).spec.retry.attempts + 1 : retry.attempt;
  return { failed: toRunView(failed), retry: toRunView(retry), at: new Date(at).toISOString(), attempts };
}

/** Send one followed event to the client as `run-now`'s stream words it; false when the client is gone. */
export function emitRunEvent(scheduler: Scheduler, context: RequestContext, event: FollowedRunEvent): boolean {
  if (event.kind === 'started') return context.emit('started', { run: toRunView(event.run) });
  if (event.kind === 'output') return context.emit('output', encodeOutputEvent(event.chunk));
  return context.emit('retrying', toRetryingEvent(scheduler, event.run, event.retry, event.at));
}

/**
 * The final record of the run's last attempt, or the current attempt's record as it stood when the client went away.
 */
export async function triggerAndFollow(
  scheduler: Scheduler,
  name: string,
  context: RequestContext,
): Promise<RunRecord> {
  // The engine starts a run (and may emit its first output) inside runNow, before its id is
  // known here: listen first, hold this task's events, and keep the ones of our run.
  let runId: number | null = null;
  let early: FollowedRunEvent[] = [];
  let following = true;
  let current: RunRecord | null = null;
  const deliver = (event: FollowedRunEvent): void => {
    if (!following) return;
    if (event.kind === 'retrying') {
      // From now on the retry is the run followed (its events are delivered, the waiting goes on to it).
      runId = event.retry.id;
      current = event.retry;
    }
    if (!emitRunEvent(scheduler, context, event)) stopFollowing();
  };
  const receive = (event: FollowedRunEvent): void => {
    if (runId === null) {
      if (event.run.task === name) early.push(event);
    } else if (event.run.id === runId) {
      deliver(event);
    }
  };
  const unsubscribers = [
    scheduler.on('run-started', (run) => receive({ kind: 'started', run })),
    // Delivered at once when it is our run's; held (a copy: never the pipe's chunk) only until runNow returns.
    scheduler.on('run-output', (run, chunk) =>
      receive({ kind: 'output', run, chunk: runId === null ? Buffer.from(chunk) : chunk }),
    ),
    scheduler.on('run-retrying', (run, retry, at) => receive({ kind: 'retrying', run, retry, at })),
  ];
  function stopFollowing(): void {
    following = false;
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  }

  try {
    const record = scheduler.runNow(name);
    runId = record.id;
    current = record;
    for (const event of early) if (event.run.id === runId) deliver(event);
    early = [];
    // A `retrying` event comes (synchronously) before the failed attempt's waiters wake: by then
    // runId names the retry, and the loop waits for that one.
    for (;;) {
      const waitingFor: number = runId;
      const ended = await untilAbandoned(scheduler.waitForRun(waitingFor), context, () => current ?? record);
      if (!following || context.signal.aborted || runId === waitingFor) return ended;
    }
  } finally {
    stopFollowing();
  }
}
