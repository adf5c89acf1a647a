/**
 * Delivery of the engine's alerts (issue 16.1, DESIGN.md "Alerts and health"): the `alert`
 * listener writes a `pending` row (queued with the alert state of the same engine turn, so one
 * transaction holds both) and queues the delivery; deliveries run off the engine's path, a few at
 * once (queue.ts), and each ends as one `delivered` or `failed` row update and one log line. A
 * failing notifier is never retried beyond its own attempts and never raises an alert itself.
 *
 * Crash window: a row still `pending` at start (the daemon was killed before the delivery ended)
 * is delivered then, late. A notifier that had already acted when the daemon was killed (before
 * the row said so) is called again: at least once, not exactly once.
 */
import { findSendmail } from '../../config/host-checks.js';
import type { NotifySpec, NotifyTarget } from '../../config/types.js';
import type { Alert } from '../../engine/events.js';
import type { RunRecord } from '../../engine/run.js';
import { NO_OUTPUT } from '../../engine/run.js';
import type { Instant } from '../../schedule/types.js';
import type { DeliveryRecord, Store } from '../../store/store.js';
import type { Logger } from '../log.js';
import { describeAlertBody, describeEventVariables, tailOf, type AlertFacts } from './facts.js';
import { composeAlertMail } from './mail-message.js';
import { NOTIFIER_TIMEOUT_MS, runNotifierProcess, type NotifierResult } from './process-notifier.js';
import { DeliveryQueue, QUEUE_LIMITS, type QueueLimits } from './queue.js';
import { describeTarget } from './target.js';
import { postAlert, URL_LIMITS, type UrlLimits } from './url-notifier.js';

/** What a delivery needs of the tasks file now (it changes on reload). */
export interface DeliveryContext {
  /** `settings.shell`, for `run:`. */
  readonly shell: string;
  /** The tasks file's folder: where `run:` and `command:` notifiers run. */
  readonly cwd: string;
  /** The task's notifier now (a pending row found at start is sent there), or null. */
  notifyOf(task: string): NotifySpec | null;
}

export interface DeliveryLimits extends QueueLimits {
  /** `run:`, `command:` and sendmail: killed (their group) after this long. */
  readonly processTimeoutMs: number;
  readonly url: UrlLimits;
}

export const DELIVERY_LIMITS: DeliveryLimits = {
  ...QUEUE_LIMITS,
  processTimeoutMs: NOTIFIER_TIMEOUT_MS,
  url: URL_LIMITS,
};

export interface DeliveryServiceOptions {
  readonly store: Store;
  readonly log: Logger;
  readonly now: () => Instant;
  readonly context: () => DeliveryContext;
  /** The notifiers' base environment (PATH finds sendmail); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly limits?: Partial<DeliveryLimits>;
}

export interface DeliveryService {
  /** The engine's `alert` listener: records and queues, never waits, never throws. */
  handle(alert: Alert): void;
  /** At start: deliver the rows a previous daemon left pending; returns how many. */
  resumePending(): number;
  /** Resolves once no delivery runs or waits. */
  idle(): Promise<void>;
  /** Kill what runs, drop what waits (their rows stay pending for the next start). */
  stop(): Promise<void>;
}

type Outcome = NotifierResult & { readonly attempts?: number };

