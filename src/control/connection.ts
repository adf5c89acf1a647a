/**
 * One client connection of the control server: framing, the hello handshake, dispatch of each
 * request under a guard, streamed events with backpressure, and the hello, line and idle timeouts.
 * Nothing a client sends can throw out of here (STYLE.md practice 16; tsx crashed on one frame).
 *
 * Reading is flow-controlled (issue 15 point 3): decoded lines wait in `queued`, at most
 * `maxInFlight` requests are dispatched and unanswered at once, and the socket is not read while
 * lines wait, the in-flight limit is reached or the replies not yet sent pass `maxBacklogBytes`.
 *
 * Streams (issue 15 point 10) are dropped only when the client stops reading (reader-patience.ts);
 * the hello's rules are hello.ts's.
 *
 * Closing from the server's side (the daemon stops) is polite: requests in flight are answered
 * first (a waiting `run-now --wait` gets its run's end), then the replies are flushed while the
 * client reads them; a client that reads nothing for `closeGraceMs` is cut off.
 */
import type { Socket } from 'node:net';
import type { LogFunction } from '../engine/ports.js';
import { describeError, internalError, isFault, toErrorBody } from './error-reply.js';
import { createFrameDecoder, encodeFrame, parseRequestLine, type Frame } from './framing.js';
import { HELLO_FIRST, refuseHello } from './hello.js';
import type { ControlErrorBody, HelloResult, RequestId, StreamPatience } from './protocol.js';
import { createReaderJudge, describeLag } from './reader-patience.js';
import { createSocketFeed } from './socket-feed.js';

/** The longest a closing connection is flushed to a client that keeps reading. */
const CLOSE_FLUSH_MAX_MS = 30_000;

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
  /** A line must be complete this long after its first byte. */
  readonly lineTimeoutMs: number;
  /** Requests dispatched and not yet answered, per connection. */
  readonly maxInFlight: number;
  readonly maxLineBytes: number;
  readonly maxBacklogBytes: number;
  /** A streaming client more than a tier's bytes behind that reads nothing for its time is dropped; ascending bytes. */
  readonly streamPatience: readonly StreamPatience[];
  /**
   * How long a closing connection waits for the answers in flight, and for a client that reads
   * nothing, before it is destroyed.
   */
  readonly closeGraceMs: number;
}

export interface Connection {
  /**
   * End politely: take no new request, answer those in flight (up to `closeGraceMs`), flush the
   * replies while the client reads them, destroy once it stops reading for `closeGraceMs`.
   */
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
  const queued: Frame[] = [];
  let greeted = false;
  let closing = false;
  /** Closing politely: no new request, the ones in flight still answered. */
  let draining = false;
  let paused = false;
  /** Replies go out through the feed, a slice at a time, so a slow reader's progress shows. */
  const feed = createSocketFeed(socket);
  const reader = createReaderJudge(feed, limits);
  let drainTimer: NodeJS.Timeout | undefined;
  let pumpScheduled = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let lineTimer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const helloTimer = setTimeout(() => {
    send({
      id: null,
      error: { code: 'PROTOCOL_BAD_FRAME', message: `no hello within ${limits.helloTimeoutMs}ms; closing` },
    });
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
      log('error', `control: reply to request ${String(id)} is not JSON: ${describeError(error)}`);
      line = encodeFrame({
        id,
        error: { code: 'INTERNAL', message: `internal error: reply not serialisable: ${describeError(error)}` },
      });
    }
    feed.write(line);
    // A client that does not read its replies stops being read from, so its queue stays bounded.
    updateReading();
    return true;
  }

  /** Read from the socket only while nothing waits and the limits leave room. */
  function updateReading(): void {
    const room =
      !draining && queued.length === 0 && inFlight.size < limits.maxInFlight && feed.behind() <= limits.maxBacklogBytes;
    if (room && paused && !closing) {
      paused = false;
      socket.resume();
      armLineTimer(false);
    } else if (!room && !paused) {
      paused = true;
      socket.pause();
      // The client cannot finish a line we do not read: its deadline waits too.
      clearTimeout(lineTimer);
      lineTimer = undefined;
    }
  }

