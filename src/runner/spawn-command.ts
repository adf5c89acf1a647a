/**
 * What a process run spawns and how its failure to start is told (DESIGN.md "Runs"), shared by the
 * in-process spawn (process.ts) and the daemon's spawner process (spawner-main.ts), so both start the
 * same command the same way and word the same fault alike.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TaskAction } from '../config/types.js';
import type { StartFault } from './outcome.js';

/** The file and arguments a shell or argv task spawns; null for function and module tasks. */
export function pickCommand(action: TaskAction): { file: string; args: string[] } | null {
  if (action.kind === 'shell') return { file: action.shell, args: ['-c', action.script] };
  if (action.kind === 'argv') return { file: action.argv[0], args: action.argv.slice(1) };
  return null;
}

/** Checked before spawning: Node reports a missing cwd as ENOENT of the command, which misleads. */
export function checkWorkingDirectory(cwd: string): StartFault | null {
  try {
    if (!statSync(cwd).isDirectory()) return { kind: 'cwd-not-directory', cwd };
    accessSync(cwd, constants.X_OK);
    return null;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'cwd-missing', cwd };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'cwd-permission', cwd };
    return { kind: 'cwd-other', cwd, detail: describeError(error) };
  }
}

/**
 * A failed spawn's fault, its working directory checked first, as process.ts checks it before the
 * spawn: the same fault, but the spawner spends the two calls only when a spawn failed, not on
 * every run's way to its fork (a missing or unusable cwd always fails the spawn: its chdir fails).
 */
export function classifyStartFailure(error: unknown, file: string, cwd: string): StartFault {
  return checkWorkingDirectory(cwd) ?? classifySpawnError(error, file, cwd);
}

/** A spawn's error (thrown, or its 'error' event) as taskkit words it. */
export function classifySpawnError(error: unknown, file: string, cwd: string): StartFault {
  const code = errnoOf(error);
  if (code === 'EMFILE' || code === 'ENFILE') return { kind: 'fd-limit' };
  if (code === 'EACCES') return { kind: 'permission', file };
  if (code === 'ENOENT') {
    // A script that exists but whose #! interpreter does not is reported by the kernel as ENOENT too.
    if (file.includes('/') && existsSync(resolve(cwd, file))) return { kind: 'no-interpreter', file };
    return { kind: 'not-found', file };
  }
  return { kind: 'other', file, detail: describeError(error) };
}

function errnoOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
