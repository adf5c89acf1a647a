/** Child-process entry of load-isolated.ts: load one tasks file, send the result as plain data, exit. */
import { ConfigError, loadTasksFile } from '../config/load.js';
import { TaskkitError } from '../errors.js';
import type { LoadReply } from './load-isolated.js';

const path = process.argv[2] ?? '';
// The uid whose files are trusted; absent under --insecure.
const trustUid = process.argv[3];
process.send?.(load(), () => process.disconnect());

function load(): LoadReply {
  try {
    return {
      ok: true,
      // Linted at this process's clock, the daemon's (start and reload log the warnings).
      file: loadTasksFile(path, {
        env: process.env,
        trust: trustUid === undefined ? null : { uid: Number(trustUid) },
        lintNow: Date.now(),
      }),
    };
  } catch (error) {
    if (error instanceof ConfigError)
      return { ok: false, kind: 'config', issues: error.issues, sourceText: error.sourceText };
    if (error instanceof TaskkitError) return { ok: false, kind: 'taskkit', code: error.code, message: error.message };
    return {
      ok: false,
      kind: 'internal',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}