  /** Start the deadline of a partial line (again when `restart`: a line completed meanwhile). */
  function armLineTimer(restart: boolean): void {
    if (decoder.pendingBytes === 0 || paused) {
      clearTimeout(lineTimer);
      lineTimer = undefined;
      return;
    }
    if (lineTimer !== undefined && !restart) return;
    clearTimeout(lineTimer);
    lineTimer = setTimeout(() => {
      log(
        'warn',
        `control: closed a connection whose request line was not complete ${limits.lineTimeoutMs / 1000} s ` +
          `after its first byte`,
      );
      sendError(null, {
        code: 'PROTOCOL_BAD_FRAME',
        message: `request line not complete within ${limits.lineTimeoutMs}ms of its first byte; closing`,
      });
      close();
    }, limits.lineTimeoutMs);
  }

  /** Handle waiting lines while the limits allow; called on data, on each answer and on drain. */
  function pump(): void {
    try {
      while (
        !closing &&
        !draining &&
        queued.length > 0 &&
        inFlight.size < limits.maxInFlight &&
        feed.behind() <= limits.maxBacklogBytes
      ) {
        handleFrame(queued.shift() as Frame);
      }
    } catch (error) {
      // Unreachable by design; if it happens, this connection goes and the daemon stays.
      log('error', `control: connection failed: ${describeError(error)}`);
      close();
      return;
    }
    updateReading();
  }

  /** pump() on a later turn: answers that come in a burst must not starve the engine's timers. */
  function schedulePump(): void {
    if (pumpScheduled || closing) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
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
    feed.end();
    armKillTimer(Date.now() + CLOSE_FLUSH_MAX_MS);
  }

  /** Destroy the ended socket once its client reads nothing for closeGraceMs, or at `latest`. */
  function armKillTimer(latest: number): void {
    const mark = feed.flushed();
    killTimer = setTimeout(
      () => {
        if (feed.flushed() > mark && feed.behind() > 0 && Date.now() < latest) armKillTimer(latest);
        else socket.destroy();
      },
      Math.max(0, Math.min(limits.closeGraceMs, latest - Date.now())),
    );
    killTimer.unref();
  }

  /** The polite close (Connection.close): answer what is in flight first, take nothing new. */
  function drain(): void {
    if (closing || draining) return;
    draining = true;
    queued.length = 0;
    updateReading();
    if (inFlight.size === 0) {
      close();
      return;
    }
    drainTimer = setTimeout(close, limits.closeGraceMs);
    drainTimer.unref();
  }

  /** A streaming client the reader judge gave up on: told why, logged, closed; its run goes on. */
  function dropReader(id: RequestId, method: string, tier: StreamPatience): void {
    const why = describeLag(tier);
    sendError(id, { code: 'INTERNAL', message: `client ${why}; dropped (the run goes on)` });
    log('warn', `control: dropped a client ${why} on "${method}"`);
    close();
  }

  function clearTimers(): void {
    clearTimeout(helloTimer);
    clearTimeout(idleTimer);
    clearTimeout(lineTimer);
    clearTimeout(drainTimer);
    reader.stop();
  }

  function handleFrame(frame: Frame): void {
    if (frame.kind === 'oversized') {
      // The rest of that line cannot be told apart from the next request: close (protocol contract).
      sendError(null, {
        code: 'PROTOCOL_BAD_FRAME',
        message: `line longer than ${frame.limit} bytes; closing the connection`,
      });
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
      sendError(request.id, HELLO_FIRST);
      return;
    }
    runRequest(request.id, request.method, request.params);
  }

  function answerHello(id: RequestId, params: unknown): void {
    const refusal = refuseHello(params);
    if (refusal !== null) {
      sendError(id, refusal.body);
      if (refusal.close) close();
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
        if (controller.signal.aborted || !reader.judge((tier) => dropReader(id, method, tier))) return false;
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
          if (isFault(error)) {
            const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
            log('error', `control: "${method}" failed: ${stack}`);
          }
          sendError(id, toErrorBody(error));
        },
      )
      .finally(() => {
        inFlight.delete(controller);
        if (draining && inFlight.size === 0) close();
        if (greeted && !closing) armIdle();
        schedulePump();
      });
  }

  socket.on('data', (chunk: Buffer) => {
    if (closing || draining) return;
    const frames = decoder.push(chunk);
    // Only whole lines count as activity: a trickle of bytes must not keep a connection open.
    if (greeted && frames.length > 0) armIdle();
    queued.push(...frames);
    armLineTimer(frames.length > 0);
    pump();
  });
  socket.on('drain', () => pump());
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
  return { close: drain };
}
