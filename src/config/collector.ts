/** Collects the issues of one block (a task, the settings) with absolute paths and positions. */
import type { ConfigIssue, ConfigIssueCode, ConfigIssueSeverity } from './issues.js';
import type { PositionLookup } from './positions.js';

export interface IssueCollector {
  readonly issues: ConfigIssue[];
  /**
   * Record an issue at `path` (relative to the block), positioned at its key or its value; with
   * `offset`, that many characters into a string value when the source shows it verbatim.
   */
  add(
    code: ConfigIssueCode,
    path: readonly (string | number)[],
    target: 'key' | 'value',
    message: string,
    offset?: number,
  ): void;
  /** The same as a warning: the file stays valid (issues.ts ConfigIssueSeverity). */
  warn(
    code: ConfigIssueCode,
    path: readonly (string | number)[],
    target: 'key' | 'value',
    message: string,
    offset?: number,
  ): void;
  /** How many errors (not warnings) were recorded so far. */
  readonly errorCount: number;
}

export interface CollectorOptions {
  readonly file: string;
  readonly task: string | null;
  /** Absolute path of the block, e.g. ['tasks', 'backup'] or ['settings']. */
  readonly prefix: readonly (string | number)[];
  readonly positions?: PositionLookup | undefined;
  /** Append to this list instead of a new one. */
  readonly issues?: ConfigIssue[];
}

export function createCollector(options: CollectorOptions): IssueCollector {
  const issues = options.issues ?? [];
  let errorCount = 0;
  const record = (
    severity: ConfigIssueSeverity,
    code: ConfigIssueCode,
    path: readonly (string | number)[],
    target: 'key' | 'value',
    message: string,
    offset?: number,
  ): void => {
    const point = options.positions?.(path, target, offset);
    if (severity === 'error') errorCount++;
    issues.push({
      code,
      severity,
      file: options.file,
      line: point?.line ?? 0,
      column: point?.column ?? 0,
      path: [...options.prefix, ...path],
      task: options.task,
      message,
    });
  };
  return {
    issues,
    add: (code, path, target, message, offset) => record('error', code, path, target, message, offset),
    warn: (code, path, target, message, offset) => record('warning', code, path, target, message, offset),
    get errorCount() {
      return errorCount;
    },
  };
}
