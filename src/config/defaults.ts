/**
 * Named defaults of the tasks file (STYLE.md practice 17). config/types.ts documents each field
 * with the same values, and man/taskkit.5 is written from this list.
 */
import type { HistoryPolicy, RetryPolicy } from './types.js';

/** `settings.max-concurrent`: runs at once across all tasks. */
export const DEFAULT_MAX_CONCURRENT = 8;
/** Upper bound of `settings.max-concurrent`; more is a typo, not a machine. */
export const MAX_CONCURRENT_LIMIT = 10_000;
/** `settings.shell` and a task's `shell`: what `run:` strings are handed to (`<shell> -c`). */
export const DEFAULT_SHELL = '/bin/sh';
/** `kill-after`: SIGTERM to SIGKILL on timeout, cancel and shutdown. */
export const DEFAULT_KILL_AFTER_MS = 10_000;
/** `settings.shutdown-grace`: what running runs get on stop before they are killed. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** `history.keep`: runs kept per task. */
export const DEFAULT_HISTORY_KEEP = 200;
/** `history.output-limit`: output kept per run (head + tail). */
export const DEFAULT_OUTPUT_LIMIT_BYTES = 256 * 1024;
/** Smallest `history.output-limit`: below this the head/tail marker would not leave room for output. */
export const MIN_OUTPUT_LIMIT_BYTES = 1024;
/**
 * Largest `history.output-limit` (issue 15 point 4): `output-limit: 1GB` and a run printing 600 MB
 * killed the daemon (ERR_STRING_TOO_LONG). A run's output goes to `logs` as one JSON line, where
 * escaping can make it up to 6 times longer; 8 MiB keeps that line under the client's 64 MiB
 * (MAX_REPLY_LINE_BYTES) and far under V8's string limit (~512 MiB).
 */
export const MAX_OUTPUT_LIMIT_BYTES = 8 * 1024 * 1024;
/** `retry.delay`: wait before the first retry. */
export const DEFAULT_RETRY_DELAY_MS = 10_000;
/** `retry.backoff`: factor per further retry. */
export const DEFAULT_RETRY_BACKOFF = 2;
/** `retry.max-delay`: ceiling of the retry delay. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 600_000;
/** Mode of the state directory and of the socket's directory: only the owner may enter. */
export const STATE_DIR_MODE = 0o700;
/** Mode of the control socket: only the owner may connect. */
export const SOCKET_MODE = 0o600;
/** Largest tasks file read: a bigger one is a mistake (a log, a dump), not a schedule. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Longest task name (it appears in tables, logs and environment variables). */
export const MAX_TASK_NAME_LENGTH = 100;

/** `settings.cluster.name`: the PostgreSQL schema and NOTIFY channel of the cluster. */
export const DEFAULT_CLUSTER_NAME = 'taskkit';
/** `settings.cluster.beat`: how often a host renews its lease. */
export const DEFAULT_CLUSTER_BEAT_MS = 5_000;
/** `settings.cluster.lease`: how long a host that stops beating still counts as live. */
export const DEFAULT_CLUSTER_LEASE_MS = 30_000;
/** The shortest `settings.cluster.beat`: a beat is a round trip to the database. */
export const MIN_CLUSTER_BEAT_MS = 100;

/** `history:` when neither the settings nor the task say otherwise. */
export const DEFAULT_HISTORY: HistoryPolicy = Object.freeze({
  keep: DEFAULT_HISTORY_KEEP,
  outputLimitBytes: DEFAULT_OUTPUT_LIMIT_BYTES,
});

/** `retry:` absent: never retry. */
export const NO_RETRY: RetryPolicy = Object.freeze({
  attempts: 0,
  delayMs: DEFAULT_RETRY_DELAY_MS,
  backoff: DEFAULT_RETRY_BACKOFF,
  maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
});
