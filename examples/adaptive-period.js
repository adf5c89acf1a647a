/**
 * TaskKit's period-changing task, as a taskkit module task. A TaskKit task could change its own
 * period from run() through its handle (`self.handle().setPeriod(...)`); this one doubles its
 * period on each run, from args.start up to args.max seconds (a back-off for a poller that finds
 * nothing new), with `ctx.handle.setPeriod()`, which acts as `taskkit reschedule --every` does.
 * Every run is a fresh worker, so the period reached is kept in a small state file (args.state).
 * It calls setPeriod on every run, so after `taskkit reschedule --reset` or an edit of the task
 * the schedule and the state file agree again from the next run.
 *
 * tasks.yaml:  every: 1m   module: ./adaptive-period.js   args: { start: 60, max: 960, state:
 * ./out/adaptive-period.json }
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** @param {import('taskkit').TaskContext<{ start: number, max: number, state: string }>} ctx */
export default async function raisePeriod(ctx) {
  const { start, max, state } = ctx.args ?? {};
  if (!isSeconds(start) || !isSeconds(max) || typeof state !== 'string') {
    throw new TypeError(
      'adaptive-period: args.start and args.max (whole seconds) and args.state (a file) are required',
    );
  }
  const statePath = resolve(HERE, state);
  const previous = (await readPeriod(statePath)) ?? start;
  const period = Math.min(previous * 2, max);
  ctx.handle.setPeriod(`${period}s`);
  await mkdir(dirname(statePath), { recursive: true });
  // Written aside and renamed: a run killed mid-write leaves the old state, never half a file.
  await writeFile(`${statePath}.tmp`, `${JSON.stringify({ periodSeconds: period })}\n`);
  await rename(`${statePath}.tmp`, statePath);
  ctx.log(`period ${previous}s -> ${period}s`);
  return { previous, period };
}

/** @param {unknown} value */
function isSeconds(value) {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * @param {string} path
 * @returns {Promise<number | null>}
 */
async function readPeriod(path) {
  try {
    const saved = JSON.parse(await readFile(path, 'utf8'));
    return isSeconds(saved?.periodSeconds) ? saved.periodSeconds : null;
  } catch {
    return null; // no state yet (or unreadable): start over
  }
}
