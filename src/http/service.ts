/**
 * The daemon's web listener over its life (issue 19.1): off, started at start, changed or removed
 * at reload. `apply` binds the new listener before the old one closes, so a reload whose address
 * cannot be bound (in use, not this machine's) fails whole and leaves the old listener serving;
 * the same address with a new token keeps its socket and ends the old token's sessions.
 */
import type { RequestDispatcher } from '../control/connection.js';
import type { HttpSettings } from '../config/types.js';
import type { LogFunction } from '../engine/ports.js';
import type { Scheduler } from '../engine/scheduler.js';
import { fromHistory, whenAnswered, type Answer } from '../control/answer.js';
import { toRunView, type RunFacts } from '../control/views.js';
import type { Instant } from '../schedule/types.js';
import type { DaemonMetrics } from './metrics.js';
import type { HttpServices, WebMethod } from './route.js';
import { ROUTES } from './routes.js';
import { listenHttp, type HttpLimits, type HttpListener } from './server.js';
import { readTokenFile } from './token.js';

export interface HttpServiceOptions {
  readonly scheduler: Pick<Scheduler, 'list' | 'on'>;
  /** The control socket's handlers: the page reads and acts through the same methods. */
  readonly dispatcher: RequestDispatcher;
  readonly log: LogFunction;
  readonly now: () => Instant;
  /** The task's last run from the history (daemon/history.ts), for the metrics after a restart. */
  readonly storedLastRun?: (task: string) => RunFacts | null;
  /** A task's runs from the history, newest first (daemon/history.ts), for the page's strips; may be a promise. */
  readonly recentRuns?: (task: string, limit: number) => Answer<readonly RunFacts[]>;
  readonly limits?: Partial<HttpLimits>;
}

export interface HttpService {
  /** Serve `settings` (undefined: serve nothing). Rejects, changing nothing, when it cannot. */
  apply(settings: HttpSettings | undefined): Promise<void>;
  /** What it listens on now, or null. */
  listening(): string | null;
  close(): Promise<void>;
}

export function createHttpService(options: HttpServiceOptions): HttpService {
  const { scheduler, dispatcher, log, recentRuns } = options;
  let metrics: DaemonMetrics | null = null;
  let current: { listener: HttpListener; settings: HttpSettings } | null = null;
  // Created with the first listener, before any request can ask: a daemon without `http:` counts
  // nothing, and does not load prom-client (imported here only, for that reason).
  const ensureMetrics = async (): Promise<DaemonMetrics> => {
    if (metrics !== null) return metrics;
    const { createDaemonMetrics } = await import('./metrics.js');
    return (metrics ??= createDaemonMetrics({
      list: () => scheduler.list(),
      on: (event, listener) => scheduler.on(event, listener),
      ...(options.storedLastRun === undefined ? {} : { storedLastRun: options.storedLastRun }),
    }));
  };

  const services: HttpServices = {
    call: async <M extends WebMethod>(method: M, params: unknown) => {
      const context = { emit: () => false, signal: new AbortController().signal };
      return (await dispatcher.dispatch(method, params, context)) as never;
    },
    on: (event, listener) => scheduler.on(event, listener),
    metrics: async () => (await ensureMetrics()).render(),
    now: options.now,
    taskSpecs: () => scheduler.list().map((task) => task.spec),
    ...(recentRuns === undefined
      ? {}
      : {
          recentRuns: (task, limit) =>
            whenAnswered(fromHistory(recentRuns(task, limit)), (runs) => runs.map((run) => toRunView(run))),
        }),
  };

  return {
    async apply(settings) {
      if (settings === undefined) {
        const old = current;
        current = null;
        if (old !== null) {
          await old.listener.close();
          log('info', `http: stopped listening on ${old.settings.listen}`);
        }
        return;
      }
      const token = settings.tokenFile === null ? null : readTokenFile(settings.tokenFile);
      await ensureMetrics();
      if (current !== null && current.settings.listen === settings.listen) {
        current.listener.setToken(token);
        current = { listener: current.listener, settings };
        return;
      }
      const listener = await listenHttp({
        settings,
        token,
        routes: ROUTES,
        services,
        log,
        ...(options.limits === undefined ? {} : { limits: options.limits }),
      });
      const old = current;
      current = { listener, settings };
      const access = token === null ? 'no token (loopback only)' : `token from ${settings.tokenFile ?? ''}`;
      log('info', `http: listening on http://${settings.listen}/ (${access})`);
      if (old !== null) {
        await old.listener.close();
        log('info', `http: stopped listening on ${old.settings.listen}`);
      }
    },
    listening: () => current?.settings.listen ?? null,
    async close() {
      const old = current;
      current = null;
      metrics?.close();
      await old?.listener.close();
    },
  };
}
