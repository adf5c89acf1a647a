/**
 * The web listener (issue 19.1, 19.4): Node's own http server on `settings.http`, serving the route
 * table (routes.ts). Whatever a client sends, the engine is not harmed: headers are capped
 * (431), a request must arrive in time (408), bodies are small forms (413/415), connections are
 * capped, and a malformed request gets 400 from Node's parser before any of our code runs. Each
 * request goes: method -> URL -> Host (a tokenless listener answers only names of this machine)
 * -> route -> token -> for a POST, same-origin and its CSRF token -> handler -> security headers.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpSettings } from '../config/types.js';
import { ControlError } from '../control/protocol.js';
import type { LogFunction } from '../engine/ports.js';
import { TaskkitError } from '../errors.js';
import { Access, crossSiteReason, isLocalHostHeader, type Caller } from './access.js';
import { loginRoutes, unauthorized } from './login.js';
import { writeError, writeResponse } from './respond.js';
import { CSRF_FIELD, matchPath, type HttpRequest, type HttpServices, type Route } from './route.js';

export interface HttpLimits {
  /** Request line and headers together (Node's maxHeaderSize): more gets 431. */
  readonly maxHeaderBytes: number;
  /** The headers must be complete this long after the connection's first byte: else 408. */
  readonly headersTimeoutMs: number;
  /** The whole request (headers and body). */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections at once; more are refused by Node as they arrive. */
  readonly maxConnections: number;
  /** A POST's form body. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 64,
  maxBodyBytes: 64 * 1024,
};

export interface HttpListenerOptions {
  readonly settings: HttpSettings;
  /** The token file's content, or null (loopback without a token). */
  readonly token: string | null;
  readonly routes: readonly Route[];
  readonly services: HttpServices;
  readonly log: LogFunction;
  readonly limits?: Partial<HttpLimits>;
}

export interface HttpListener {
  /** `127.0.0.1:9187`: what it listens on. */
  readonly listen: string;
  /** The port bound (the settings' port). */
  readonly port: number;
  /** A reload's new token: sessions of the old one end. */
  setToken(token: string | null): void;
  /** Stop listening, end streams, close every connection. */
  close(): Promise<void>;
}

