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
import { ConfigError } from '../config/load.js';
import { freezeDeep } from '../config/freeze.js';
import type { ConfigIssue } from '../config/issues.js';
import type { TasksFile } from '../config/types.js';
import { TaskkitError, type ErrorCode } from '../errors.js';
import { resolveWorkerScript } from '../runner/worker-script.js';

export type LoadReply =
  | { readonly ok: true; readonly file: TasksFile }
  | { readonly ok: false; readonly kind: 'config'; readonly issues: readonly ConfigIssue[]; readonly sourceText: string | undefined }
  | { readonly ok: false; readonly kind: 'taskkit'; readonly code: ErrorCode; readonly message: string }
  | { readonly ok: false; readonly kind: 'internal'; readonly message: string };

/** Like loadTasksFile (same result, same errors), computed in a child process. */
export async function loadTasksFileIsolated(path: string, options: { env: Readonly<Record<string, string | undefined>> }): Promise<TasksFile> {
  const script = fileURLToPath(resolveWorkerScript(import.meta.url, 'load-child'));
  const reply = await new Promise<LoadReply>((resolve, reject) => {
    // 'advanced' serialization is structured clone: shared objects stay shared, no JSON round trip.
    const child = fork(script, [path], { env: { ...options.env }, execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve(message as LoadReply));
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new TaskkitError('INTERNAL', `the tasks-file loader exited (${signal ?? `code ${code}`}) before answering`)));
  });
  if (reply.ok) return freezeDeep(reply.file);
  if (reply.kind === 'config') throw new ConfigError(reply.issues, reply.sourceText);
  throw new TaskkitError(reply.kind === 'taskkit' ? reply.code : 'INTERNAL', reply.message);
}
