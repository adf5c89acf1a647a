/**
 * `history [NAME] [--failed] [--skipped] [--since D] [-n N]`: past runs, newest first, read from the
 * database directly (read-only), so it answers whether or not a daemon runs. A daemon that answers
 * first counts its held tasks' instants so far into their rows (`sync-history`, issue 16.7).
 */
import { defaultTimeZone } from '../config/timezone.js';
import { toRunView, type RunView } from '../control/views.js';
import { TaskkitError } from '../errors.js';
import { parseDateTime } from '../schedule/at.js';
import { parseDuration } from '../schedule/duration.js';
import type { Instant } from '../schedule/types.js';
import type { RunFilter } from '../store/store.js';
import type { DatabaseSource } from './history-source.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { describeNoRuns, renderHistory } from './format/history.js';
import { checkRunTaskName, openRunHistory } from './history-db.js';
import { announceDatabase } from './history-source.js';
import { loadPainter, printError, printJson, printLine, printLines, readNow, type CliIo } from './io.js';
import { parsePositiveInt } from './parse-options.js';

export interface HistoryOptions {
  readonly failed?: boolean;
  readonly skipped?: boolean;
  readonly since?: string;
  readonly count?: string;
}

/** Print the matching runs as a table, or `--json` as {database, runs} (RunViews without output). */
export async function runHistory(
  context: CommandContext,
  name: string | undefined,
  options: HistoryOptions,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const now = readNow(io);
  const filter: RunFilter = {
    ...(name === undefined ? {} : { task: name }),
    ...(options.failed === true ? { failed: true } : {}),
    ...(options.skipped === true ? { skipped: true } : {}),
    ...(options.since === undefined ? {} : { since: parseSince(options.since, now, io) }),
    ...(options.count === undefined ? {} : { limit: parsePositiveInt(options.count, '-n') }),
  };
  const { runs, source } = await readRuns(io, globals, name, filter);
  if (globals.json === true) return printJson(io, { database: source, runs });
  announceDatabase(io, globals, source);
  if (runs.length === 0)
    return printLine(
      io,
      describeNoRuns(name, options.failed === true || options.skipped === true || options.since !== undefined),
    );
  printLines(io, renderHistory(runs, now, await loadPainter(io)));
}

/**
 * The matching runs from the history (the daemon's database, or in cluster mode with no daemon the
 * cluster's PostgreSQL). None for task `name`: TASK_UNKNOWN (with "did you mean") unless the tasks
 * file or the history knows the name.
 */
async function readRuns(
  io: CliIo,
  globals: GlobalOptions,
  name: string | undefined,
  filter: RunFilter,
): Promise<{ runs: RunView[]; source: DatabaseSource }> {
  const history = await openRunHistory(io, globals);
  try {
    const runs = (await history.reader.listRuns(filter)).map((run) => toRunView(run));
    if (runs.length === 0 && name !== undefined) {
      const unknown = await checkRunTaskName(history, name);
      if (unknown !== null) throw unknown;
    }
    return { runs, source: history.source };
  } finally {
    await history.close();
  }
}

/**
 * `--since`: a duration back from now ("2h": the last two hours) or a date-time (ISO 8601; local
 * to $TZ, else the system's zone, when it has no offset). A usage error otherwise.
 */
export function parseSince(raw: string, now: Instant, io: CliIo): Instant {
  const duration = parseDuration(raw);
  if (duration.ok) return now - duration.value;
  const instant = parseDateTime(
    raw,
    defaultTimeZone(io.env, (message) => printError(io, `taskkit: warning: ${message}`)),
  );
  if (instant.ok) return instant.value;
  throw new TaskkitError(
    'USAGE',
    `--since: expected a duration back from now like "2h" or "30m", or a date-time like "2026-11-25T08:00", ` +
      `got "${raw}"`,
  );
}
