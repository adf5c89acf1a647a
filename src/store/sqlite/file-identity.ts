/**
 * Is the database file at its path still the one the daemon has open (issue 15 point 8)? SQLite
 * keeps writing into an open file that was deleted, truncated or replaced, and nothing fails
 * until a restart finds the history gone. One stat of the path, compared with what it was, tells:
 * cheap enough for every write batch.
 */
import { statSync } from 'node:fs';

/** What a stat of the database path says about the file there. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
}

/**
 * - `deleted`: nothing at the path (rm, or the state dir removed): the open copy is intact;
 * - `truncated`: the same file, smaller than it was (`: > taskkit.db`): in WAL mode the file never
 *   shrinks by itself (taskkit does not VACUUM), and an open database is never empty (>= 1 page);
 * - `replaced`: another file at the path (mv, a restore from a backup under a running daemon).
 */
export type FileChange = 'deleted' | 'truncated' | 'replaced';

/** The identity of the file at `path`, or null when there is none. */
export function readFileIdentity(path: string): FileIdentity | null {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? null : { dev: stats.dev, ino: stats.ino, size: stats.size };
}

/** How the file at the path differs from `known` (the file the daemon opened), or null when it is the same. */
export function detectFileChange(known: FileIdentity, now: FileIdentity | null): FileChange | null {
  if (now === null) return 'deleted';
  if (now.dev !== known.dev || now.ino !== known.ino) return 'replaced';
  if (now.size < known.size) return 'truncated';
  return null;
}

/** The words of the log line that says what was found. */
export function describeFileChange(change: FileChange, path: string): string {
  switch (change) {
    case 'deleted':
      return `${path} was deleted while the daemon ran`;
    case 'truncated':
      return `${path} was truncated while the daemon ran`;
    case 'replaced':
      return `${path} was replaced by another file while the daemon ran`;
  }
}
