/**
 * The one place that words how a run ended (STYLE.md practice 6): the CLI, the daemon log and
 * `history` all print this, so they never disagree.
 */

/** The fields of a run (RunOutcome or RunRecord) that decide its description. */
export interface OutcomeFacts {
  readonly status: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly error: string | null;
}

/** One phrase for a run's ending, e.g. "exited with code 3" or "timed out after 30s; sent SIGTERM". */
export function describeOutcome(run: OutcomeFacts): string {
  switch (run.status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return describeFailure(run);
    case 'timed-out':
      // The runner's own error already reads "timed out after 30s; ..."; say it once.
      if (run.error === null) return 'timed out';
      return run.error.startsWith('timed out') ? run.error : `timed out: ${run.error}`;
    case 'cancelled':
      return withReason('cancelled', run.error === null ? null : stripPrefix(run.error, 'cancelled '));
    case 'interrupted':
      return withReason('interrupted', run.error);
    case 'skipped':
      return run.error === null ? 'skipped' : `skipped: ${run.error}`;
    default:
      return run.status;
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

// "cancelled (cancelled by taskkit cancel)" says it twice; keep "cancelled (by taskkit cancel)".
function stripPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
