/**
 * The CLI side of the control socket: connect with a timeout, say hello, then typed requests
 * and streams. A daemon that is not there is a TaskkitError DAEMON_UNREACHABLE (exit 3) whose
 * message names the socket path and how to start one.
 */
import { createConnection, type Socket } from 'node:net';
import { TaskkitError } from '../errors.js';
import { formatElapsed } from '../schedule/elapsed.js';
import { createFrameDecoder, encodeFrame } from './framing.js';
import { verifySocketOwner } from './socket-owner.js';
import { checkSocketPathLength } from './socket-path.js';
import {
  CLIENT_NAME,
  CONNECT_TIMEOUT_MS,
  ControlError,
  MAX_REPLY_LINE_BYTES,
  PROTOCOL_VERSION,
  REQUEST_TIMEOUT_MS,
  type ControlErrorBody,
  type EventOf,
  type HelloResult,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from './protocol.js';

export interface ConnectOptions {
  /** Path of the daemon's socket (resolveSocketPath). */
  readonly socket: string;
  /** Connect plus hello; default CONNECT_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** Sent in hello; default CLIENT_NAME. */
  readonly client?: string;
  /** Sent in hello; default PROTOCOL_VERSION (other values only to test the daemon). */
  readonly version?: number;
}

export interface RequestOptions {
  /** Wait for the reply at most this long; default REQUEST_TIMEOUT_MS for request(), none for stream(); 0 = none. */
  readonly timeoutMs?: number;
}

export interface ControlClient {
  readonly socket: string;
  /** The daemon's answer to hello (pid, version, tasks file, socket). */
  readonly hello: HelloResult;
  request<M extends MethodName>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>>;
  /**
   * A streaming request: `onEvent` for each event line, then the final result. When `onEvent`
   * returns a promise (stdout is full), the socket is not read until it settles: the client is
   * behind, never lost (issue 15 point 10), and every line read is still delivered in order.
   */
  stream<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    onEvent: (event: EventOf<M>) => OnEventResult,
    options?: RequestOptions,
  ): Promise<ResultOf<M>>;
  /** Close the connection; requests still waiting reject. Never cancels work in the daemon. */
  close(): void;
}

/** What a stream's event handler returns: a promise to wait for before reading on; anything else is ignored. */
export type OnEventResult = unknown;

interface Waiter {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onEvent: ((event: { event: string; data: unknown }) => OnEventResult) | undefined;
  readonly timer: NodeJS.Timeout | undefined;
}

/** Connect to the daemon on `socketPath` and complete the hello handshake. */
export async function connectControl(options: ConnectOptions): Promise<ControlClient> {
  const { client, hello } = await openControl(options);
  try {
    return { ...client, hello: await hello };
  } catch (error) {
    client.close();
    throw error;
  }
}

/** A client of a connection whose hello may not be answered yet (connectEager). */
export type RequestClient = Omit<ControlClient, 'hello'>;

/**
 * Connect and say hello without waiting for the answer: a request goes out right behind it (the
 * daemon reads a connection's lines in order), a round trip less for a CLI that needs nothing from
 * hello (the fast path, issue 20.3). A request answers hello's failure first, as connectControl
 * would have thrown it; `hello` is that answer, for a caller that explains a failure.
 */
export async function connectEager(
  options: ConnectOptions,
): Promise<{ client: RequestClient; hello: Promise<unknown> }> {
  const { client, hello } = await openControl(options);
  // Every request waits for it; marked handled for a caller that sends none.
  hello.catch(() => undefined);
  const afterHello = async <T>(reply: Promise<T>): Promise<T> => {
    try {
      await hello;
    } catch (error) {
      reply.catch(() => undefined);
      throw error;
    }
    return await reply;
  };
  return {
    hello,
    client: {
      socket: client.socket,
      request: (method, params, requestOptions) => afterHello(client.request(method, params, requestOptions)),
      stream: (method, params, onEvent, requestOptions) =>
        afterHello(client.stream(method, params, onEvent, requestOptions)),
      close: () => client.close(),
    },
  };
}

