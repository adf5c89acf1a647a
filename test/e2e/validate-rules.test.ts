/**
 * Issue 15 through bin/taskkit as a user types it: a jitter longer than the period and an until
 * before start are errors (validate exits 2, start refuses); a cwd that is a file and a shell this
 * host lacks are warnings (validate prints them and exits 0, start prints them and starts, the
 * daemon logs them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { ConfigIssue } from '../../src/config/issues.js';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const SETTINGS = ['settings:', '  state-dir: ./state', '  timezone: UTC', '  shutdown-grace: 2s', 'tasks:'];
const WARNED = [
  '  in-file:',
  '    every: 1h',
  '    cwd: ./afile',
  '    run: "true"',
  '  no-shell:',
  '    every: 1h',
  '    shell: /nonexistent/nosuch-sh',
  '    run: "true"',
];
const BROKEN = [
  '  jittery:',
  '    every: 1m',
  '    jitter: 5m',
  '    run: "true"',
  '  late:',
  '    every: 1h',
  '    start: 2026-12-10T00:00',
  '    until: 2026-12-01T00:00',
  '    run: "true"',
];

interface Report {
  readonly valid: boolean;
  readonly tasks: number | null;
  readonly issues: ConfigIssue[];
}

test('warnings: validate prints them with excerpts and exits 0; --json lists them as warnings', async () => {
  const d = makeDaemonDir();
  writeFileSync(join(d.dir, 'afile'), '');
  d.writeTasks([...SETTINGS, ...WARNED]);
  const result = await d.taskkit(['validate']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/tasks\.yaml: 2 tasks, valid, 2 warnings\n$/);
  const lines = result.stderr.split('\n');
  expect(lines[0]).toMatch(
    /tasks\.yaml:8:10: warning: task "in-file": cwd is a file, not a folder: \.\/afile \(resolved to /,
  );
  expect(lines[0]).toMatch(/\/afile\); runs here would fail to start: point cwd at a folder$/);
  expect(lines.slice(1, 3)).toEqual(['        cwd: ./afile', '             ^']);
  expect(lines[3]).toMatch(/tasks\.yaml:12:12: warning: task "no-shell": shell not found: \/nonexistent\/nosuch-sh; /);
  expect(lines[3]).toMatch(/; runs here would fail to start: install it, or name another shell$/);

  const json = await d.taskkit(['validate', '--json']);
  expect(json.code).toBe(0);
  const report = JSON.parse(json.stdout) as Report;
  expect([report.valid, report.tasks]).toEqual([true, 2]);
  expect(report.issues.map((issue) => [issue.severity, issue.code, issue.line, issue.column, issue.task])).toEqual([
    ['warning', 'host', 8, 10, 'in-file'],
    ['warning', 'host', 12, 12, 'no-shell'],
  ]);
});

test('errors: validate exits 2 and lists them beside the warnings; --json says invalid', async () => {
  const d = makeDaemonDir();
  writeFileSync(join(d.dir, 'afile'), '');
  d.writeTasks([...SETTINGS, ...WARNED, ...BROKEN]);
  const result = await d.taskkit(['validate']);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const messages = result.stderr.split('\n').filter((line) => /^\S+tasks\.yaml:\d+:\d+: /.test(line));
  expect(messages.map((line) => line.replace(/^.*tasks\.yaml:/, ''))).toEqual([
    expect.stringMatching(/^8:10: warning: task "in-file": cwd is a file/),
    expect.stringMatching(/^12:12: warning: task "no-shell": shell not found/),
    '16:13: task "jittery": jitter 5m is longer than the period of "every" (1m): a run could still be waiting at ' +
      'the next instant; use a jitter of at most 1m',
    '21:12: task "late": until "2026-12-01T00:00" is not after start "2026-12-10T00:00": no run would ever start; ' +
      'move until after start, or remove it',
  ]);
  expect(result.stderr).toMatch(/tasks\.yaml: 2 problems, 2 warnings\n$/);

  const json = await d.taskkit(['validate', '--json']);
  expect(json.code).toBe(2);
  const report = JSON.parse(json.stdout) as Report;
  expect(report.valid).toBe(false);
  expect(report.issues.map((issue) => [issue.severity, issue.code, issue.task])).toEqual([
    ['warning', 'host', 'in-file'],
    ['warning', 'host', 'no-shell'],
    ['error', 'conflict', 'jittery'],
    ['error', 'conflict', 'late'],
  ]);
});

test(
  'start refuses the errors (exit 2, no daemon); with warnings only it prints them, starts and logs them',
  {
    timeout: 60_000,
  },
  async () => {
    const d = makeDaemonDir();
    writeFileSync(join(d.dir, 'afile'), '');
    d.writeTasks([...SETTINGS, ...WARNED, ...BROKEN]);
    const refused = await d.taskkit(['start']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/task "jittery": jitter 5m is longer than the period/);
    expect(d.readPid()).toBeNull();

    d.writeTasks([...SETTINGS, ...WARNED]);
    const started = await d.taskkit(['start']);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^taskkit started \(pid \d+,/);
    expect(started.stderr).toMatch(/tasks\.yaml:8:10: warning: task "in-file": cwd is a file/);
    expect(started.stderr).toMatch(/tasks\.yaml:12:12: warning: task "no-shell": shell not found/);
    // stop returns once the daemon has exited: its log is complete.
    expect((await d.taskkit(['stop'])).code).toBe(0);
    const log = readFileSync(join(d.stateDir, 'taskkit.log'), 'utf8');
    expect(log).toMatch(/ warn +\S*tasks\.yaml:8:10: warning: task "in-file": cwd is a file, not a folder/);
    expect(log).toMatch(/ warn +\S*tasks\.yaml:12:12: warning: task "no-shell": shell not found/);
  },
);
