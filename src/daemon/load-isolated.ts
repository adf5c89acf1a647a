/**
 * The daemon loads its tasks file in a short-lived child process. Parsing a large file allocates
 * many times the size of its result (a 10,000-task file: ~80 MB of heap for ~5 MB of specs), and
 * V8 keeps that heap committed in a long-lived process. A worker thread was tried first: its heap
 * goes, but ~30 MB of its thread's malloc arena stays with the daemon; a child process returns
 * everything when it exits, and reloads cannot ratchet the daemon's memory up. Offline verbs
 * (validate, next, exec) load in-process: they exit anyway.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/config-error.js';
import type { FileTrust } from '../config/file-trust.js';
import { freezeSharingStrings } from '../config/freeze.js';
import { unreadableIssue, type ConfigIssue } from '../config/issues.js';
import type { TasksFile } from '../config/types.js';
import { TaskkitError, type ErrorCode } from '../errors.js';
import { resolveWorkerScript } from '../runner/worker-script.js';

export type LoadReply =
  | { readonly ok: true; readonly file: TasksFile }
  | {
      readonly ok: false;
      readonly kind: 'config';
      readonly issues: readonly ConfigIssue[];
      readonly sourceText: string | undefined;
    }
  | { readonly ok: false; readonly kind: 'taskkit'; readonly code: ErrorCode; readonly message: string }
  | { readonly ok: false; readonly kind: 'internal'; readonly message: string };

/**
 * How long a load may take. Opening a FIFO, or a file on a hung network mount, blocks the loader
 * for ever: `reload` never answered, every later reload queued behind it, and the loader kept a
 * stopped daemon's process alive (issue 8). 10,000 tasks load in about 2 s; this stays below the
 * CLI's REQUEST_TIMEOUT_MS (30 s), so `taskkit reload` prints why rather than a timeout.
 */
export const LOAD_TIMEOUT_MS = 20_000;

/** Like loadTasksFile (same result, same errors), computed in a child process. */
export async function loadTasksFileIsolated(
  path: string,
  options: { env: Readonly<Record<string, string | undefined>>; timeoutMs?: number; trust?: FileTrust },
): Promise<TasksFile> {
  const script = fileURLToPath(resolveWorkerScript(import.meta.url, 'load-child'));
  const timeoutMs = options.timeoutMs ?? LOAD_TIMEOUT_MS;
  const reply = await new Promise<LoadReply>((resolve, reject) => {
    // 'advanced' serialization is structured clone: shared objects stay shared, no JSON round trip.
    // The trust check runs where the file is read, on the descriptor read (config/file-trust.ts).
    const trustArgs = options.trust === undefined || options.trust === null ? [] : [String(options.trust.uid)];
    const child = fork(script, [path, ...trustArgs], {
      env: { ...options.env },
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    // Only the timer keeps the daemon's process alive for a load: a daemon stopped meanwhile exits
    // by LOAD_TIMEOUT_MS at the latest, even if the loader hangs where SIGKILL cannot reach it.
    child.unref();
    child.channel?.unref();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ConfigError([unreadableIssue(path, describeHang(timeoutMs))]));
    }, timeoutMs);
    const settle =
      <T>(fn: (value: T) => void) =>
      (value: T): void => {
        clearTimeout(timer);
        fn(value);
      };
    child.once(
      'message',
      settle((message) => resolve(message as LoadReply)),
    );
    child.once('error', settle(reject));
    child.once(
      'exit',
      settle((code: number | null) =>
        reject(
          new TaskkitError(
            'INTERNAL',
            `the tasks-file loader exited (${child.signalCode ?? `code ${code}`}) before answering`,
          ),
        ),
      ),
    );
  });
  if (reply.ok) return freezeSharingStrings(reply.file);
  if (reply.kind === 'config') throw new ConfigError(reply.issues, reply.sourceText);
  throw new TaskkitError(reply.kind === 'taskkit' ? reply.code : 'INTERNAL', reply.message);
}

/**
 * The daemon's load of its tasks file, with the trust it applies (the uid's files only, none under
 * --insecure). `start --foreground` calls it before it imports the daemon's modules (the engine,
 * the store, better-sqlite3), so the loader's start-up overlaps theirs (issue 20.3): the file is read
 * in the same child, with the same guarantees, only sooner. The promise is marked handled: a
 * rejection before the daemon awaits it must not end the process as an unhandled one.
 */
export function loadForDaemon(
  path: string,
  options: { env: Readonly<Record<string, string | undefined>>; insecure: boolean; uid: number },
): Promise<TasksFile> {
  const loading = loadTasksFileIsolated(path, {
    env: options.env,
    trust: options.insecure ? null : { uid: options.uid },
  });
  loading.catch(() => undefined);
  return loading;
}

function describeHang(timeoutMs: number): string {
  return (
    `could not be read within ${timeoutMs / 1000} s (a named pipe with no writer, ` +
    `or a file on a hung network mount?); the read was abandoned`
  );
}