/** The connection, with hello sent; its answer is `hello`. */
async function openControl(options: ConnectOptions): Promise<{ client: RequestClient; hello: Promise<HelloResult> }> {
  const socketPath = options.socket;
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
  checkSocketPathLength(socketPath);
  await verifySocketOwner(socketPath);
  const socket = await openSocket(socketPath, timeoutMs);
  const waiters = new Map<number, Waiter>();
  const decoder = createFrameDecoder(MAX_REPLY_LINE_BYTES);
  let nextId = 1;
  let closedError: Error | null = null;

  const failAll = (error: Error): void => {
    closedError ??= error;
    for (const [id, waiter] of waiters) {
      waiters.delete(id);
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  };

  const receive = (text: string): OnEventResult => {
    let message: { id?: unknown; event?: unknown; data?: unknown; result?: unknown; error?: ControlErrorBody };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      failAll(new TaskkitError('INTERNAL', `the daemon on ${socketPath} sent a line that is not JSON`));
      socket.destroy();
      return;
    }
    if (message.id === null && message.error !== undefined) {
      // A connection-level error (bad frame, hello timeout): the daemon is closing this connection.
      failAll(toControlError(message.error));
      return;
    }
    const waiter = typeof message.id === 'number' ? waiters.get(message.id) : undefined;
    if (waiter === undefined) return;
    if (typeof message.event === 'string') return waiter.onEvent?.({ event: message.event, data: message.data });
    waiters.delete(message.id as number);
    clearTimeout(waiter.timer);
    if (message.error !== undefined) waiter.reject(toControlError(message.error));
    else waiter.resolve(message.result);
  };

  // Lines read and not yet handled: the socket is paused while an event handler waits, and the
  // lines of the chunk that held its event wait here, in order. The end of the connection is
  // news only once they are handled: a daemon that answers and closes (it stops) is not "gone".
  const lines: string[] = [];
  let waiting = false;
  let ended: Error | null = null;
  const handleLines = (): void => {
    while (!waiting && lines.length > 0) {
      const held = receive(lines.shift() as string);
      if (!isPromiseLike(held)) continue;
      waiting = true;
      socket.pause();
      const readOn = (): void => {
        waiting = false;
        socket.resume();
        handleLines();
      };
      held.then(readOn, readOn);
    }
    if (!waiting && lines.length === 0 && ended !== null) failAll(ended);
  };
  socket.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      if (frame.kind === 'line') lines.push(frame.text);
      else {
        lines.length = 0;
        failAll(
          new TaskkitError(
            'INTERNAL',
            `the daemon on ${socketPath} sent a line the client cannot read (${frame.kind})`,
          ),
        );
        socket.destroy();
        return;
      }
    }
    handleLines();
  });
  const end = (error: Error): void => {
    ended ??= error;
    handleLines();
  };
  socket.on('error', (error) => end(unreachable(socketPath, `the connection failed: ${error.message}`)));
  socket.on('close', () => end(unreachable(socketPath, 'the daemon closed the connection')));

  const send = (method: string, params: unknown, timeout: number, onEvent?: Waiter['onEvent']): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (closedError !== null) {
        reject(closedError);
        return;
      }
      const id = nextId++;
      const timer =
        timeout > 0
          ? setTimeout(() => {
              waiters.delete(id);
              reject(unreachable(socketPath, `no reply to "${method}" within ${formatElapsed(timeout)}`));
            }, timeout)
          : undefined;
      waiters.set(id, { resolve, reject, onEvent, timer });
      socket.write(encodeFrame({ id, method, params }));
    });

  const hello = send(
    'hello',
    { version: options.version ?? PROTOCOL_VERSION, client: options.client ?? CLIENT_NAME },
    timeoutMs,
  ) as Promise<HelloResult>;

  const client: RequestClient = {
    socket: socketPath,
    request: (method, params, requestOptions) =>
      send(method, params, requestOptions?.timeoutMs ?? REQUEST_TIMEOUT_MS) as Promise<never>,
    stream: (method, params, onEvent, requestOptions) =>
      send(method, params, requestOptions?.timeoutMs ?? 0, onEvent as Waiter['onEvent']) as Promise<never>,
    close() {
      lines.length = 0;
      failAll(new TaskkitError('INTERNAL', 'the client closed the connection'));
      socket.destroy();
    },
  };
  return { client, hello };
}

/** Connect, mapping "nobody there" to DAEMON_UNREACHABLE. */
function openSocket(socketPath: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(unreachable(socketPath, `it did not accept a connection within ${formatElapsed(timeoutMs)}`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(describeConnectError(socketPath, error));
    });
  });
}

function describeConnectError(socketPath: string, error: NodeJS.ErrnoException): TaskkitError {
  switch (error.code) {
    case 'ENOENT':
      return unreachable(socketPath, 'the socket does not exist', error);
    case 'ECONNREFUSED':
      return unreachable(socketPath, 'nothing listens on the socket (a stale socket file)', error);
    case 'EACCES':
    case 'EPERM':
      return unreachable(socketPath, 'permission denied (the socket belongs to another user?)', error);
    default:
      return unreachable(socketPath, error.message, error);
  }
}

function unreachable(socketPath: string, reason: string, cause?: unknown): TaskkitError {
  return new TaskkitError(
    'DAEMON_UNREACHABLE',
    `no taskkit daemon reachable on ${socketPath}: ${reason}; start one with "taskkit start"`,
    { cause },
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

function toControlError(body: ControlErrorBody): ControlError {
  const code = typeof body.code === 'string' ? body.code : 'INTERNAL';
  return new ControlError(
    code,
    typeof body.message === 'string' ? body.message : 'the daemon sent an error without a message',
    body.data,
  );
}
