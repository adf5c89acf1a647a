/**
 * The private copy `taskkit edit` hands to the editor: a folder only the user can enter (mkdtemp
 * makes it 0700) holding a file with the tasks file's own name, so that the editor highlights it
 * as YAML. Removed at the end, unless the edit must be kept (it could not be installed).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface EditSession {
  /** The copy the editor opens. */
  readonly file: string;
  /** The copy's text now, or null when the editor removed it. */
  read(): string | null;
  /** Remove the folder and the copy. */
  remove(): void;
}

export function createEditSession(tasksFile: string, text: string): EditSession {
  const folder = mkdtempSync(join(tmpdir(), 'taskkit-edit-'));
  const file = join(folder, basename(tasksFile));
  writeFileSync(file, text, { mode: 0o600 });
  return {
    file,
    read: () => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
