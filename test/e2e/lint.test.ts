/**
 * Issue 18.5 through bin/taskkit as a user types it: lint warnings (config/lint/) are printed by
 * validate with FILE:LINE:COL and their code in --json, exit 0; --strict makes them errors (exit 2);
 * start prints them and starts, and the daemon logs them at start and at reload. The instants are
 * far from the real now (2000, 2100), so the real clock decides the same way on any day.
 */
import { afterEach, expect, test } from 'vitest';
import type { ConfigIssue } from '../../src/config/issues.js';
import { cleanUpDaemons, daemonTasks, eventually, makeDaemonDir, readDaemonLog } from './_daemon.js';

afterEach(cleanUpDaemons);

// Line 6 is the first task's name (daemonTasks: 4 settings lines, then tasks:).
const LINTED = daemonTasks([
  '  once:', //                         6
  '    at: 2000-01-01T09:00', //         7
  '    run: "true"',
  '  manual:', //                        9
  '    run: "true"',
  '    jitter: 5s', //                  11
  '  piling:', //                       12
  '    every: 10m',
  '    overlap: allow',
  '    timeout: 25m', //                15
  '    retry: 2', //                    16
  '    run: "true"',
  '  morning:', //                      18
  '    every: 1d', //                   19
  '    start: 2000-01-01T09:00',
  '    timezone: America/New_York',
  '    run: "true"',
  '  fine:',
  '    every: 1h',
  '    until: 2100-01-01T00:00',
  '    run: "true"',
  '  run-now-only:',
  '    run: "true"',
  '  over:', //                         29
  '    rrule: "FREQ=DAILY;UNTIL=20000105T000000Z"', // 30
  '    run: "true"',
]);

interface Report {
  readonly valid: boolean;
  readonly tasks: number | null;
  readonly issues: ConfigIssue[];
}

test('validate prints each lint warning at its line and column and exits 0; --json has the codes', async () => {
  const d = makeDaemonDir();
  d.writeTasks(LINTED);
  const result = await d.taskkit(['validate']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/tasks\.yaml: 7 tasks, valid, 6 warnings\n$/);
  const warnings = result.stderr.split('\n').filter((line) => /tasks\.yaml:\d+:\d+: warning: /.test(line));
  expect(warnings.map((line) => /tasks\.yaml:(\d+:\d+: warning: task "[^"]+"): /.exec(line)?.[1])).toEqual([
    '7:9: warning: task "once"',
    '11:5: warning: task "manual"',
    '15:14: warning: task "piling"',
    '16:12: warning: task "piling"',
    '19:12: warning: task "morning"',
    '30:12: warning: task "over"',
  ]);
  expect(result.stderr).toContain(
    'warning: task "once": at "2000-01-01T09:00" is in the past: no scheduled run of this task is left; ' +
      'move it later, or remove it\n        at: 2000-01-01T09:00\n            ^\n',
  );
  expect(result.stderr).toContain(
    'warning: task "over": this rule has no instant after now (its COUNT or UNTIL is over): no scheduled run ' +
      'will start, and no task triggers this one (after, after-all, on-success, on-failure): ' +
      'only run-now can start it\n',
  );

  const json = await d.taskkit(['validate', '--json']);
  expect(json.code).toBe(0);
  const report = JSON.parse(json.stdout) as Report;
  expect([report.valid, report.tasks]).toEqual([true, 7]);
  expect(report.issues.map((issue) => [issue.severity, issue.code, issue.line, issue.column, issue.task])).toEqual([
    ['warning', 'past-instant', 7, 9, 'once'],
    ['warning', 'no-effect', 11, 5, 'manual'],
    ['warning', 'pile-up', 15, 14, 'piling'],
    ['warning', 'retry-overlap', 16, 12, 'piling'],
    ['warning', 'dst-shift', 19, 12, 'morning'],
    ['warning', 'never-starts', 30, 12, 'over'],
  ]);
});

test('validate --strict: warnings are errors (exit 2, nothing on stdout); a clean file still passes', async () => {
  const d = makeDaemonDir();
  d.writeTasks(LINTED);
  const strict = await d.taskkit(['validate', '--strict']);
  expect(strict.code).toBe(2);
  expect(strict.stdout).toBe('');
  expect(strict.stderr).toMatch(/tasks\.yaml:7:9: warning: task "once": at "2000-01-01T09:00" is in the past/);
  expect(strict.stderr).toMatch(/\ntaskkit: \S*tasks\.yaml: 6 warnings, errors under --strict\n$/);

  const json = await d.taskkit(['validate', '--strict', '--json']);
  expect(json.code).toBe(2);
  const report = JSON.parse(json.stdout) as Report;
  expect([report.valid, report.issues.length]).toEqual([false, 6]);

  d.writeTasks(daemonTasks(['  fine:', '    every: 1h', '    run: "true"']));
  const clean = await d.taskkit(['validate', '--strict']);
  expect([clean.code, clean.stderr]).toEqual([0, '']);
  expect(clean.stdout).toMatch(/tasks\.yaml: 1 task, valid\n$/);
});

test(
  'start prints the lint warnings and starts; the daemon logs them at start and at reload',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(daemonTasks(['  once:', '    at: 2000-01-01T09:00', '    run: "true"']));
    const started = await d.taskkit(['start']);
    expect(started.code).toBe(0);
    expect(started.stderr).toMatch(/tasks\.yaml:7:9: warning: task "once": at "2000-01-01T09:00" is in the past/);
    await eventually(
      async () => (/ warn +\S*tasks\.yaml:7:9: warning: task "once": at /.test(readDaemonLog(d)) ? true : undefined),
      'the start-up warning in the log',
    );

    d.writeTasks(daemonTasks(['  manual:', '    run: "true"', '    deadline: 1m']));
    expect((await d.taskkit(['reload'])).code).toBe(0);
    await eventually(
      async () =>
        / warn +\S*tasks\.yaml:8:5: warning: task "manual": "deadline" has no effect/.test(readDaemonLog(d))
          ? true
          : undefined,
      'the reload warning in the log',
    );
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
