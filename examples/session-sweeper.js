/**
 * TaskKit's session sweeper, as a taskkit module task. Webware's SessionTask ("the session
 * sweeper task") ran periodically and swept stale sessions only `if self.proceed()`, so a
 * shutdown never waited for a sweep. Here a session is a `*.session` file in <args.dir> whose
 * modification time is its last use, and the loop checks `ctx.proceed()` before every session:
 * a cancel, timeout or shutdown stops it within one session, and the rest wait for the next run.
 *
 * tasks.yaml:  module: ./session-sweeper.js   args: { dir: ./out/sessions, maxIdleMinutes: 30 }
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** @param {import('taskkit').TaskContext<{ dir: string, maxIdleMinutes: number }>} ctx */
export default async function sweepSessions(ctx) {
  const { dir: given, maxIdleMinutes } = ctx.args ?? {};
  if (typeof given !== 'string' || typeof maxIdleMinutes !== 'number') {
    throw new TypeError('session-sweeper: args.dir (a folder) and args.maxIdleMinutes (a number) are required');
  }
  const dir = resolve(HERE, given);
  const names = await listSessions(dir);
  const oldest = Date.now() - maxIdleMinutes * 60_000;
  let swept = 0;
  let kept = 0;
  let stopped = false;
  for (const name of names) {
    if (!ctx.proceed()) {
      stopped = true;
      break;
    }
    const path = join(dir, name);
    const lastUsed = await lastUsedAt(path);
    if (lastUsed === null) continue; // ended by its owner meanwhile
    if (lastUsed >= oldest) {
      kept += 1;
      continue;
    }
    await unlink(path).catch(ignoreMissing);
    swept += 1;
    ctx.log(`swept ${name}`);
  }
  return { swept, kept, left: names.length - swept - kept, stopped };
}

/** @param {string} dir */
async function listSessions(dir) {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.session')).sort();
  } catch (error) {
    ignoreMissing(error);
    return [];
  }
}

/** @param {string} path */
async function lastUsedAt(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch (error) {
    ignoreMissing(error);
    return null;
  }
}

/** @param {unknown} error */
function ignoreMissing(error) {
  if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
}
