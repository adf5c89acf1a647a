/** Log lines for the engine's run events: what started, why, how late, and how it ended. */
import type { Scheduler } from '../engine/scheduler.js';
import type { RunRecord } from '../engine/run.js';
import { describeOutcome } from '../runner/outcome.js';
import { formatElapsed } from '../schedule/elapsed.js';
import type { Logger } from './log.js';

/** Subscribe `log` to run and clock events; returns the unsubscribe function. */
export function logEngineEvents(scheduler: Scheduler, log: Logger): () => void {
  const unsubscribers = [
    scheduler.on('run-started', (run) => log('info', describeStart(run))),
    scheduler.on('run-finished', (run) => log(run.status === 'succeeded' ? 'info' : 'warn', describeEnd(run))),
    scheduler.on('run-skipped', (run) =>
      log(
        'info',
        `${run.task} #${run.id} skipped${describeCount(run)} (${run.trigger}): ${run.error ?? 'no reason given'}`,
      ),
    ),
    scheduler.on('clock-jump', (jumpMs) =>
      log(
        'warn',
        `wall clock jumped ${jumpMs > 0 ? 'forward' : 'back'} by ${formatElapsed(Math.abs(jumpMs))}; ` +
          `next instants recomputed`,
      ),
    ),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/** " x86400" for a record that stands for many instants (a held row as it grows), else nothing. */
function describeCount(run: RunRecord): string {
  const skip = run.skip;
  return skip === undefined || (skip.count <= 1 && !skip.more) ? '' : ` x${skip.count}${skip.more ? '+' : ''}`;
}

function describeStart(run: RunRecord): string {
  const lateness =
    run.scheduledAt !== null && run.startedAt !== null
      ? `, due ${new Date(run.scheduledAt).toISOString()}, +${formatElapsed(run.startedAt - run.scheduledAt)}`
      : '';
  const attempt = run.attempt > 1 ? `, attempt ${run.attempt}` : '';
  const pid = run.pid !== null ? `, pid ${run.pid}` : '';
  return `${run.task} #${run.id} started (${run.trigger}${attempt}${lateness}${pid})`;
}

function describeEnd(run: RunRecord): string {
  const took =
    run.startedAt !== null && run.endedAt !== null ? ` in ${formatElapsed(run.endedAt - run.startedAt)}` : '';
  return `${run.task} #${run.id} ${describeOutcome(run)}${took}`;
}
