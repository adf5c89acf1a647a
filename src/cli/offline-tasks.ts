/**
 * The offline verbs about the tasks file, `validate` and `next`: no daemon, the file and the
 * schedule math directly. A module of its own so that the daemon verbs never load yaml or
 * the schedule math (commands/tasks.ts imports this only inside these two actions).
 */
import { locateTasksFile } from '../config/locate.js';
import { ConfigError, loadTasksFile } from '../config/load.js';
import { compileSchedule, upcoming } from '../schedule/next.js';
import { parseDateTime } from '../schedule/at.js';
import { describeSchedule } from '../schedule/describe.js';
import type { Instant } from '../schedule/types.js';
import { TaskkitError } from '../errors.js';
import { loadPainter, printJson, printLine, type CliIo } from './io.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { findTask, loadTasksFileForCli } from './tasks-file.js';
import { formatIsoUtc } from './format/time.js';
import { printUpcoming, printValidation, type UpcomingEntry } from './format/tasks.js';
import { buildAdHocSchedule, type AdHocOptions } from './ad-hoc-schedule.js';
import { parsePositiveInt } from './parse-options.js';

export type NextOptions = AdHocOptions & { readonly count?: string; readonly from?: string };

/** `validate [FILE]`: exit 0 valid, 2 with every problem. */
export async function runValidate(context: CommandContext, file: string | undefined, globals: GlobalOptions): Promise<void> {
  const { io } = context;
  const { path } = locateTasksFile({ flag: file ?? globals.config, env: io.env, cwd: io.cwd });
  try {
    const loaded = loadTasksFile(path, { env: io.env });
    const report = { file: path, valid: true, tasks: loaded.tasks.length, issues: [] };
    if (globals.json === true) printJson(io, report);
    else printValidation(io, await loadPainter(io), report);
  } catch (error) {
    if (!(error instanceof ConfigError) || globals.json !== true) throw error;
    printJson(io, { file: path, valid: false, tasks: null, issues: error.issues });
    context.exitCode = 2;
  }
}

/** `next [NAME]` or `next --cron/--daily/--every`. */
export async function runNext(io: CliIo, name: string | undefined, options: NextOptions, globals: GlobalOptions): Promise<void> {
  const adHoc = buildAdHocSchedule(options, io.env);
  const now = Date.now();
  if (adHoc !== null) {
    if (name !== undefined) throw new TaskkitError('USAGE', 'give either a task name or --cron/--daily/--every, not both');
    const after = resolveFrom(options.from, adHoc.timezone, now);
    const count = parsePositiveInt(options.count, '--count') ?? 5;
    const instants = upcoming(adHoc, after, count);
    const entry = { task: '', schedule: describeSchedule(adHoc.spec, adHoc.timezone, adHoc.timezone), timezone: adHoc.timezone, instants };
    return await reportUpcoming(io, globals, [entry], true, now);
  }
  const file = loadTasksFileForCli(io, globals.config);
  if (name !== undefined) {
    const task = findTask(file, name);
    const schedule = compileSchedule(task.schedule, task.timezone);
    const after = resolveFrom(options.from, task.timezone, now);
    const count = parsePositiveInt(options.count, '--count') ?? 5;
    const entry = { task: task.name, schedule: describeSchedule(task.schedule, task.timezone, file.settings.timezone), timezone: task.timezone, instants: upcoming(schedule, after, count) };
    return await reportUpcoming(io, globals, [entry], true, now);
  }
  const count = parsePositiveInt(options.count, '--count') ?? 10;
  const after = resolveFrom(options.from, file.settings.timezone, now);
  const entries = file.tasks.map((task) => ({
    task: task.name,
    schedule: describeSchedule(task.schedule, task.timezone, file.settings.timezone),
    timezone: task.timezone,
    instants: upcoming(compileSchedule(task.schedule, task.timezone), after, count),
  }));
  return await reportUpcoming(io, globals, entries, false, now, count);
}

/** `--from` as an instant (no offset = local to `timezone`), else now. */
function resolveFrom(from: string | undefined, timezone: string, now: Instant): Instant {
  if (from === undefined) return now;
  const parsed = parseDateTime(from, timezone);
  if (!parsed.ok) throw new TaskkitError('USAGE', `--from: ${parsed.message}`);
  // `next` is strictly after: step back 1 ms so that an instant equal to --from is listed.
  return parsed.value - 1;
}

/**
 * JSON shape: one schedule -> an array of ISO-8601 UTC strings; every task merged ->
 * an array of `{task, at}` in time order (documented in taskkit(1)).
 */
async function reportUpcoming(
  io: CliIo,
  globals: GlobalOptions,
  entries: readonly UpcomingEntry[],
  single: boolean,
  now: Instant,
  limit = Infinity,
): Promise<void> {
  if (single) {
    const [entry] = entries;
    if (globals.json === true) return printJson(io, (entry?.instants ?? []).map(formatIsoUtc));
    return printUpcoming(io, await loadPainter(io), entries, now, true);
  }
  const merged = entries
    .flatMap((entry) => entry.instants.map((at) => ({ entry, at })))
    .sort((a, b) => a.at - b.at)
    .slice(0, limit);
  if (globals.json === true) return printJson(io, merged.map(({ entry, at }) => ({ task: entry.task, at: formatIsoUtc(at) })));
  const mergedEntries = merged.map(({ entry, at }) => ({ ...entry, instants: [at] }));
  if (mergedEntries.length === 0) printLine(io, 'no scheduled task has an upcoming instant');
  else printUpcoming(io, await loadPainter(io), mergedEntries, now, false);
}
