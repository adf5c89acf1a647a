/**
 * The crash suite's tasks files and module file. Every task appends one marker line when a run
 * really starts (`task|run id|scheduled at|trigger|attempt|pid`), written by the run itself, so
 * the markers are the ground truth the database is checked against.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const MARKERS_FILE = 'markers.txt';
export const MODULE_FILE = 'crash-module.js';

/** Tasks with a catch-up policy each, all `every: 2s` (instants on multiples of 2000 ms). */
export const CATCH_UP_TASKS = { 'cu-skip': 'skip', 'cu-once': 'once', 'cu-all': 'all' } as const;
export const CATCH_UP_PERIOD_MS = 2_000;
export const HELD_TASK = 'held';
export const MOVED_TASK = 'moved';
/** `moved` is `every: 1s` in the file and rescheduled to this at run time. */
export const MOVED_PERIOD = '3s';
export const MOVED_PERIOD_MS = 3_000;
export const HOLD_NOTE = 'crash suite';

/** The line a shell run appends to the markers file, then a seeded random sleep of up to `sleepS`. */
function describeShellRun(markers: string, sleepS: number, tail = ''): string {
  const mark =
    `echo "$TASKKIT_TASK|$TASKKIT_RUN_ID|$TASKKIT_SCHEDULED_AT|$TASKKIT_TRIGGER|$TASKKIT_ATTEMPT|$$" ` +
    `>> '${markers}'`;
  // awk: /bin/sh has no $RANDOM; seeding with the run id keeps a replay's sleeps alike.
  const sleep =
    sleepS > 0
      ? `; sleep "$(awk -v s="$CRASH_SEED" -v r="$TASKKIT_RUN_ID" 'BEGIN { srand(s + r); printf "%.3f", rand() ` +
        `* ${sleepS} }')"`
      : '';
  return `${mark}${sleep}${tail}`;
}

/** ISO-8601 UTC without milliseconds, as `at:` takes it. */
export function formatAt(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface TortureTasks {
  /** The one-shots by name, with their instants. */
  readonly oneShots: Readonly<Record<string, number>>;
}

/** Write the torture daemon's tasks.yaml and module into `dir`; one-shots at `oneShotAts` (ms). */
export function writeTortureTasks(dir: string, seed: number, oneShotAts: readonly [number, number]): TortureTasks {
  const markers = join(dir, MARKERS_FILE);
  writeCrashModule(dir);
  const oneShots = { 'once-early': oneShotAts[0], 'once-late': oneShotAts[1] };
  const tasks: Record<string, unknown> = {
    'tick-a': { every: '1s', run: describeShellRun(markers, 1.5) },
    'tick-b': { every: '1s', run: describeShellRun(markers, 1.5) },
    flaky: {
      description: 'fails its first attempt, succeeds on the retry',
      every: '3s',
      retry: { attempts: 1, delay: '1s' },
      run: describeShellRun(markers, 0, '; test "$TASKKIT_ATTEMPT" -gt 1'),
    },
    mod: { every: '2s', module: `./${MODULE_FILE}`, args: { markers, sleepMs: 500 } },
    [HELD_TASK]: { every: '1s', run: describeShellRun(markers, 0) },
    [MOVED_TASK]: { every: '1s', run: describeShellRun(markers, 0) },
  };
  for (const [name, at] of Object.entries(oneShots))
    tasks[name] = { at: formatAt(at), 'catch-up': 'once', run: describeShellRun(markers, 0) };
  for (const [name, policy] of Object.entries(CATCH_UP_TASKS)) {
    // cu-all's runs last a while, so that its serial catch-up queue is there to be killed.
    tasks[name] = { every: '2s', 'catch-up': policy, run: describeShellRun(markers, name === 'cu-all' ? 0.6 : 0) };
  }
  writeTasksFile(dir, { 'shutdown-grace': '3s' }, tasks, seed);
  return { oneShots };
}

/** kill-after of the signal daemon's sleepers (a stop may wait it out where pid 1 reaps zombies late). */
export const SIGNAL_KILL_AFTER_S = 2;

/** The process-group and SIGTERM daemon: a 2 s task that sleeps, runs on demand, a module that waits. */
export function writeSignalTasks(dir: string, graceS: number): void {
  const markers = join(dir, MARKERS_FILE);
  writeCrashModule(dir);
  writeTasksFile(
    dir,
    { 'shutdown-grace': `${graceS}s` },
    {
      victim: { every: '2s', run: describeShellRun(markers, 0, '; sleep 30'), 'kill-after': `${SIGNAL_KILL_AFTER_S}s` },
      short: { run: describeShellRun(markers, 0, '; sleep 0.5') },
      long: { run: describeShellRun(markers, 0, '; sleep 30'), 'kill-after': `${SIGNAL_KILL_AFTER_S}s` },
      'mod-wait': { module: `./${MODULE_FILE}`, args: { markers, waitForAbort: true } },
    },
    0,
  );
}

/** One `every: 2s`, `catch-up: all` task whose runs last 1.5 s: a restart's catch-up runs queue behind each other. */
export function writeQueueTasks(dir: string): void {
  const markers = join(dir, MARKERS_FILE);
  writeTasksFile(
    dir,
    { 'shutdown-grace': '5s' },
    { 'slow-all': { every: '2s', 'catch-up': 'all', run: describeShellRun(markers, 0, '; sleep 1.5') } },
    0,
  );
}

function writeTasksFile(
  dir: string,
  settings: Record<string, unknown>,
  tasks: Record<string, unknown>,
  seed: number,
): void {
  const env = { CRASH_SEED: String(seed) };
  const withEnv = Object.fromEntries(Object.entries(tasks).map(([name, task]) => [name, { ...(task as object), env }]));
  const file = {
    settings: { 'state-dir': './state', timezone: 'UTC', 'max-concurrent': 32, history: { keep: 10_000 }, ...settings },
    tasks: withEnv,
  };
  writeFileSync(join(dir, 'tasks.yaml'), stringify(file, { lineWidth: 0 }));
}

/** The module task: a marker line, then a short random wait, or (waitForAbort) until ctx.signal aborts. */
function writeCrashModule(dir: string): void {
  writeFileSync(
    join(dir, MODULE_FILE),
    `import { appendFileSync } from 'node:fs';

export default async function crashModule(ctx) {
  const at = ctx.scheduledAt === null ? '' : new Date(ctx.scheduledAt).toISOString();
  appendFileSync(ctx.args.markers, \`\${ctx.name}|\${ctx.runId}|\${at}|\${ctx.trigger}|\${ctx.attempt}|0\\n\`);
  if (ctx.args.waitForAbort) {
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    return 'aborted';
  }
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ctx.args.sleepMs));
  return ctx.runId;
}
`,
  );
}
