/**
 * Shared by the web listener's tests: a free port, a plain HTTP request with full control of its
 * headers (fetch refuses to set Host or Origin), and a raw socket exchange for what no client would
 * send.
 */
import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';

/** A port nothing listens on now (bound on port 0, then released). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpReply> {
  return send(port, { method: 'GET', path, headers });
}

export function send(
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string; host?: string },
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: options.host ?? '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: options.headers ?? {},
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Write `bytes` on a fresh connection; everything the server answers before it closes (or 5 s). */
export function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(bytes);
  });
}
