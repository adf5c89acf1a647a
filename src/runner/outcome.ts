/**
 * The one place that words how a run ended (STYLE.md practice 6): the CLI, the daemon log and
 * `history` all print this, so they never disagree. The runner records facts (RunStop, StartFault);
 * only this file turns them into words.
 */
import { formatDuration } from '../schedule/duration.js';
import type { CancelReason, RunStop } from './types.js';

/** The fields of a run (RunOutcome or RunRecord) that decide its description. */
export interface OutcomeFacts {
  readonly status: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly error: string | null;
  readonly stop: RunStop | null;
}

/** One phrase for a run's ending, e.g. "exited with code 3" or "timed out after 30s; sent SIGTERM". */
export function describeOutcome(run: OutcomeFacts): string {
  switch (run.status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return describeFailure(run);
    case 'timed-out':
      if (run.stop !== null) return describeStop(run.stop);
      return run.error === null ? 'timed out' : `timed out: ${run.error}`;
    case 'cancelled':
      // "cancelled (cancelled by taskkit cancel)" would say it twice: "cancelled (by taskkit cancel)".
      if (run.stop !== null) return `cancelled (${stripPrefix(describeStop(run.stop), 'cancelled ')})`;
      return withReason('cancelled', run.error === null ? null : stripPrefix(run.error, 'cancelled '));
    case 'interrupted':
      return withReason('interrupted', run.error);
    case 'skipped':
      return run.error === null ? 'skipped' : `skipped: ${run.error}`;
    default:
      return run.status;
  }
}

const CAUSE_WORDS: Readonly<Record<CancelReason, string>> = {
  cancel: 'cancelled by taskkit cancel',
  replace: 'replaced by a new run',
  shutdown: 'stopped by shutdown',
};

/**
 * A stop on its own: "timed out after 30s; sent SIGTERM, then SIGKILL after 10s", "stopped by
 * shutdown; the module did not return within kill-after 10s and its worker was terminated".
 */
export function describeStop(stop: RunStop): string {
  const parts = [
    stop.cause === 'timeout' ? `timed out after ${formatDuration(stop.afterMs)}` : CAUSE_WORDS[stop.cause],
  ];
  // A cancel that overtook a timeout (runner/lifecycle.ts): both facts, the timeout first.
  if (stop.cause !== 'timeout' && stop.timedOutAfterMs !== undefined)
    parts[0] = `${parts[0] as string} in the kill-after of its ${formatDuration(stop.timedOutAfterMs)} timeout`;
  if (stop.signals.length > 0) {
    const sent = stop.signals.map((signal) =>
      signal === 'SIGKILL' ? `SIGKILL after ${formatDuration(stop.killAfterMs)}` : signal,
    );
    parts.push(`sent ${sent.join(', then ')}`);
  }
  if (stop.abandoned !== null) {
    const fate = stop.abandoned === 'function' ? 'was abandoned' : 'its worker was terminated';
    parts.push(
      `the ${stop.abandoned} did not return within kill-after ${formatDuration(stop.killAfterMs)} and ${fate}`,
    );
  }
  return parts.join('; ');
}

/** Why a process could not start, as the runner found it; worded by describeStartFault. */
export type StartFault =
  | { readonly kind: 'fd-limit' }
  | { readonly kind: 'not-found' | 'no-interpreter' | 'permission'; readonly file: string }
  | { readonly kind: 'cwd-missing' | 'cwd-not-directory' | 'cwd-permission'; readonly cwd: string }
  | { readonly kind: 'cwd-other'; readonly cwd: string; readonly detail: string }
  | { readonly kind: 'other'; readonly file: string; readonly detail: string };

/** The `error` of a run that could not start, e.g. "command not found: foo". */
export function describeStartFault(fault: StartFault): string {
  switch (fault.kind) {
    case 'fd-limit':
      // EMFILE / ENFILE: the daemon (or the whole system) has no file descriptor left for the pipes.
      return 'cannot start: too many open files';
    case 'not-found':
      return `command not found: ${fault.file}`;
    case 'no-interpreter':
      return `cannot start ${fault.file}: its interpreter (#! line) was not found`;
    case 'permission':
      return `permission denied: ${fault.file}`;
    case 'cwd-missing':
      return `working directory does not exist: ${fault.cwd}`;
    case 'cwd-not-directory':
      return `working directory is not a directory: ${fault.cwd}`;
    case 'cwd-permission':
      return `permission denied: working directory ${fault.cwd}`;
    case 'cwd-other':
      return `cannot use working directory ${fault.cwd}: ${fault.detail}`;
    case 'other':
      return `cannot start ${fault.file}: ${fault.detail}`;
  }
}

// taskkit's own explanation (could not start, a JS task's thrown message) says more than the
// exit code 1 a function task reports; a process that merely exited non-zero has no error.
function describeFailure(run: OutcomeFacts): string {
  if (run.error !== null) return `failed: ${run.error}`;
  if (run.exitCode !== null) return `exited with code ${run.exitCode}`;
  if (run.signal !== null) return `killed by ${run.signal}`;
  return 'failed';
}

function withReason(word: string, error: string | null): string {
  return error === null ? word : `${word} (${error})`;
}

function stripPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