export function createDeliveryService(options: DeliveryServiceOptions): DeliveryService {
  const { store, log, now } = options;
  const env = options.env ?? process.env;
  const limits: DeliveryLimits = { ...DELIVERY_LIMITS, ...options.limits };
  const queue = new DeliveryQueue(limits);
  const stopping = new AbortController();
  let nextId = store.nextDeliveryId();

  const finish = (record: DeliveryRecord, outcome: Outcome): void => {
    if (outcome.ok === false && outcome.aborted === true) return;
    const error = outcome.ok ? null : outcome.error;
    const attempts = outcome.attempts ?? 1;
    store.saveDelivery({ ...record, status: outcome.ok ? 'delivered' : 'failed', attempts, finishedAt: now(), error });
    const label = `alert #${record.id} (${record.task} ${record.event}) to ${record.notifier}: ${record.target}`;
    if (error === null) log('info', `${label}: delivered`);
    else log('error', `${label}: failed: ${error}`);
  };

  const send = async (target: NotifyTarget, facts: AlertFacts): Promise<Outcome> => {
    const { cwd, shell } = options.context();
    const spawning = { cwd, timeoutMs: limits.processTimeoutMs, signal: stopping.signal };
    switch (target.kind) {
      case 'run':
      case 'command': {
        const [file, ...args] = target.kind === 'run' ? [shell, '-c', target.run] : target.argv;
        if (file === undefined) return { ok: false, error: 'an empty command' };
        const vars = { ...definedOnly(env), ...describeEventVariables(facts) };
        return runNotifierProcess({ ...spawning, file, args, env: vars, stdin: facts.outputTail });
      }
      case 'url':
        return postAlert(target.url, describeAlertBody(facts), limits.url, stopping.signal);
      case 'mail': {
        const sendmail = findSendmail(env['PATH']);
        if (sendmail === undefined) return { ok: false, error: 'no sendmail on PATH, in /usr/sbin or in /usr/lib' };
        const message = Buffer.from(composeAlertMail(target.to, facts, now()));
        return runNotifierProcess({
          ...spawning,
          file: sendmail,
          args: ['-t', '-oi'],
          env: definedOnly(env),
          stdin: message,
        });
      }
    }
  };

  const enqueue = (record: DeliveryRecord, target: NotifyTarget, facts: AlertFacts): void => {
    const queued = queue.push(async () => finish(record, await send(target, facts)));
    if (!queued)
      finish(record, {
        ok: false,
        error: `not sent: ${limits.maxQueued} deliveries were already waiting`,
        attempts: 0,
      });
  };

  return {
    handle(alert) {
      if (stopping.signal.aborted) return;
      try {
        const target = alert.notify.target;
        const record: DeliveryRecord = {
          id: nextId++,
          task: alert.task,
          event: alert.event,
          runId: alert.run?.id ?? null,
          failures: alert.failures,
          overdueSince: alert.overdueSince ?? null,
          notifier: target.kind,
          target: describeTarget(target),
          decidedAt: alert.at,
          status: 'pending',
          attempts: 0,
          finishedAt: null,
          error: null,
        };
        store.saveDelivery(record);
        enqueue(record, target, factsOf(record, alert.run, store));
      } catch (error) {
        log('error', `alert for ${alert.task} (${alert.event}) not delivered: ${String(error)}`);
      }
    },
    resumePending() {
      const rows = store.pendingDeliveries();
      for (const row of rows) {
        if (row.id >= nextId) nextId = row.id + 1;
        const spec = options.context().notifyOf(row.task);
        const decided = new Date(row.decidedAt).toISOString();
        if (spec === null) {
          finish(row, {
            ok: false,
            error: 'not sent: the task has no notifier in the tasks file any more',
            attempts: 0,
          });
          continue;
        }
        log(
          'warn',
          `alert #${row.id} (${row.task} ${row.event}, decided ${decided}) was not delivered before the daemon ` +
            'stopped; delivering it now, late',
        );
        const record = { ...row, notifier: spec.target.kind, target: describeTarget(spec.target) };
        const run = row.runId === null ? null : store.getRun(row.runId);
        enqueue(record, spec.target, factsOf(record, run, store));
      }
      return rows.length;
    },
    idle: () => queue.idle(),
    async stop() {
      // Those under way are stopped by the abort and stay pending too: count them with those waiting.
      const underWay = queue.active;
      stopping.abort();
      const kept = queue.clear() + underWay;
      const stopped = underWay > 0 ? ` (${underWay} stopped under way)` : '';
      if (kept > 0) log('warn', `${kept} alert(s) not delivered yet${stopped} are kept pending for the next start`);
      await queue.idle();
    },
  };
}

/**
 * The facts of a delivery, with only the output tail kept (a queued alert must not pin its run's
 * whole output). A run whose record came without output (the engine's, or a late delivery) has it
 * read from the store, as `logs` reads it.
 */
function factsOf(record: DeliveryRecord, run: RunRecord | null, store: Store): AlertFacts {
  let output = run?.output ?? NO_OUTPUT;
  if (run !== null && output.length === 0 && run.outputBytes > 0) output = store.getRun(run.id)?.output ?? NO_OUTPUT;
  const outputTail = tailOf(output);
  return {
    event: record.event,
    task: record.task,
    at: record.decidedAt,
    run: run === null ? null : { ...run, output: NO_OUTPUT },
    failures: record.failures,
    overdueSince: record.overdueSince,
    outputTail,
    outputTruncated: run !== null && (run.outputTruncated || run.outputBytes > outputTail.length),
  };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
