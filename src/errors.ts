/**
 * taskkit's own faults. The `code` is the stable contract (tests, `--json`, the socket's
 * `{error: {code, message}}`); messages may change.
 */

export type ErrorCode =
  /** The tasks file has one or more problems (see `ConfigError.issues`). */
  | 'CONFIG_INVALID'
  /** No tasks file was found where taskkit looked. */
  | 'CONFIG_NOT_FOUND'
  /** The tasks file, or a module or env file it names, can be changed by another user (see --insecure). */
  | 'CONFIG_INSECURE'
  /** The command line was wrong (unknown option, bad value). */
  | 'USAGE'
  /** A task name that does not exist. */
  | 'TASK_UNKNOWN'
  /** The operation conflicts with the task's state (already running with `overlap: skip`, ...). */
  | 'CONFLICT'
  /** A run failed, timed out or was cancelled (the CLI's `exec` and `run-now --wait`). */
  | 'RUN_FAILED'
  /** No daemon answers on the socket. */
  | 'DAEMON_UNREACHABLE'
  /** Another daemon already serves the socket. */
  | 'SOCKET_IN_USE'
  /** The daemon serves as many clients as it allows (MAX_CONNECTIONS); try again. */
  | 'DAEMON_BUSY'
  /** The socket (or its folder) belongs to another user: it may not be our daemon (squatting). */
  | 'SOCKET_UNTRUSTED'
  /** A control-socket request with an unknown method or parameters of the wrong shape. */
  | 'BAD_REQUEST'
  /** A run (or other object) that does not exist. */
  | 'NOT_FOUND'
  /** A control-socket line that is not valid JSON, too long, or of the wrong shape. */
  | 'PROTOCOL_BAD_FRAME'
  /** Client and daemon speak different protocol versions. */
  | 'PROTOCOL_VERSION'
  /** The engine was asked to do something after it stopped. */
  | 'STOPPED'
  /** The state database is damaged or is not a taskkit database (move it aside; a fresh one is created). */
  | 'STORE_CORRUPT'
  /** The state database cannot be opened: read-only state dir, permissions, locked, or a newer/older schema. */
  | 'STORE_UNAVAILABLE'
  /** `taskkit service`: no systemd (or launchd) to talk to, or systemctl/launchctl refused a step. */
  | 'SERVICE_MANAGER'
  /** A bug or an unexpected system error. */
  | 'INTERNAL';

/** Exit codes of DESIGN.md: 0 ok, 1 operation or task failed, 2 usage or tasks-file error, 3 no daemon. */
export const EXIT_CODE_BY_ERROR: Readonly<Record<ErrorCode, 1 | 2 | 3>> = {
  CONFIG_INVALID: 2,
  CONFIG_NOT_FOUND: 2,
  CONFIG_INSECURE: 2,
  USAGE: 2,
  TASK_UNKNOWN: 1,
  CONFLICT: 1,
  RUN_FAILED: 1,
  DAEMON_UNREACHABLE: 3,
  SOCKET_IN_USE: 1,
  DAEMON_BUSY: 1,
  // No daemon of yours is reachable there: 3, as when none answers.
  SOCKET_UNTRUSTED: 3,
  BAD_REQUEST: 2,
  NOT_FOUND: 1,
  PROTOCOL_BAD_FRAME: 1,
  PROTOCOL_VERSION: 1,
  STOPPED: 1,
  STORE_CORRUPT: 1,
  STORE_UNAVAILABLE: 1,
  SERVICE_MANAGER: 1,
  INTERNAL: 1,
};

/** Base class of every error taskkit throws on purpose. */
export class TaskkitError extends Error {
  override readonly name: string = 'TaskkitError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Exit code for anything thrown below the CLI: our codes map through the table, the rest is 1. */
export function exitCodeFor(error: unknown): number {
  return error instanceof TaskkitError ? EXIT_CODE_BY_ERROR[error.code] : 1;
}
