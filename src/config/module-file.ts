/**
 * The static check of a `module:` path (issue 5): the file exists and is a file. The module is
 * never imported here: importing runs its top-level code (side effects, slow start-up) in the
 * process that validates, and `validate` must be safe to run anywhere. Syntax, the export and
 * its type are checked when a run loads the module in its worker (runner/module-worker.ts).
 */
import { statSync } from 'node:fs';

/** Why the module at `path` (`written` as in the file) cannot be run, or undefined when it is a file. */
export function checkModuleFile(path: string, written: string): string | undefined {
  // Only show where a relative path led: an absolute one is already what was written.
  const where = written === path ? path : `${written} (resolved to ${path})`;
  try {
    const stats = statSync(path);
    if (stats.isFile()) return undefined;
    return stats.isDirectory()
      ? `module is a folder, not a JavaScript file: ${where}`
      : `module is not a regular file: ${where}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a part of the path is a file ("report.js/x.js"); a dangling symlink is ENOENT too.
    if (code === 'ENOENT' || code === 'ENOTDIR') return `module file not found: ${where}`;
    const reason = code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    return `cannot check module file ${where}: ${reason}`;
  }
}
