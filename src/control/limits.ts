/**
 * The control socket's limits and timeouts (DESIGN.md "Daemon and control socket"), shared by the
 * server and the client; control/protocol.ts re-exports them with the protocol's other constants.
 */
/** Longest request line (bytes, without the newline); a longer one closes the connection. */
export const MAX_LINE_BYTES = 1024 * 1024;
/**
 * Longest reply line the client accepts: replies (a list of 10,000 tasks, a run's output) may exceed MAX_LINE_BYTES.
 */
export const MAX_REPLY_LINE_BYTES = 64 * 1024 * 1024;
/** A connection must complete `hello` within this long, else it is closed. */
export const HELLO_TIMEOUT_MS = 10_000;
/** A connection with no request in flight and no line received for this long is closed. */
export const IDLE_TIMEOUT_MS = 5 * 60_000;
/**
 * A request line must be complete this long after its first byte, else the connection is closed:
 * half a line, or a trickle of bytes, once held a connection for ever (issue 15 point 1).
 */
export const LINE_TIMEOUT_MS = 10_000;
/** Clients served at once; one more is told why and closed (1,100 idle clients once stayed open). */
export const MAX_CONNECTIONS = 128;
/**
 * Requests of one connection dispatched and not yet answered. Past it the connection is not read
 * from: 3,000 pipelined `logs` requests once took the daemon to 3 GB and blocked it 16 s.
 */
export const MAX_IN_FLIGHT_PER_CONNECTION = 16;
/**
 * Replies queued for a client past which its connection is not read from (no new request is
 * taken) and a streaming client counts as behind (STREAM_PATIENCE).
 */
export const MAX_CLIENT_BACKLOG_BYTES = 4 * 1024 * 1024;

/** A streaming client more than `behindBytes` behind that has read nothing for `stallMs` is dropped. */
export interface StreamPatience {
  readonly behindBytes: number;
  readonly stallMs: number;
}

/**
 * The further behind a streaming client (`run-now --wait`, `logs --follow`), the less long it may
 * read nothing before it is dropped (the run goes on): a client that reads, however slowly, is
 * never dropped below the last tier, which bounds what the daemon holds for one client. Measured
 * (issue 15 point 10): the CLI writing a 300 MB flood to a file was at most 6 MB behind; a pipe
 * not read until the run ended held all of seq 1 3000000 (26 MB of frames). Output travels as
 * base64 (a third larger): at 256 MiB a file follower of a 200 MB flood was once dropped reading.
 * Progress is seen as the client reads because replies reach the socket a slice at a time
 * (socket-feed.ts).
 */
export const STREAM_PATIENCE: readonly StreamPatience[] = [
  { behindBytes: MAX_CLIENT_BACKLOG_BYTES, stallMs: 30_000 },
  { behindBytes: 64 * 1024 * 1024, stallMs: 1_000 },
  { behindBytes: 512 * 1024 * 1024, stallMs: 0 },
];
/** Client: how long connect + hello may take before the daemon counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 3_000;
/** Client: default wait for the reply of a non-streaming request. */
export const REQUEST_TIMEOUT_MS = 30_000;
