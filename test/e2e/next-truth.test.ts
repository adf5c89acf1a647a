/**
 * Issue 13, through bin/taskkit as a subprocess: `next` tells what will really happen. The file's
 * view honours `until`, `max-runs` and `hold: true` and says it is the file's view; a broken task
 * leaves the others shown (exit 2, problems after); a running daemon is asked (holds, reschedules);
 * ad hoc `--every` takes `--start` as a task's `start:`; `--from` lists an equal instant.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const SETTINGS = ['settings:', '  timezone: UTC', '  state-dir: ./state', 'tasks:'];
const FROM = ['--from', '2026-05-05T10:20:00Z'];
/** The `instants` of a one-task `next --json` answer. */
const instantsOf = (stdout: string): unknown => (JSON.parse(stdout) as { instants: unknown }).instants;

interface Merged {
  source: string;
  instants: { task: string; at: string; held: boolean }[];
  issues: { task: string | null; message: string }[];
}

describe('the tasks file view (no daemon)', () => {
  test(
    '`until` in the past lists nothing; `max-runs` caps the list; ' + 'a finished task is not in the merged view',
    async () => {
      const d = makeDaemonDir();
      d.writeTasks([
        ...SETTINGS,
        '  ended:',
        '    every: 1h',
        '    until: 2020-01-01T00:00',
        '    run: "true"',
        '  twice:',
        '    every: 1h',
        '    max-runs: 2',
        '    run: "true"',
        '  until-noon:',
        '    every: 1h',
        '    until: 2026-05-05T12:00',
        '    run: "true"',
      ]);
      const ended = await d.taskkit(['next', 'ended', ...FROM, '--json']);
      expect([ended.code, instantsOf(ended.stdout)]).toEqual([0, []]);
      const twice = await d.taskkit(['next', 'twice', ...FROM, '--json']);
      expect(instantsOf(twice.stdout)).toEqual(['2026-05-05T11:00:00.000Z', '2026-05-05T12:00:00.000Z']);
      const merged = await d.taskkit(['next', ...FROM, '-n', '10', '--json']);
      expect((JSON.parse(merged.stdout) as Merged).instants.map(({ task, at }) => `${task} ${at}`)).toEqual([
        'twice 2026-05-05T11:00:00.000Z',
        'until-noon 2026-05-05T11:00:00.000Z',
        'twice 2026-05-05T12:00:00.000Z',
      ]);
    },
  );

  test('with no daemon it says so: a note on stderr and `source: "file"`; `hold: true` marks a task held', async () => {
    const d = makeDaemonDir();
    d.writeTasks([...SETTINGS, '  paused:', '    every: 1h', '    hold: true', '    run: "true"']);
    const json = await d.taskkit(['next', '-n', '1', ...FROM, '--json']);
    expect(json.stderr).toMatch(/^taskkit: no daemon answers on \S+taskkit\.sock: showing the tasks file's view/);
    expect(JSON.parse(json.stdout)).toEqual({
      source: 'file',
      instants: [{ task: 'paused', at: '2026-05-05T11:00:00.000Z', held: true }],
      issues: [],
    });
    const human = await d.taskkit(['next', 'paused', '-n', '1', ...FROM]);
    expect(human.stdout).toMatch(
      /^paused: every 1h \(held: its instants pass without running\)\n {2}2026-05-05 11:00:00 \+00:00 .* held\n$/,
    );
  });

  test('an invalid task: the valid ones are still shown, then the problems, exit 2', async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      ...SETTINGS,
      '  good:',
      '    every: 1h',
      '    run: "true"',
      '  bad:',
      '    cron: "75 * * * *"',
      '    run: "true"',
    ]);
    const human = await d.taskkit(['next', ...FROM, '-n', '2']);
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/2026-05-05 11:00:00 \+00:00 .* good .*\n.*2026-05-05 12:00:00 \+00:00 .* good /);
    expect(human.stderr).toMatch(/task "bad": cron field "minute" out of range \(0-59\): 75/);
    const json = await d.taskkit(['next', ...FROM, '-n', '1', '--json']);
    const report = JSON.parse(json.stdout) as Merged;
    expect([json.code, report.instants, report.issues.map((issue) => issue.task)]).toEqual([
      2,
      [{ task: 'good', at: '2026-05-05T11:00:00.000Z', held: false }],
      ['bad'],
    ]);
    const named = await d.taskkit(['next', 'bad']);
    expect([named.code, named.stderr]).toEqual([2, expect.stringMatching(/out of range \(0-59\): 75/)]);
  });
});

