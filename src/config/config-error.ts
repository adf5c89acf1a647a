/** The one error a tasks file (or a library definition) with problems raises: all of them at once. */
import { TaskkitError } from '../errors.js';
import { formatIssue, type ConfigIssue } from './issues.js';

/** Thrown with every issue found; code CONFIG_INVALID (exit 2). Re-exported by config/load.ts. */
export class ConfigError extends TaskkitError {
  override readonly name: string = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  /** The text the positions refer to, for excerpts (formatIssues). */
  readonly sourceText: string | undefined;

  constructor(issues: readonly ConfigIssue[], sourceText?: string) {
    super('CONFIG_INVALID', describeIssues(issues));
    this.issues = Object.freeze([...issues]);
    this.sourceText = sourceText;
  }
}

function describeIssues(issues: readonly ConfigIssue[]): string {
  const file = issues[0]?.file ?? '';
  if (file !== '') {
    const errors = issues.filter((issue) => issue.severity === 'error').length;
    const warnings = issues.length - errors;
    const also = warnings === 0 ? '' : `, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    return `${file}: ${errors} problem${errors === 1 ? '' : 's'}${also}`;
  }
  // Library callers see only this message: it must carry the issues themselves.
  const what = issues.some((issue) => issue.task !== null)
    ? 'task definition'
    : issues[0]?.path[0] === 'settings'
      ? 'settings'
      : 'schedule';
  return `invalid ${what}: ${issues.map(formatIssue).join('; ')}`;
}
