/**
 * The daemon side of the control socket: listen on the Unix socket (private, single instance),
 * accept any number of clients, and serve each one (connection.ts) until the server closes.
 */
import { chmodSync } from 'node:fs';
import { lstat, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { SOCKET_MODE } from '../config/defaults.js';
import { TaskkitError } from '../errors.js';
import type { LogFunction } from '../engine/ports.js';
import { serveConnection, type Connection, type RequestDispatcher } from './connection.js';
import { createFrameDecoder, encodeFrame } from './framing.js';
import {
  CLIENT_NAME,
  HELLO_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  LINE_TIMEOUT_MS,
  MAX_CLIENT_BACKLOG_BYTES,
  MAX_CONNECTIONS,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MAX_LINE_BYTES,
  PROTOCOL_VERSION,
  STREAM_PATIENCE,
  type StreamPatience,
} from './protocol.js';
import { verifySocketOwner } from './socket-owner.js';
import { checkSocketPathLength, prepareSocketDir } from './socket-path.js';

export type { RequestContext, RequestDispatcher } from './connection.js';

export interface ControlServerOptions {
  /** Path of the socket to listen on (resolveSocketPath). */
  readonly socket: string;
  readonly dispatcher: RequestDispatcher;
  /** Default HELLO_TIMEOUT_MS; injectable so tests need not wait 10 s. */
  readonly helloTimeoutMs?: number;
  /** Default IDLE_TIMEOUT_MS. */
  readonly idleTimeoutMs?: number;
  /** Default LINE_TIMEOUT_MS. */
  readonly lineTimeoutMs?: number;
  /** Default MAX_CONNECTIONS. */
  readonly maxConnections?: number;
  /** Default MAX_IN_FLIGHT_PER_CONNECTION. */
  readonly maxInFlight?: number;
  /** Default MAX_LINE_BYTES. */
  readonly maxLineBytes?: number;
  /** Default MAX_CLIENT_BACKLOG_BYTES. */
  readonly maxBacklogBytes?: number;
  /** Default STREAM_PATIENCE. */
  readonly streamPatience?: readonly StreamPatience[];
  /**
   * How long close() waits for the answers in flight, and for a client that reads nothing, before
   * cutting it off; default 1 s.
   */
  readonly closeGraceMs?: number;
  readonly log?: LogFunction;
}

export interface ControlServer {
  readonly socket: string;
  /** Clients connected now. */
  readonly connectionCount: number;
  /**
   * Stop accepting, end every connection (answering the requests in flight and flushing the replies
   * to clients that read them), remove the socket file.
   */
  close(): Promise<void>;
}

/** Another daemon answers on the socket; `pid` when it said so in hello. */
export class SocketInUseError extends TaskkitError {
  override readonly name: string = 'SocketInUseError';
  readonly pid: number | null;

  constructor(socketPath: string, pid: number | null) {
    super('SOCKET_IN_USE', `taskkit is already running${pid === null ? '' : ` (pid ${pid})`} on ${socketPath}`);
    this.pid = pid;
  }
}

const DEFAULT_CLOSE_GRACE_MS = 1_000;
/** How long the stale-socket probe waits for a connect or a hello reply. */
const PROBE_TIMEOUT_MS = 1_000;

/**
 * Listen on `socketPath` (its directory created 0700, the socket chmod 0600). Rejects with
 * SocketInUseError when a live daemon answers there; removes a dead socket file first.
 */
export async function listenControl(options: ControlServerOptions): Promise<ControlServer> {
  const { socket: socketPath, dispatcher } = options;
  const log = options.log ?? (() => {});
  const limits = {
    helloTimeoutMs: options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    lineTimeoutMs: options.lineTimeoutMs ?? LINE_TIMEOUT_MS,
    maxInFlight: options.maxInFlight ?? MAX_IN_FLIGHT_PER_CONNECTION,
    maxLineBytes: options.maxLineBytes ?? MAX_LINE_BYTES,
    maxBacklogBytes: options.maxBacklogBytes ?? MAX_CLIENT_BACKLOG_BYTES,
    streamPatience: options.streamPatience ?? STREAM_PATIENCE,
    closeGraceMs: options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
  };
  const maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const connections = new Map<Connection, Promise<void>>();
  let refusing = false;
  const server = createServer((socket) => {
    if (connections.size >= maxConnections) {
      // Said once per episode in the log; every refused client is told why (issue 15 point 1).
      if (!refusing)
        log(
          'warn',
          `control: ${maxConnections} clients connected, the most served at once; refusing more until some close`,
        );
      refusing = true;
      refuseConnection(socket, maxConnections, limits.closeGraceMs);
      return;
    }
    refusing = false;
    let ended: () => void = () => {};
    const closed = new Promise<void>((resolve) => (ended = resolve));
    const connection = serveConnection(socket, dispatcher, limits, log, () => {
      connections.delete(connection);
      ended();
    });
    connections.set(connection, closed);
  });
  checkSocketPathLength(socketPath);
  await prepareSocketDir(socketPath);
  await bindSocket(server, socketPath);
  // Only now: bind's own errors (EADDRINUSE of a stale socket) are handled there, not news.
  // An accept error (EMFILE) must not crash the daemon; the listener goes on.
  server.on('error', (error) => log('error', `control socket: ${error.message}`));
  // The directory is 0700, so the moment between bind and chmod exposes nothing. Synchronous, like
  // everything from here to the caller: no request is read before the caller has gone on (the
  // daemon adds its tasks next; an awaited chmod let a hello and a run-now in before them).
  chmodSync(socketPath, SOCKET_MODE);

  let closed: Promise<void> | undefined;
  return {
    socket: socketPath,
    get connectionCount() {
      return connections.size;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        // libuv unlinks the socket file when the listening handle closes.
        server.close(() => resolve());
        for (const connection of connections.keys()) connection.close();
      }).then(() => Promise.all(connections.values()).then(() => {}));
      return closed;
    },
  };
}

