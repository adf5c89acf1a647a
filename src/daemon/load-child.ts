/**
 * Child-process entry of load-isolated.ts: load one tasks file, send the result as plain data, exit.
 * The tasks go out in chunks as they are built (LoadMessage, on fd 3: load-frames.ts), while the
 * rest of the file is still being checked: the daemon turns each chunk back into objects meanwhile
 * (100,000 tasks: ~0.5 s of structured-clone reading, and their fingerprints), instead of after
 * the whole load (issue 20.4).
 */
import { ConfigError, loadTasksFile, type TaskSink } from '../config/load.js';
import type { TaskSpec } from '../config/types.js';
import { TaskkitError } from '../errors.js';
import { writeFrame } from './load-frames.js';
import type { LoadMessage, LoadReply } from './load-isolated.js';

/** Tasks per message: small enough to overlap, large enough that the messages' own cost stays small. */
const CHUNK_TASKS = 2_000;

const path = process.argv[2] ?? '';
// The uid whose files are trusted; absent under --insecure.
const trustUid = process.argv[3];
/** The pipe load-isolated.ts reads (its stdio[3]). */
const FRAMES_FD = 3;
let listening = true;
const send = (message: LoadMessage): void => {
  if (!listening) return;
  try {
    writeFrame(FRAMES_FD, message);
  } catch (error) {
    // The daemon stopped listening (it stopped, or gave up on this load): nothing to tell, nothing to log.
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    listening = false;
  }
};
let chunk: TaskSpec[] = [];
const sendChunk = (): void => {
  if (chunk.length > 0) send({ kind: 'tasks', tasks: chunk });
  chunk = [];
};
const sink: TaskSink = {
  task: (spec) => {
    chunk.push(spec);
    if (chunk.length >= CHUNK_TASKS) sendChunk();
  },
  restart: () => {
    chunk = [];
    send({ kind: 'restart' });
  },
};
const reply = load();
sendChunk();
send({ kind: 'reply', reply });

function load(): LoadReply {
  try {
    // Linted at this process's clock, the daemon's (start and reload log the warnings).
    const file = loadTasksFile(path, {
      env: process.env,
      trust: trustUid === undefined ? null : { uid: Number(trustUid) },
      lintNow: Date.now(),
      taskSink: sink,
    });
    // The tasks went out in chunks; the reply says how many, so the daemon can check it has them all.
    return { ok: true, file: { ...file, tasks: [] }, taskCount: file.tasks.length };
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