/** Listen; rejects with a TaskkitError that says why (the port in use, no such address, a privileged port). */
export async function listenHttp(options: HttpListenerOptions): Promise<HttpListener> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const { settings, services, log } = options;
  const access = new Access(settings.port, options.token);
  const routes = [...options.routes, ...loginRoutes(access, () => services.now())];
  const closing = new AbortController();
  const server = createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: 1_000,
  });
  server.maxConnections = limits.maxConnections;
  server.on('clientError', answerClientError);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serveRequest(req, res, { access, routes, services, limits, closing: closing.signal }).catch((error: unknown) => {
      log('error', `http: ${req.method ?? '?'} ${(req.url ?? '').slice(0, 200)} failed: ${describe(error)}`);
      writeError(res, 500, 'internal error (the daemon log says more)', { connection: 'close' });
    });
  });
  await bind(server, settings);
  server.on('error', (error) => log('error', `http ${settings.listen}: ${describe(error)}`));
  return {
    listen: settings.listen,
    port: settings.port,
    setToken: (token) => access.setToken(token),
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function bind(server: Server, settings: HttpSettings): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(describeBindError(error, settings.listen));
    server.once('error', onError);
    server.listen({ host: settings.host, port: settings.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The start or reload error of a failed bind. */
export function describeBindError(error: NodeJS.ErrnoException, listen: string): TaskkitError {
  switch (error.code) {
    case 'EADDRINUSE':
      return new TaskkitError('SOCKET_IN_USE', `http: ${listen} is in use (another taskkit? another program?)`);
    case 'EACCES':
      return new TaskkitError(
        'USAGE',
        `http: may not listen on ${listen}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)`,
      );
    case 'EADDRNOTAVAIL':
      return new TaskkitError('USAGE', `http: ${listen} is no address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TaskkitError('USAGE', `http: the host of ${listen} does not resolve`);
    default:
      return new TaskkitError('INTERNAL', `http: cannot listen on ${listen}: ${error.message}`);
  }
}

/** Node's parser refused the request (bad request line or header, headers too large, too slow). */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = `${STATUS_CODES[status] ?? 'Bad Request'}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface RequestScope {
  readonly access: Access;
  readonly routes: readonly Route[];
  readonly services: HttpServices;
  readonly limits: HttpLimits;
  readonly closing: AbortSignal;
}

async function serveRequest(req: IncomingMessage, res: ServerResponse, scope: RequestScope): Promise<void> {
  const { access, services } = scope;
  const method = req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST' ? req.method : null;
  if (method === null) return writeError(res, 405, 'only GET, HEAD and POST', { allow: 'GET, HEAD, POST' });
  const url = parseUrl(req.url);
  if (url === null) return writeError(res, 400, 'bad request target', { connection: 'close' });
  if (!access.tokenRequired && !isLocalHostHeader(req.headers.host))
    return writeError(res, 403, 'this listener answers to the names of this machine only (127.0.0.1, localhost)');
  const found = findRoute(scope.routes, method, url.pathname);
  if (found === 'not-found') return writeError(res, 404, `no page ${url.pathname}`);
  if (found === 'wrong-method') return writeError(res, 405, `${method} is not allowed here`, { allow: 'GET, HEAD' });
  const { route, params } = found;
  const caller = access.identify(req.headers, services.now());
  if (caller === null && route.public !== true) {
    drain(req);
    return writeResponse(res, unauthorized(url.pathname + url.search), scope.closing);
  }
  let form = new URLSearchParams();
  if (method === 'POST') {
    const crossSite = crossSiteReason(req.headers);
    if (crossSite !== null) return refuse(req, res, 403, crossSite);
    const body = await readForm(req, scope.limits.maxBodyBytes);
    if (typeof body === 'number') return refuse(req, res, body, describeBodyStatus(body, scope.limits.maxBodyBytes));
    form = body;
    const sent = form.get(CSRF_FIELD) ?? headerValue(req.headers['x-csrf-token']);
    if (route.public !== true && !access.checkCsrfToken(caller, sent))
      return writeError(res, 403, 'missing or stale form token: reload the page and try again');
  }
  const signal = requestSignal(res, scope.closing);
  const request: HttpRequest = {
    method,
    path: url.pathname,
    params,
    query: url.searchParams,
    form,
    headers: req.headers,
    csrfToken: access.csrfTokenFor(caller),
    signal,
  };
  try {
    writeResponse(res, await route.handler(request, services), signal);
  } catch (error) {
    const status = statusOf(error);
    if (status === null) throw error;
    writeError(res, status, (error as Error).message);
  }
}

function parseUrl(target: string | undefined): URL | null {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://taskkit.invalid');
  } catch {
    return null;
  }
}

function findRoute(
  routes: readonly Route[],
  method: 'GET' | 'HEAD' | 'POST',
  path: string,
): { route: Route; params: Record<string, string> } | 'not-found' | 'wrong-method' {
  const wanted = method === 'HEAD' ? 'GET' : method;
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params === null) continue;
    if (route.method === wanted) return { route, params };
    pathMatched = true;
  }
  return pathMatched ? 'wrong-method' : 'not-found';
}

/** The form of a POST, or the status that refuses it (413 too large, 415 not a form). */
function readForm(req: IncomingMessage, maxBytes: number): Promise<URLSearchParams | number> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) return Promise.resolve(413);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const isForm = type === 'application/x-www-form-urlencoded';
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: URLSearchParams | number): void => {
      if (!settled) resolve(value);
      settled = true;
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) settle(413);
      else if (!settled) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > 0 && !isForm) settle(415);
      else settle(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', () => settle(400));
    req.on('close', () => settle(400));
  });
}

function describeBodyStatus(status: number, maxBytes: number): string {
  if (status === 413) return `the form is larger than ${maxBytes} bytes`;
  if (status === 415) return 'send a form (application/x-www-form-urlencoded)';
  return 'the request body did not arrive whole';
}

/** Refuse a request whose body is not read: the connection closes rather than read what nobody wants. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  writeError(res, status, message, { connection: 'close' });
  req.resume();
}

/** A GET refused before its body is read: let Node discard it so the connection stays usable. */
function drain(req: IncomingMessage): void {
  req.resume();
}

/** Aborted when the client goes away or the listener closes. */
function requestSignal(res: ServerResponse, closing: AbortSignal): AbortSignal {
  // Not AbortSignal.any: on Node 20 a composite signal nothing else holds can be collected unaborted.
  const ended = new AbortController();
  const abort = (): void => ended.abort();
  if (closing.aborted) abort();
  closing.addEventListener('abort', abort, { once: true });
  res.once('close', () => {
    closing.removeEventListener('abort', abort);
    abort();
  });
  return ended.signal;
}

/** A control method's refusal as an HTTP status; null for anything else (a fault: 500). */
function statusOf(error: unknown): number | null {
  if (!(error instanceof ControlError) && !(error instanceof TaskkitError)) return null;
  switch (error.code) {
    case 'TASK_UNKNOWN':
    case 'NOT_FOUND':
      return 404;
    case 'BAD_REQUEST':
    case 'USAGE':
      return 400;
    case 'CONFLICT':
      return 409;
    case 'STOPPED':
    case 'STORE_UNAVAILABLE': // the history could not be read (a cluster's PostgreSQL down)
      return 503;
    default:
      return null;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type { Caller };
