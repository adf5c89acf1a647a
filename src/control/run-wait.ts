/**
 * `run-now` with `wait: true`: trigger a run and stream its start and output to the client until
 * it ends. The client is only a spectator: when it goes away the stream stops and the run goes on.
 */
import type { RunRecord } from '../engine/run.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { RequestContext } from './connection.js';
import { toRunView } from './views.js';

type Early = { readonly kind: 'started'; readonly run: RunRecord } | { readonly kind: 'output'; readonly run: RunRecord; readonly chunk: string };

/** The run's final record, or its record as it stood when the client went away. */
export async function triggerAndFollow(scheduler: Scheduler, name: string, context: RequestContext): Promise<RunRecord> {
  // The engine starts a run (and may emit its first output) inside runNow, before its id is
  // known here: listen first, hold this task's events, and keep the ones of our run.
  let runId: number | null = null;
  let early: Early[] = [];
  let following = true;
  const deliver = (event: Early): void => {
    if (!following) return;
    const sent =
      event.kind === 'started'
        ? context.emit('started', { run: toRunView(event.run) })
        : context.emit('output', { chunk: event.chunk });
    if (!sent) stopFollowing();
  };
  const receive = (event: Early): void => {
    if (runId === null) {
      if (event.run.task === name) early.push(event);
    } else if (event.run.id === runId) {
      deliver(event);
    }
  };
  const unsubscribers = [
    scheduler.on('run-started', (run) => receive({ kind: 'started', run })),
    scheduler.on('run-output', (run, chunk) => receive({ kind: 'output', run, chunk })),
  ];
  function stopFollowing(): void {
    following = false;
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  }

  try {
    const record = scheduler.runNow(name);
    runId = record.id;
    for (const event of early) if (event.run.id === runId) deliver(event);
    early = [];
    if (context.signal.aborted) return record;
    let onAbort = (): void => {};
    const abandoned = new Promise<RunRecord>((resolve) => {
      onAbort = () => resolve(record);
      context.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([scheduler.waitForRun(record.id), abandoned]);
    } finally {
      context.signal.removeEventListener('abort', onAbort);
    }
  } finally {
    stopFollowing();
  }
}
