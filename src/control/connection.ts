/**
 * One client connection of the control server: framing, the hello handshake, dispatch of each
 * request under a guard, streamed events with backpressure, and the hello and idle timeouts.
 * Nothing a client sends can throw out of here (STYLE.md practice 16; tsx crashed on one frame).
 */
import type { Socket } from 'node:net';
import type { LogFunction } from '../engine/ports.js';
import { TaskkitError } from '../errors.js';
import { createFrameDecoder, encodeFrame, parseRequestLine, type Frame } from './framing.js';
import { ControlError, PROTOCOL_VERSION, type ControlErrorBody, type HelloResult, type RequestId } from './protocol.js';

/** What a handler gets besides its params. */
export interface RequestContext {
  /** Send an event line for this request; false once the client is gone or was dropped. */
  emit(event: string, data: unknown): boolean;
  /** Aborted when the client disconnects or is dropped: stop streaming, never stop the work. */
  readonly signal: AbortSignal;
}

/** The server's view of handlers.ts: hello is answered here, every other method there. */
export interface RequestDispatcher {
  hello(): HelloResult;
  dispatch(method: string, params: unknown, context: RequestContext): unknown;
}

export interface ConnectionLimits {
  readonly helloTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxLineBytes: number;
  readonly maxBacklogBytes: number;
  /** How long a closing connection may take to flush before it is destroyed. */
  readonly closeGraceMs: number;
}

export interface Connection {
  /** End politely (flush what is queued), destroy after the grace. */
  close(): void;
}

