/**
 * The daemon loads its tasks file in a short-lived child process. Parsing a large file allocates
 * many times the size of its result (a 10,000-task file: ~80 MB of heap for ~5 MB of specs), and
 * V8 keeps that heap committed in a long-lived process. A worker thread was tried first: its heap
 * goes, but ~30 MB of its thread's malloc arena stays with the daemon; a child process returns
 * everything when it exits, and reloads cannot ratchet the daemon's memory up. Offline verbs
 * (validate, next, exec) load in-process: they exit anyway.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/config-error.js';
import type { FileTrust } from '../config/file-trust.js';
import { compactSpec } from '../config/compact-spec.js';
import { definitionFingerprint } from '../config/definition.js';
import { createStringSharing } from '../config/freeze.js';
import { createPartSharing } from '../config/share-values.js';
import { unreadableIssue, type ConfigIssue } from '../config/issues.js';
import type { TaskSpec, TasksFile } from '../config/types.js';
import { TaskkitError, type ErrorCode } from '../errors.js';
import { resolveWorkerScript } from '../runner/worker-script.js';
import { createFrameReader } from './load-frames.js';

/** What the loader child sends: chunks of tasks as they are built, then its reply (load-child.ts). */
export type LoadMessage =
  | { readonly kind: 'tasks'; readonly tasks: readonly TaskSpec[] }
  /** Validation began again from the first task: the chunks so far are to be forgotten. */
  | { readonly kind: 'restart' }
  | { readonly kind: 'reply'; readonly reply: LoadReply };

/** The load's outcome; a valid file comes without its tasks (they came in chunks), with their count. */
export type LoadReply =
  | { readonly ok: true; readonly file: TasksFile; readonly taskCount: number }
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
  // Each chunk of tasks is made whole as it arrives, while the child checks the rest: frozen with
  // its strings shared (structured clone gives every occurrence of a string its own copy: 100,000
  // tasks, ~1.2 million strings, ~40 MB), and its fingerprints computed, which the store needs for
  // every task at start (definition.ts caches them per spec). Each spec is first rebuilt as an object
  // literal of its shape (config/compact-spec.ts): the clone's layout costs more. Its parts equal to
  // another task's (a schedule, an action) become that one (config/share-values.ts).
  const share = createStringSharing();
  const shareParts = createPartSharing();
  let tasks: TaskSpec[] = [];
  const receive = (chunk: readonly TaskSpec[]): void => {
    for (const received of chunk) {
      const spec = shareParts(compactSpec(received));
      share(spec);
      definitionFingerprint(spec);
      tasks.push(spec);
    }
  };
  const reply = await new Promise<LoadReply>((resolve, reject) => {
    // Messages are structured clones (load-frames.ts): shared objects stay shared, no JSON round trip.
    // The trust check runs where the file is read, on the descriptor read (config/file-trust.ts).
    const trustArgs = options.trust === undefined || options.trust === null ? [] : [String(options.trust.uid)];
    const child = spawn(process.execPath, [script, path, ...trustArgs], {
      env: { ...options.env },
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    });
    const frames = child.stdio[3] as Socket;
    // Only the timer keeps the daemon's process alive for a load: a daemon stopped meanwhile exits
    // by LOAD_TIMEOUT_MS at the latest, even if the loader hangs where SIGKILL cannot reach it.
    child.unref();
    frames.unref();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ConfigError([unreadableIssue(path, describeHang(timeoutMs))]));
    }, timeoutMs);
    const onMessage = (message: LoadMessage): void => {
      if (message.kind === 'tasks') receive(message.tasks);
      else if (message.kind === 'restart') tasks = [];
      else settle(resolve)(message.reply);
    };
    const onData = createFrameReader((value) => onMessage(value as LoadMessage));
    const settle =
      <T>(fn: (value: T) => void) =>
      (value: T): void => {
        clearTimeout(timer);
        frames.off('data', onData);
        fn(value);
      };
    frames.on('data', onData);
    child.once('error', settle(reject));
    // 'close', not 'exit': the reply may still be in the pipe when the process has exited.
    child.once(
      'close',
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
  if (reply.ok) {
    if (tasks.length !== reply.taskCount)
      throw new TaskkitError('INTERNAL', `the tasks-file loader sent ${tasks.length} of ${reply.taskCount} tasks`);
    return share({ ...reply.file, tasks: Object.freeze(tasks) });
  }
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