describe('ad hoc', () => {
  test("--every takes --start as a task's start: would be, in the zone given", async () => {
    const d = makeDaemonDir();
    const start = [
      '--every',
      '25h',
      '--start',
      '2026-03-08T02:30',
      '--timezone',
      'America/New_York',
      '--from',
      '2026-03-01',
      '-n',
      '3',
      '--json',
    ];
    const adHoc = await d.taskkit(['next', ...start]);
    expect(adHoc.code).toBe(0);
    d.writeTasks([
      'tasks:',
      '  anchored:',
      '    every: 25h',
      '    start: 2026-03-08T02:30',
      '    timezone: America/New_York',
      '    run: "true"',
    ]);
    const fromFile = await d.taskkit(['next', 'anchored', '--from', '2026-03-01', '-n', '3', '--json']);
    expect(instantsOf(adHoc.stdout)).toEqual(instantsOf(fromFile.stdout));
    // 02:30 falls in that night's spring-forward gap: the anchor is the first instant after it.
    expect(instantsOf(adHoc.stdout)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T08:00:00.000Z',
      '2026-03-10T09:00:00.000Z',
    ]);
  });

  test('--start goes with --every only; --from lists an instant equal to it', async () => {
    const d = makeDaemonDir();
    const cron = await d.taskkit(['next', '--cron', '0 * * * *', '--start', '2026-03-08T02:30']);
    expect([cron.code, cron.stderr]).toEqual([2, 'taskkit: --start only applies to --every and --rrule, not --cron\n']);
    const equal = await d.taskkit([
      'next',
      '--every',
      '1h',
      '--timezone',
      'UTC',
      '--from',
      '2026-01-01T05:00:00Z',
      '-n',
      '1',
      '--json',
    ]);
    expect(instantsOf(equal.stdout)).toEqual(['2026-01-01T05:00:00.000Z']);
  });
});

test(
  'a running daemon is asked: held tasks are marked, a run-time reschedule is shown',
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks([
      ...SETTINGS,
      '  paused:',
      '    every: 1h',
      '    run: "true"',
      '  faster:',
      '    every: 1h',
      '    run: "true"',
      '  twice:',
      '    every: 1d',
      '    max-runs: 2',
      '    run: "true"',
    ]);
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await d.taskkit(['hold', 'paused'])).code).toBe(0);
    expect((await d.taskkit(['reschedule', 'faster', '--every', '10m'])).code).toBe(0);
    const result = await d.taskkit(['next', '-n', '100', '--json']);
    expect([result.code, result.stderr]).toEqual([0, '']);
    const report = JSON.parse(result.stdout) as Merged;
    expect(report.source).toBe('daemon');
    const of = (task: string): { at: string; held: boolean }[] =>
      report.instants.filter((entry) => entry.task === task);
    expect(of('paused').length).toBeGreaterThan(0);
    expect(of('paused').every((entry) => entry.held)).toBe(true);
    const faster = of('faster').map((entry) => Date.parse(entry.at));
    expect(faster.slice(1).map((at, index) => at - (faster[index] ?? 0))).toEqual(faster.slice(1).map(() => 600_000));
    const twice = await d.taskkit(['next', 'twice', '--json']);
    expect(instantsOf(twice.stdout)).toHaveLength(2);
    const one = await d.taskkit(['next', 'paused', '-n', '2', '--json']);
    expect(JSON.parse(one.stdout)).toMatchObject({ source: 'daemon', task: 'paused', held: true });
    expect((await d.taskkit(['stop'])).code).toBe(0);
  },
);
