/**
 * Problems found in a tasks file (or a library definition) and their plain-text rendering:
 * `FILE:LINE:COL: task "NAME": MESSAGE`, optionally with the source line and a caret, as
 * yaml's prettifyError shows them (STYLE.md practice 4).
 */

export type ConfigIssueCode =
  | 'yaml-syntax'
  | 'duplicate-key'
  | 'unknown-key'
  | 'missing-key'
  | 'invalid-value'
  | 'conflict'
  | 'unknown-task'
  /** A task's `group:` names no group of `settings.groups`. */
  | 'unknown-group'
  | 'cycle'
  | 'unreadable'
  /** Checked on this host, not in the file: a `cwd` or `shell` a run would not find (host-checks.ts). */
  | 'host'
  // Lint (config/lint/): valid, but almost surely not what was meant; warnings, errors under validate --strict.
  /** Every `at` instant, or `until`, before now: no scheduled run left (lint/past.ts). */
  | 'past-instant'
  /** A schedule with no instant left that no other task triggers (lint/never-starts.ts). */
  | 'never-starts'
  /**
   * jitter, catch-up, deadline, max-runs or until on a task without instants of its own (lint/no-effect.ts);
   * scope outside cluster mode, scope: cluster on @reboot (lint/scope-no-effect.ts).
   */
  | 'no-effect'
  /** overlap: allow with a timeout longer than the time between two instants (lint/pile-up.ts). */
  | 'pile-up'
  /** retry with overlap: allow (lint/retry-overlap.ts). */
  | 'retry-overlap'
  /** overlap: queue or replace on a cluster task: across hosts it acts as skip (lint/cluster-overlap.ts). */
  | 'cluster-overlap'
  /** An every whose wall-clock times move with daylight saving time (lint/dst-shift.ts). */
  | 'dst-shift';

/**
 * An error makes the file invalid (validate exits 2, start and reload refuse it); a warning is
 * printed (validate, start) or logged (the daemon's start and reload) and the file is used.
 */
export type ConfigIssueSeverity = 'error' | 'warning';

export interface ConfigIssue {
  readonly code: ConfigIssueCode;
  readonly severity: ConfigIssueSeverity;
  /** The path as given to loadTasksFile ('' for library definitions). */
  readonly file: string;
  /** 1-based; 0 when there is no position (library API). */
  readonly line: number;
  /** 1-based; 0 when none. */
  readonly column: number;
  /** Where in the document, e.g. ['tasks', 'a', 'every']. */
  readonly path: readonly (string | number)[];
  /** The task the issue belongs to, if any. */
  readonly task: string | null;
  /** What is wrong and what would be valid. */
  readonly message: string;
}

// Longer source lines are cut around the column so the excerpt stays one terminal line.
const EXCERPT_WIDTH = 100;
const EXCERPT_INDENT = '    ';

/** One issue on one line: `FILE:LINE:COL: task "NAME": MESSAGE`, a warning `FILE:LINE:COL: warning: task ...`. */
export function formatIssue(issue: ConfigIssue): string {
  const parts: string[] = [];
  const location = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  if (location !== '') parts.push(location);
  if (issue.severity === 'warning') parts.push('warning');
  // The unknown key is named by the message itself; the path then ends at its parent.
  const keyPath = issue.code === 'unknown-key' ? issue.path.slice(0, -1) : issue.path;
  if (issue.task !== null) {
    parts.push(`task "${issue.task}"`);
    // Without a position (library API) the key is the only way to find the faulty value.
    if (issue.line === 0 && keyPath.length > 2) parts.push(joinPath(keyPath.slice(2)));
  } else if (keyPath[0] === 'settings') {
    parts.push(joinPath(keyPath));
  } else if (issue.line === 0 && keyPath.length > 0) {
    parts.push(joinPath(keyPath));
  }
  parts.push(issue.message);
  return parts.join(': ');
}

/**
 * Every issue, one per line. With `sourceText`, each positioned issue is followed by its
 * source line and a caret under the column. No trailing newline.
 */
export function formatIssues(issues: readonly ConfigIssue[], sourceText?: string): string {
  const lines = sourceText === undefined ? undefined : sourceText.split(/\r?\n/);
  const out: string[] = [];
  for (const issue of issues) {
    out.push(formatIssue(issue));
    const source = lines === undefined || issue.line === 0 ? undefined : lines[issue.line - 1];
    if (source !== undefined) out.push(...renderExcerpt(source, issue.column));
  }
  return out.join('\n');
}

/** The issues that make a file invalid (warnings do not). */
export function errorsOf(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.filter((issue) => issue.severity === 'error');
}

/** `settings.history.keep`, `command[1]`. */
function joinPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path)
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out;
}

function renderExcerpt(source: string, column: number): string[] {
  let text = source;
  let caretAt = Math.max(0, Math.min(column - 1, text.length));
  if (text.length > EXCERPT_WIDTH) {
    const start = Math.max(0, Math.min(caretAt - EXCERPT_WIDTH / 2, text.length - EXCERPT_WIDTH));
    const end = Math.min(text.length, start + EXCERPT_WIDTH);
    text = `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
    caretAt = caretAt - start + (start > 0 ? 1 : 0);
  }
  // Keep tabs in the padding so the caret lines up however the terminal expands them.
  const padding = text.slice(0, caretAt).replace(/[^\t]/g, ' ');
  return [`${EXCERPT_INDENT}${text}`, `${EXCERPT_INDENT}${padding}^`];
}

/** A file that cannot be read at all (missing, unreadable, a loader that hangs): one issue, at line 0 or `line`. */
export function unreadableIssue(path: string, message: string, line = 0): ConfigIssue {
  return {
    code: 'unreadable',
    severity: 'error',
    file: path,
    line,
    column: line === 0 ? 0 : 1,
    path: [],
    task: null,
    message,
  };
}
