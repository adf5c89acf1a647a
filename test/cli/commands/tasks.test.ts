/** `list`/`ls` and `show` in-process against a real control server over a fake-clock engine. */
import { afterEach, describe, expect, test } from 'vitest';
import { closeAll, startControl, type ControlFixture } from '../../support/control-fixture.js';
import { every, makeTask } from '../../support/engine-task.js';
import { runAgainst } from '../_control-cli.js';

afterEach(closeAll);

/** Three tasks at 2026-03-01T12:00:00Z (a Sunday): every 5m, on demand, a weekday cron in New York. */
function startThree(): Promise<ControlFixture> {
  return startControl([
    makeTask('tick', { schedule: every('5m'), description: 'ticks' }),
    makeTask('backup', {
      action: { kind: 'argv', argv: ['tar', 'czf', '/backups/home.tgz', 'my files'] },
      timeoutMs: 600_000,
    }),
    makeTask('ny', { schedule: { kind: 'cron', expression: '*/15 * * * 1-5' }, timezone: 'America/New_York' }),
  ]);
}

describe('list', () => {
  test(
    'an aligned table: schedule in words (zone named when not the default), state, ' +
      'next as relative and absolute, last',
    async () => {
      const f = await startThree();
      const result = await runAgainst(f, ['list']);
      expect(result).toEqual({
        code: 0,
        stderr: '',
        stdout: [
          'NAME    SCHEDULE                                STATE      ' +
            'NEXT                                           LAST',
          'tick    every 5m                                scheduled  ' +
            'in 5m (12:05:00)                               -',
          'backup  on demand                               on-demand  ' +
            '-                                              -',
          'ny      cron */15 * * * 1-5 (America/New_York)  scheduled  ' +
            'in 17h (2026-03-02 00:00:00 America/New_York)  -',
          '3 tasks: 0 failing, 0 held, 0 overdue, 0 running',
          '',
        ].join('\n'),
      });
    },
  );

  test('LAST shows the outcome and how long ago', async () => {
    const f = await startThree();
    f.scheduler.runNow('backup');
    f.clock.advanceBy(90_000);
    f.runner.finish(1, { status: 'failed', exitCode: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    f.clock.advanceBy(30_000);
    const rows = (await runAgainst(f, ['ls'])).stdout.split('\n');
    expect(rows[2]?.split(/ {2,}/)).toEqual([
      'backup',
      'on demand',
      'on-demand, failing',
      '-',
      'exited with code 3, 30s ago',
    ]);
    expect(rows[4]).toBe('3 tasks: 1 failing, 0 held, 0 overdue, 0 running');
  });

  test('STATE counts parallel and queued runs', async () => {
    const f = await startControl([makeTask('par', { overlap: 'allow' }), makeTask('que', { overlap: 'queue' })]);
    f.scheduler.runNow('par');
    f.scheduler.runNow('par');
    f.scheduler.runNow('que');
    f.scheduler.runNow('que');
    const rows = (await runAgainst(f, ['list'])).stdout.split('\n');
    expect(rows.slice(1, 3).map((row) => row.split(/ {2,}/).slice(0, 3))).toEqual([
      ['par', 'on demand', 'running (2 runs)'],
      ['que', 'on demand', 'running (1 queued)'],
    ]);
  });

  test('a run-time reschedule is marked in words no cron field uses, and explained under the table', async () => {
    const f = await startThree();
    f.scheduler.reschedule('tick', every('1h'));
    const lines = (await runAgainst(f, ['list'])).stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^tick {4}every 1h \(rescheduled\) +scheduled +in 1h \(13:00:00\) +-$/);
    expect(lines.at(-1)).toBe(
      "(rescheduled): changed at run time; taskkit reschedule NAME --reset restores the tasks file's schedule",
    );
  });

  test('on a TTY only the STATE column is coloured; --json is the views as they are', async () => {
    const f = await startThree();
    const tty = await runAgainst(f, ['list'], { isTTY: true });
    expect(tty.stdout.split('\n')[1]).toBe(
      '\u001b[1mtick  \u001b[22m  every 5m                                \u001b[32mscheduled\u001b[39m  in 5m ' +
        '(12:05:00)                               -',
    );
    const json = JSON.parse((await runAgainst(f, ['list', '--json'])).stdout) as Record<string, unknown>[];
    expect(json.map((task) => [task['name'], task['schedule'], task['state'], task['nextAt']])).toEqual([
      ['tick', 'every 5m', 'scheduled', '2026-03-01T12:05:00.000Z'],
      ['backup', 'on demand', 'on-demand', null],
      ['ny', 'cron */15 * * * 1-5 (America/New_York)', 'scheduled', '2026-03-02T05:00:00.000Z'],
    ]);
  });
});

describe('show', () => {
  test("state, definition, the next 5 instants in the task's zone, recent runs", async () => {
    const f = await startThree();
    const result = await runAgainst(f, ['show', 'ny']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'ny',
        '  state     scheduled',
        '  schedule  cron */15 * * * 1-5 (America/New_York)',
        '  timezone  America/New_York',
        '  action    /bin/sh -c "true"',
        '  cwd       /tmp',
        '  next      in 17h (2026-03-02 00:00:00 America/New_York)',
        '  last      -',
        '  options   kill-after 10s; overlap skip; catch-up skip; history keep 200, output-limit 256KiB',
        '',
        'upcoming',
        '  2026-03-02 00:00:00 -05:00  in 17h',
        '  2026-03-02 00:15:00 -05:00  in 17h15m',
        '  2026-03-02 00:30:00 -05:00  in 17h30m',
        '  2026-03-02 00:45:00 -05:00  in 17h45m',
        '  2026-03-02 01:00:00 -05:00  in 18h',
        '',
        'recent runs',
        '  none yet',
        '',
      ].join('\n'),
    );
  });

  test('an argv action, options that differ from the defaults, a held task and its last run', async () => {
    const f = await startThree();
    f.scheduler.hold('backup', 'disk full');
    f.scheduler.runNow('backup');
    f.clock.advanceBy(2_000);
    f.runner.finish(1);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = (await runAgainst(f, ['show', 'backup'])).stdout.split('\n');
    expect(lines.slice(0, 10)).toEqual([
      'backup',
      '  state     held',
      '  held      since 2026-03-01 12:00:00 +00:00: disk full',
      '  schedule  on demand',
      '  timezone  UTC',
      '  action    tar czf /backups/home.tgz "my files"',
      '  cwd       /tmp',
      '  next      -',
      '  last      succeeded, now',
      '  options   timeout 10m; kill-after 10s; overlap skip; catch-up skip; history keep 200, ' +
        'output-limit 256KiB',
    ]);
    expect(lines.slice(-4)).toEqual([
      'recent runs',
      '  ID  TRIGGER  STARTED                     DURATION  OUTCOME',
      '   1  manual   2026-03-01 12:00:00 +00:00      2.0s  succeeded',
      '',
    ]);
  });

  test('an unknown name: "no task named" with the closest name, exit 1', async () => {
    const f = await startThree();
    expect(await runAgainst(f, ['show', 'bakup'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'taskkit: no task named "bakup" (did you mean "backup")\n',
    });
  });
});
