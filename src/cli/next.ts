/**
 * `taskkit next` (issue 13): what will really happen. A daemon that answers on the socket is asked
 * (holds and run-time reschedules); with none, the tasks file's view, said on stderr and in --json;
 * a task with problems is left out, the others shown, the problems listed after them (exit 2).
 */
import type { ConfigError } from '../config/config-error.js';
import { loadValidTasks } from '../config/load.js';
import { locateTasksFile } from '../config/locate.js';
import { connectControl } from '../control/client.js';
import { TaskkitError } from '../errors.js';
import type { Instant } from '../schedule/types.js';
import { buildAdHocSchedule, type AdHocOptions } from './ad-hoc-schedule.js';
import { chooseSocket } from './connect.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { printUpcoming, type UpcomingEntry } from './format/tasks.js';
import { formatIsoUtc } from './format/time.js';
import { loadPainter, printError, printJson, printLine, type CliIo } from './io.js';
import { adHocEntry, daemonEntries, fileEntries } from './next-views.js';
import { printWarnings } from './tasks-file.js';
import { parsePositiveInt } from './parse-options.js';

export type NextOptions = AdHocOptions & { readonly count?: string; readonly from?: string };

/** Where the instants came from (`source` in --json). */
type Source = 'daemon' | 'file' | 'ad hoc';

interface NextReport {
  readonly source: Source;
  readonly entries: readonly UpcomingEntry[];
  /** One task or schedule (its instants), else every task merged in time order. */
  readonly single: boolean;
  readonly count: number;
  readonly problems: ConfigError | null;
}

/** `next [NAME]` or `next --cron/--daily/--every/--rrule [--start T]`. */
export async function runNext(
  context: CommandContext,
  name: string | undefined,
  options: NextOptions,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const now = Date.now();
  const single = name !== undefined;
  const count = parsePositiveInt(options.count, '--count') ?? (single ? 5 : 10);
  const adHoc = buildAdHocSchedule(options, io.env, (message) => printError(io, `taskkit: warning: ${message}`));
  let report: NextReport;
  if (adHoc !== null) {
    if (single) throw new TaskkitError('USAGE', 'give either a task name or --cron/--daily/--every/--rrule, not both');
    report = {
      source: 'ad hoc',
      entries: [adHocEntry(adHoc, count, options.from, now)],
      single: true,
      count,
      problems: null,
    };
  } else {
    const fromDaemon = await askDaemon(io, globals, name, count, options.from);
    report =
      fromDaemon === null
        ? fileReport(io, globals, name, count, options.from, now)
        : { source: 'daemon', entries: fromDaemon, single, count, problems: null };
  }
  await printReport(io, globals, report, now);
  if (report.problems === null) return;
  if (globals.json !== true) throw report.problems;
  context.exitCode = 2;
}

/** The daemon's entries, or null (and a note on stderr) when none answers on the socket. */
async function askDaemon(
  io: CliIo,
  globals: GlobalOptions,
  name: string | undefined,
  count: number,
  from: string | undefined,
): Promise<UpcomingEntry[] | null> {
  const { socket } = await chooseSocket(io, globals);
  let client;
  try {
    client = await connectControl({ socket });
  } catch (error) {
    if (!(error instanceof TaskkitError) || error.code !== 'DAEMON_UNREACHABLE') throw error;
    printError(
      io,
      `taskkit: no daemon answers on ${socket}: showing the tasks file's view (no holds or run-time ` +
        `reschedules; max-runs counted from no run)`,
    );
    return null;
  }
  try {
    return await daemonEntries(client, name, count, from);
  } finally {
    client.close();
  }
}

/** The tasks file's entries; a task with problems is left out and its problems kept for after. */
function fileReport(
  io: CliIo,
  globals: GlobalOptions,
  name: string | undefined,
  count: number,
  from: string | undefined,
  now: Instant,
): NextReport {
  const { path } = locateTasksFile({ flag: globals.config, env: io.env, cwd: io.cwd });
  const { file, error } = loadValidTasks(path, { env: io.env });
  printWarnings(io, file);
  // A task named on the command line but broken: its problems are the answer.
  if (error !== null && name !== undefined && error.issues.some((issue) => issue.task === name)) throw error;
  return {
    source: 'file',
    entries: fileEntries(file, name, count, from, now),
    single: name !== undefined,
    count,
    problems: error,
  };
}

/**
 * JSON (taskkit(1)): `{source, instants, issues}`; one schedule -> `instants` is its ISO-8601 UTC
 * strings and `task`/`held` say whose; every task merged -> `instants` is `{task, at, held}` in time order.
 */
async function printReport(io: CliIo, globals: GlobalOptions, report: NextReport, now: Instant): Promise<void> {
  const { source, entries, single } = report;
  const issues = report.problems?.issues ?? [];
  if (single) {
    const entry = entries[0];
    if (globals.json === true) {
      const instants = (entry?.instants ?? []).map(formatIsoUtc);
      return printJson(io, {
        source,
        task: entry?.task === '' ? null : (entry?.task ?? null),
        held: entry?.held ?? false,
        instants,
        issues,
      });
    }
    return printUpcoming(io, await loadPainter(io), entries, now, true);
  }
  const merged = entries
    .flatMap((entry) => entry.instants.map((at) => ({ entry, at })))
    .sort((a, b) => a.at - b.at)
    .slice(0, report.count);
  if (globals.json === true) {
    const instants = merged.map(({ entry, at }) => ({ task: entry.task, at: formatIsoUtc(at), held: entry.held }));
    return printJson(io, { source, instants, issues });
  }
  const mergedEntries = merged.map(({ entry, at }) => ({ ...entry, instants: [at] }));
  if (mergedEntries.length === 0) printLine(io, 'no scheduled task has an upcoming instant');
  else printUpcoming(io, await loadPainter(io), mergedEntries, now, false);
}
