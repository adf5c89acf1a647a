/**
 * Socket squatting (issue 15 point 12): with the socket in a shared folder (allowed, documented),
 * another user can bind its name first; the CLI then talked to their fake daemon (`start` said
 * "already running", `run-now --wait` printed the fake's output and exited 0, `stop` waited for
 * ever). Before talking to a socket, the CLI (and `start` before it calls a socket taken) checks,
 * with lstat (links not followed), that the socket file belongs to this user or root and that its
 * folder is this user's or root's and not writable by others who could replace it (unless sticky,
 * as /tmp is, where nobody may replace another's file). Node has no SO_PEERCRED; these checks,
 * made on a folder nobody else can change, are what a peer-credential check would prove.
 * Synchronous calls (a few lstat of local paths): node:fs/promises would load 9 more modules into
 * every CLI start (its readline and watchers among them, ~1 ms, issue 20.3).
 */
import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { TaskkitError } from '../errors.js';

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

/**
 * Throw SOCKET_UNTRUSTED when the socket at `socketPath` may be another user's; return quietly when
 * it is this user's or root's, or when it cannot be looked at (connect then says what is wrong).
 */
export function verifySocketOwner(socketPath: string, uid: number | undefined = process.getuid?.()): Promise<void> {
  // Callers await it: a throw in the executor becomes the rejection.
  return new Promise((resolve) => {
    checkSocketOwner(socketPath, uid);
    resolve();
  });
}

function checkSocketOwner(socketPath: string, uid: number | undefined): void {
  if (uid === undefined) return;
  const link = lstatOrNull(socketPath);
  if (link === null) return;
  if (!isTrustedOwner(link, uid))
    throw untrusted(socketPath, `belongs to user ${link.uid}, not to you (${uid}) or root`);
  // A link may lead anywhere: the socket it names must pass the same checks.
  const real = link.isSymbolicLink() ? realpathOrNull(socketPath) : socketPath;
  if (real === null) return;
  const socket = real === socketPath ? link : lstatOrNull(real);
  if (socket === null) return;
  if (!isTrustedOwner(socket, uid))
    throw untrusted(socketPath, `belongs to user ${socket.uid}, not to you (${uid}) or root`);
  const folder = dirname(real);
  const dir = lstatOrNull(folder);
  if (dir === null) return;
  if (!isTrustedOwner(dir, uid))
    throw untrusted(socketPath, `is in ${folder}, which belongs to user ${dir.uid}, not to you (${uid}) or root`);
  if ((dir.mode & GROUP_OR_OTHER_WRITE) !== 0 && (dir.mode & STICKY) === 0) {
    throw untrusted(
      socketPath,
      `is in ${folder}, which other users can write (mode ${(dir.mode & 0o7777).toString(8).padStart(4, '0')}) ` +
        `without the sticky bit, so anyone could put their own socket there`,
    );
  }
}

function isTrustedOwner(stats: Stats, uid: number): boolean {
  return stats.uid === uid || stats.uid === 0;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function untrusted(socketPath: string, why: string): TaskkitError {
  return new TaskkitError(
    'SOCKET_UNTRUSTED',
    `refusing to talk to ${socketPath}: it ${why}, so it may not be your taskkit daemon (another user may have ` +
      `taken the name); ` +
      'use a socket in a folder only you can write (--socket, $TASKKIT_SOCKET or settings.socket), ' +
      'or remove this one if it is stale',
  );
}
