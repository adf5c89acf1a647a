/**
 * What a route of the web listener is (routes.ts holds the table): a method, a path pattern and a
 * handler that turns one request into one response. Handlers see the daemon only through
 * HttpServices: the control socket's own methods and JSON views (so the page shows what
 * `taskkit --json` shows, secrets masked alike), the engine's events for live updates, and the
 * metrics. Everything a handler returns is data; server.ts writes it with the security headers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { EngineEventName, EngineListener } from '../engine/events.js';
import type { Answer } from '../control/answer.js';
import type { ParamsOf, ResultOf } from '../control/protocol.js';
import type { TaskSpec } from '../config/types.js';
import type { RunView } from '../control/views.js';
import type { Instant } from '../schedule/types.js';

/**
 * The control methods a route may call: reading, and the actions the page offers. Not `stop`,
 * `reload` or `reschedule`: a web page cannot end or reconfigure the daemon.
 */
export const WEB_METHODS = [
  'status',
  'check',
  'list',
  'show',
  'next',
  'logs',
  'run-now',
  'hold',
  'resume',
  'cancel',
  'sync-history',
] as const;
export type WebMethod = (typeof WEB_METHODS)[number];

/** What a handler can reach of the daemon. */
export interface HttpServices {
  /**
   * A control method, exactly as over the socket (same params, same JSON result; a ControlError
   * for a bad name or params, which the server answers 400/404 with its message as plain text).
   */
  call<M extends WebMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  /** Subscribe to an engine event (server-sent events); returns the unsubscribe function. */
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void;
  /** The Prometheus exposition of the daemon's metrics (metrics.ts). */
  metrics(): Promise<{ readonly contentType: string; readonly body: string }>;
  /** The engine's clock. */
  now(): Instant;
  /**
   * A task's runs from the history database, newest first, at most `limit` (the page's run strips
   * and history); absent when the daemon keeps no history (the page then shows `show`'s runs).
   * A promise when the history is remote (a cluster's PostgreSQL).
   */
  recentRuns?(task: string, limit: number): Answer<readonly RunView[]>;
  /** The tasks' definitions as the engine has them: the page's dependency graph reads their trigger keys. */
  taskSpecs?(): readonly TaskSpec[];
}

/** One request, as a handler sees it: already authenticated, and a POST already CSRF-checked. */
export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** The path, percent-decoded per segment by the matcher into `params`; this one is as sent. */
  readonly path: string;
  /** The pattern's `:name` segments, decoded (`/task/:name` on `/task/a%20b` gives {name: 'a b'}). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** A POST's `application/x-www-form-urlencoded` body (at most MAX_BODY_BYTES); empty otherwise. */
  readonly form: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /**
   * The token a form that POSTs must carry in its hidden field CSRF_FIELD (or the X-CSRF-Token
   * header): tied to the browser's session, it is what a page of another site cannot know.
   */
  readonly csrfToken: string;
  /** Aborted when the client goes away or the listener closes: end a stream then. */
  readonly signal: AbortSignal;
}

/** Where a streamed response (server-sent events) writes; ends by itself when `signal` aborts. */
export interface StreamSink {
  /** False once the client is gone, or when it reads too slowly (the stream is then ended). */
  write(chunk: string): boolean;
  end(): void;
  readonly signal: AbortSignal;
}

export type HttpResponse =
  | {
      readonly status: number;
      readonly contentType: string;
      readonly body: string | Uint8Array;
      readonly headers?: Readonly<Record<string, string | readonly string[]>>;
    }
  | {
      readonly status: number;
      readonly contentType: string;
      /** Called once the head is sent; write until `sink.signal` aborts. */
      readonly stream: (sink: StreamSink) => void;
      readonly headers?: Readonly<Record<string, string | readonly string[]>>;
    };

export type RouteHandler = (request: HttpRequest, services: HttpServices) => HttpResponse | Promise<HttpResponse>;

export interface Route {
  /** GET routes answer HEAD too. */
  readonly method: 'GET' | 'POST';
  /** `/metrics`, `/task/:name`, `/task/:name/run/:id`: literal segments and `:param` segments. */
  readonly path: string;
  readonly handler: RouteHandler;
  /** Served without the token (the login form only): everything else needs it when there is one. */
  readonly public?: true;
}

/** The hidden form field (and header X-CSRF-Token) of a POST's CSRF token. */
export const CSRF_FIELD = 'csrf';

export function html(body: string, status = 200): HttpResponse {
  return { status, contentType: 'text/html; charset=utf-8', body };
}

export function text(body: string, status = 200): HttpResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

export function json(value: unknown, status = 200): HttpResponse {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/** 303 See Other: where a form's POST sends the browser back (a reload does not repeat the action). */
export function redirect(location: string, headers: Readonly<Record<string, string | readonly string[]>> = {}) {
  return {
    status: 303,
    contentType: 'text/plain; charset=utf-8',
    body: `see ${location}\n`,
    headers: { location, ...headers },
  } satisfies HttpResponse;
}

/**
 * `&<>"'` as entities, control characters as visible escapes: any text from a task (names, notes,
 * output) goes through this into HTML. The status page's own (page/html.ts), so there is one.
 */
export { escapeHtml } from './page/html.js';

/** A route's path params for `path`, or null when it does not match (or a segment is not valid percent-encoding). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < want.length; index++) {
    const expected = want[index] ?? '';
    const actual = got[index] ?? '';
    if (expected.startsWith(':')) {
      if (actual === '') return null;
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (expected !== actual) return null;
  }
  return params;
}
