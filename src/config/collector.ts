/** Collects the issues of one block (a task, the settings) with absolute paths and positions. */
import type { ConfigIssue, ConfigIssueCode } from './issues.js';
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
  return {
    issues,
    add(code, path, target, message, offset) {
      const point = options.positions?.(path, target, offset);
      issues.push({
        code,
        file: options.file,
        line: point?.line ?? 0,
        column: point?.column ?? 0,
        path: [...options.prefix, ...path],
        task: options.task,
        message,
      });
    },
  };
}