/** Serve one accepted socket until it closes. `onClosed` runs once, whatever ends it. */
export function serveConnection(
  socket: Socket,
  dispatcher: RequestDispatcher,
  limits: ConnectionLimits,
  log: LogFunction,
  onClosed: () => void,
): Connection {
  const decoder = createFrameDecoder(limits.maxLineBytes);
  const inFlight = new Set<AbortController>();
  let greeted = false;
  let closing = false;
  let paused = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const helloTimer = setTimeout(() => {
    send({ id: null, error: { code: 'PROTOCOL_BAD_FRAME', message: `no hello within ${limits.helloTimeoutMs}ms; closing` } });
    close();
  }, limits.helloTimeoutMs);

  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      // A quiet stream (run-now --wait on a silent task) is not idle: only close with nothing in flight.
      if (inFlight.size > 0) armIdle();
      else close();
    }, limits.idleTimeoutMs);
  };

  function send(message: unknown): boolean {
    if (closing || socket.destroyed || !socket.writable) return false;
    let line: string;
    try {
      line = encodeFrame(message);
    } catch (error) {
      const id = (message as { id?: RequestId | null }).id ?? null;
      log('error', `control: reply to request ${String(id)} is not JSON: ${describe(error)}`);
      line = encodeFrame({ id, error: { code: 'INTERNAL', message: `internal error: reply not serialisable: ${describe(error)}` } });
    }
    socket.write(line);
    // A client that does not read its replies stops being read from, so its queue stays bounded.
    if (!paused && socket.writableLength > limits.maxBacklogBytes) {
      paused = true;
      socket.pause();
    }
    return true;
  }

  function sendError(id: RequestId | null, body: ControlErrorBody): void {
    send({ id, error: body });
  }

  function close(): void {
    if (closing) return;
    closing = true;
    clearTimers();
    for (const controller of inFlight) controller.abort();
    inFlight.clear();
    socket.end();
    killTimer = setTimeout(() => socket.destroy(), limits.closeGraceMs);
    killTimer.unref();
  }

  function clearTimers(): void {
    clearTimeout(helloTimer);
    clearTimeout(idleTimer);
  }

  function handleFrame(frame: Frame): void {
    if (frame.kind === 'oversized') {
      // The rest of that line cannot be told apart from the next request: close (protocol contract).
      sendError(null, { code: 'PROTOCOL_BAD_FRAME', message: `line longer than ${frame.limit} bytes; closing the connection` });
      close();
      return;
    }
    if (frame.kind === 'bad-utf8') {
      sendError(null, { code: 'PROTOCOL_BAD_FRAME', message: 'line is not valid UTF-8' });
      return;
    }
    if (frame.text.trim() === '') return;
    const request = parseRequestLine(frame.text);
    if (!request.ok) {
      sendError(request.id, { code: 'PROTOCOL_BAD_FRAME', message: request.message });
      return;
    }
    if (request.method === 'hello') {
      answerHello(request.id, request.params);
      return;
    }
    if (!greeted) {
      sendError(request.id, {
        code: 'PROTOCOL_BAD_FRAME',
        message: `say hello first: {"id":1,"method":"hello","params":{"version":${PROTOCOL_VERSION},"client":"..."}}`,
      });
      return;
    }
    runRequest(request.id, request.method, request.params);
  }

  function answerHello(id: RequestId, params: unknown): void {
    const version = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)['version'] : undefined;
    if (typeof version !== 'number') {
      sendError(id, { code: 'BAD_REQUEST', message: `hello: param "version" must be a number (this daemon speaks ${PROTOCOL_VERSION})` });
      return;
    }
    if (version !== PROTOCOL_VERSION) {
      sendError(id, {
        code: 'PROTOCOL_VERSION',
        message: `protocol version ${version} is not supported: this daemon speaks version ${PROTOCOL_VERSION}; use a taskkit of the same version as the daemon`,
      });
      close();
      return;
    }
    let result: HelloResult;
    try {
      result = dispatcher.hello();
    } catch (error) {
      sendError(id, internalError(error));
      return;
    }
    greeted = true;
    clearTimeout(helloTimer);
    armIdle();
    send({ id, result });
  }

  function runRequest(id: RequestId, method: string, params: unknown): void {
    const controller = new AbortController();
    inFlight.add(controller);
    const context: RequestContext = {
      signal: controller.signal,
      emit: (event, data) => {
        if (controller.signal.aborted) return false;
        if (socket.writableLength > limits.maxBacklogBytes) {
          // A reader this far behind would make the daemon hold the whole output; drop it, not the run.
          sendError(id, { code: 'INTERNAL', message: `client more than ${limits.maxBacklogBytes} bytes behind; dropped (the run goes on)` });
          log('warn', `control: dropped a client more than ${limits.maxBacklogBytes} bytes behind on "${method}"`);
          close();
          return false;
        }
        return send({ id, event, data });
      },
    };
    // Promise.resolve().then: a handler that throws synchronously is caught like one that rejects.
    Promise.resolve()
      .then(() => dispatcher.dispatch(method, params, context))
      .then(
        (result) => {
          if (!controller.signal.aborted) send({ id, result });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (error instanceof TaskkitError) {
            const data = error instanceof ControlError ? error.data : undefined;
            const body: ControlErrorBody = { code: error.code, message: error.message };
            sendError(id, data === undefined ? body : { ...body, data });
          } else {
            log('error', `control: "${method}" failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
            sendError(id, internalError(error));
          }
        },
      )
      .finally(() => inFlight.delete(controller));
  }

  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    if (greeted) armIdle();
    try {
      for (const frame of decoder.push(chunk)) {
        if (closing) break;
        handleFrame(frame);
      }
    } catch (error) {
      // Unreachable by design; if it happens, this connection goes and the daemon stays.
      log('error', `control: connection failed: ${describe(error)}`);
      close();
    }
  });
  socket.on('drain', () => {
    if (paused) {
      paused = false;
      socket.resume();
    }
  });
  // ECONNRESET, EPIPE: the client went away; 'close' follows.
  socket.on('error', () => {});
  socket.on('close', () => {
    closing = true;
    clearTimers();
    clearTimeout(killTimer);
    for (const controller of inFlight) controller.abort();
    inFlight.clear();
    onClosed();
  });
  return { close };
}

function internalError(error: unknown): ControlErrorBody {
  return { code: 'INTERNAL', message: `internal error: ${describe(error)}` };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
