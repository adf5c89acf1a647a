/**
 * How every answer of the web listener is written: the security headers on each one (issue 19.4),
 * error answers as plain text (a message is never markup), and a streamed answer that ends when
 * its client goes or reads too slowly.
 */
import type { ServerResponse } from 'node:http';
import type { HttpResponse, StreamSink } from './route.js';

/**
 * Nothing but this listener's own routes: no inline script or style (a task's output that slipped
 * through escaping still could not run), no frames, forms posting here only. Styles and scripts
 * the page needs are routes answering string constants (`<link href="/style.css">`), never files.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  // Not no-referrer: under it Chromium sends `Origin: null` with the page's own form POSTs, which
  // the same-origin check (access.ts) must then refuse. same-origin still sends nothing to other sites.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Task states and outputs: never from a cache, never kept by a proxy.
  'cache-control': 'no-store',
};

/** A streamed answer whose client is this far behind is ended rather than buffered without bound. */
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

/** Write `response` on `res`; `signal` ends a stream (client gone, listener closing). */
export function writeResponse(res: ServerResponse, response: HttpResponse, signal: AbortSignal): void {
  const headers = { ...SECURITY_HEADERS, 'content-type': response.contentType, ...response.headers };
  if ('body' in response) {
    const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
    res.writeHead(response.status, { ...headers, 'content-length': String(body.byteLength) });
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  // A stream lives as long as its client wants it: the idle socket timeout is for requests.
  res.socket?.setTimeout(0);
  const sink: StreamSink = {
    signal,
    write(chunk) {
      if (signal.aborted || res.writableEnded || res.destroyed) return false;
      if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
        res.destroy();
        return false;
      }
      res.write(chunk);
      return true;
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
  signal.addEventListener('abort', () => sink.end(), { once: true });
  response.stream(sink);
}

/** A short plain-text error answer (the security headers included), closing the connection when asked. */
export function writeError(
  res: ServerResponse,
  status: number,
  message: string,
  extra: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(`${message}\n`, 'utf8');
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(body.byteLength),
    ...extra,
  });
  res.end(body);
}
