/**
 * Where the control socket lives (DESIGN.md "Daemon and control socket"): the first of the
 * `--socket` flag, `$TASKKIT_SOCKET`, `settings.socket`, `$XDG_RUNTIME_DIR/taskkit/taskkit.sock`,
 * `<state-dir>/taskkit.sock`; and its directory, created private.
 */
// fs.promises, read when called: node:fs/promises at load would add 9 modules to every CLI start (issue 20.3).
import { promises as fs } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { STATE_DIR_MODE } from '../config/defaults.js';
import { TaskkitError } from '../errors.js';

/** Where the socket path may come from, in order of precedence. */
export interface SocketPathSources {
  /** `--socket PATH`. */
  readonly flag?: string | undefined;
  /** The environment (TASKKIT_SOCKET, XDG_RUNTIME_DIR); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** `settings.socket` of the tasks file (already absolute), or null. */
  readonly settingsSocket?: string | null;
  /** `settings.state-dir`, the last resort. */
  readonly stateDir: string;
  /** Relative flag and env values resolve against this; default process.cwd(). */
  readonly cwd?: string;
}

export const SOCKET_FILE_NAME = 'taskkit.sock';

/** The absolute socket path from the first source that gives one (empty values count as unset). */
export function resolveSocketPath(sources: SocketPathSources): string {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const given = [sources.flag, env['TASKKIT_SOCKET'], sources.settingsSocket ?? undefined].find(isSet);
  if (given !== undefined) return resolve(cwd, given);
  const runtimeDir = env['XDG_RUNTIME_DIR'];
  // XDG says a relative XDG_RUNTIME_DIR is invalid and must be ignored.
  if (isSet(runtimeDir) && runtimeDir.startsWith('/')) return join(runtimeDir, 'taskkit', SOCKET_FILE_NAME);
  return join(resolve(cwd, sources.stateDir), SOCKET_FILE_NAME);
}

// sockaddr_un.sun_path holds 108 bytes on Linux, 104 on macOS, the terminating NUL included;
// past that, bind fails with a bare EINVAL or silently truncates, and a connect fails as if nothing
// listened, so both the daemon and the client say what is wrong up front.
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** Throw a USAGE error naming every way to choose a shorter path when `socketPath` cannot be bound. */
export function checkSocketPathLength(socketPath: string): void {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return;
  throw new TaskkitError(
    'USAGE',
    `socket path too long (${bytes} bytes; at most ${MAX_SOCKET_PATH_BYTES}): ${socketPath}; ` +
      'choose a shorter one with --socket, $TASKKIT_SOCKET or settings.socket (e.g. under /tmp)',
  );
}

/**
 * Create the socket's directory (and missing parents) with mode 0700, so nobody else can even
 * reach the socket between bind and chmod. Directories that already exist are left as they are:
 * the socket may be put in a shared place such as /tmp, which must not become private.
 */
export async function prepareSocketDir(socketPath: string): Promise<void> {
  const dir = dirname(socketPath);
  const firstCreated = await fs.mkdir(dir, { recursive: true, mode: STATE_DIR_MODE });
  if (firstCreated === undefined) return;
  // mkdir's mode is filtered by the umask; set it exactly on each directory we made.
  const parts = relative(firstCreated, dir)
    .split(sep)
    .filter((part) => part !== '');
  let current = firstCreated;
  await fs.chmod(current, STATE_DIR_MODE);
  for (const part of parts) {
    current = join(current, part);
    await fs.chmod(current, STATE_DIR_MODE);
  }
}

function isSet(value: string | undefined | null): value is string {
  return value !== undefined && value !== null && value !== '';
}