/** Tell a client over the limit why, then close it (destroyed if it does not read within `graceMs`). */
function refuseConnection(socket: Socket, maxConnections: number, graceMs: number): void {
  socket.on('error', () => {});
  const message =
    `the daemon already serves ${maxConnections} clients, the most it allows at once; ` +
    `try again shortly (is a program holding connections open?)`;
  socket.end(encodeFrame({ id: null, error: { code: 'DAEMON_BUSY', message } }));
  setTimeout(() => socket.destroy(), graceMs).unref();
}

async function bindSocket(server: Server, socketPath: string): Promise<void> {
  try {
    await listenOnce(server, socketPath);
    return;
  } catch (error) {
    if (errorCode(error) !== 'EADDRINUSE') throw describeListenError(error, socketPath);
  }
  const info = await lstat(socketPath).catch(() => null);
  if (info !== null && !info.isSocket()) {
    throw new TaskkitError(
      'SOCKET_IN_USE',
      `${socketPath} exists and is not a socket; remove it or choose another --socket`,
    );
  }
  // Another user's socket is not "taskkit already running": say whose it is (issue 15 point 12).
  await verifySocketOwner(socketPath);
  const probe = await probeSocket(socketPath);
  if (probe.live) throw new SocketInUseError(socketPath, probe.pid);
  // Only a refused connect proves nobody listens: a file that merely exists may belong to a live
  // daemon, and unlinking that would leave it running unreachable (tsx #457 did exactly this).
  await unlink(socketPath).catch((error: unknown) => {
    if (errorCode(error) !== 'ENOENT') throw describeListenError(error, socketPath);
  });
  try {
    await listenOnce(server, socketPath);
  } catch (error) {
    // Another daemon bound it between our unlink and listen.
    if (errorCode(error) === 'EADDRINUSE') throw new SocketInUseError(socketPath, null);
    throw describeListenError(error, socketPath);
  }
}

function listenOnce(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(socketPath);
  });
}

/** Connect to find out whether a daemon is behind the file; ask its pid if it answers. */
function probeSocket(socketPath: string): Promise<{ live: boolean; pid: number | null }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection(socketPath);
    const decoder = createFrameDecoder(MAX_LINE_BYTES);
    let connected = false;
    const finish = (result: { live: boolean; pid: number | null }): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ live: connected, pid: null }), PROBE_TIMEOUT_MS);
    socket.on('connect', () => {
      connected = true;
      socket.write(encodeFrame({ id: 1, method: 'hello', params: { version: PROTOCOL_VERSION, client: CLIENT_NAME } }));
    });
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.kind !== 'line') continue;
        const pid = readPid(frame.text);
        finish({ live: true, pid });
        return;
      }
    });
    socket.on('close', () => finish({ live: connected, pid: null }));
    socket.on('error', (error) => {
      const code = errorCode(error);
      if (code === 'ECONNREFUSED' || code === 'ENOENT') finish({ live: false, pid: null });
      else {
        clearTimeout(timer);
        socket.destroy();
        reject(describeListenError(error, socketPath));
      }
    });
  });
}

function readPid(text: string): number | null {
  try {
    const reply = JSON.parse(text) as { result?: { pid?: unknown } };
    return typeof reply.result?.pid === 'number' ? reply.result.pid : null;
  } catch {
    return null;
  }
}

function describeListenError(error: unknown, socketPath: string): TaskkitError {
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'EACCES' || code === 'EPERM') {
    return new TaskkitError('INTERNAL', `cannot create the control socket ${socketPath}: permission denied`, {
      cause: error,
    });
  }
  return new TaskkitError('INTERNAL', `cannot listen on ${socketPath}: ${reason}`, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
