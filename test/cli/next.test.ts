/**
 * `taskkit next`, in-process through runCli: ad hoc schedules and tasks of a file, exact instants
 * (DESIGN.md "Schedule semantics": `next(after)` is strictly after; fixed-time DST rules).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createMemoryIo } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-cli-next-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function next(args: string[], cwd = dir, tz = 'UTC'): Promise<{ code: number; out: string; err: string }> {
  const io = createMemoryIo({ cwd, env: { HOME: dir, TZ: tz } });
  const code = await runCli(['next', ...args], io);
  return { code, out: io.stdoutText(), err: io.stderrText() };
}

/** The `instants` of a --json answer. */
function instantsOf(out: string): unknown {
  return (JSON.parse(out) as { instants: unknown }).instants;
}

describe('ad hoc schedules', () => {
  test('a fixed-time cron line across the New York spring-forward gap fires once at the end of the gap', async () => {
    const result = await next([
      '--cron',
      '30 2 * * *',
      '--timezone',
      'America/New_York',
      '--from',
      '2026-03-07',
      '-n',
      '3',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      source: 'ad hoc',
      task: null,
      held: false,
      instants: ['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z'],
      issues: [],
    });
  });

  test('--from is inclusive: an instant equal to it is listed first', async () => {
    const result = await next([
      '--every',
      '1h',
      '--timezone',
      'UTC',
      '--from',
      '2026-01-01T05:00:00Z',
      '-n',
      '2',
      '--json',
    ]);
    expect(instantsOf(result.out)).toEqual(['2026-01-01T05:00:00.000Z', '2026-01-01T06:00:00.000Z']);
  });

  test('--daily with several times, in a half-hour-offset zone', async () => {
    const result = await next([
      '--daily',
      '09:00,21:30',
      '--timezone',
      'Asia/Kolkata',
      '--from',
      '2026-06-01T00:00:00Z',
      '-n',
      '3',
      '--json',
    ]);
    expect(instantsOf(result.out)).toEqual([
      '2026-06-01T03:30:00.000Z',
      '2026-06-01T16:00:00.000Z',
      '2026-06-02T03:30:00.000Z',
    ]);
  });

  test('human output shows the offset of each instant, so the DST change is visible', async () => {
    const result = await next([
      '--cron',
      '0 12 * * *',
      '--timezone',
      'Europe/Berlin',
      '--from',
      '2026-10-24T00:00:00Z',
      '-n',
      '2',
    ]);
    expect(result.out).toContain('2026-10-24 12:00:00 +02:00');
    expect(result.out).toContain('2026-10-25 12:00:00 +01:00');
  });

  test.each([
    [['--daily', '25:00'], /--daily: .*25:00/],
    [['--cron', '75 * * * *'], /--cron: cron field "minute" out of range \(0-59\): 75/],
    [['--every', '5 minutes'], /--every: .*5 minutes/],
    [['--cron', '* * * * *', '--every', '1m'], /give one of --cron, --daily, --every, --rrule/],
    [['--rrule', 'FREQ=DAILY;BYHOUR=24'], /^taskkit: --rrule: rrule part "BYHOUR" out of range \(0-23\): 24\n$/],
    [['--rrule', 'FREQ=DAILY;BYDAYS=MO'], /--rrule: unknown rrule part "BYDAYS" \(did you mean "BYDAY"\)/],
    [['--rrule', 'FREQ=DAILY', '--start', '2026-02-30'], /^taskkit: --start: no such date: "2026-02-30"\n$/],
    [['--cron', '* * * * *', '--start', '2026-01-01'], /--start only applies to --every and --rrule, not --cron/],
    [['--start', '2026-01-01'], /--start needs --every or --rrule/],
    [['--timezone', 'UTC'], /--timezone needs --cron, --daily, --every or --rrule/],
    [['--cron', '* * * * *', '--timezone', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
    [['--cron', '* * * * *', '-n', '0'], /--count: expected a positive whole number/],
  ])('bad input %j is a usage error (exit 2) saying what is wrong', async (args, message) => {
    const result = await next(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});

describe('tasks of a file', () => {
  const file = join(dir, 'tasks.yaml');
  writeFileSync(
    file,
    [
      'settings:',
      '  timezone: UTC',
      'tasks:',
      '  hourly:',
      '    every: 1h',
      '    run: "true"',
      '  noon:',
      '    daily: "12:00"',
      '    run: "true"',
      '  manual:',
      '    run: "true"',
      '',
    ].join('\n'),
  );

  test('one task: its next instants', async () => {
    const result = await next(['hourly', '-n', '2', '--from', '2026-05-05T10:20:00Z', '--json']);
    expect(JSON.parse(result.out)).toEqual({
      source: 'file',
      task: 'hourly',
      held: false,
      instants: ['2026-05-05T11:00:00.000Z', '2026-05-05T12:00:00.000Z'],
      issues: [],
    });
  });

  test('every task merged in time order, on-demand tasks have none', async () => {
    const result = await next(['-n', '3', '--from', '2026-05-05T10:20:00Z', '--json']);
    expect(JSON.parse(result.out)).toEqual({
      source: 'file',
      instants: [
        { task: 'hourly', at: '2026-05-05T11:00:00.000Z', held: false },
        { task: 'hourly', at: '2026-05-05T12:00:00.000Z', held: false },
        { task: 'noon', at: '2026-05-05T12:00:00.000Z', held: false },
      ],
      issues: [],
    });
  });

  test('an unknown task is exit 1 with the closest name', async () => {
    const result = await next(['hourlyy']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no task named "hourlyy" \(did you mean "hourly"\)/);
  });
});

describe('a TZ taskkit cannot use as given', () => {
  // The fallback zone is /etc/localtime's (config/process-zone.ts); whichever it is, it is said.
  test('ad hoc: an empty TZ falls back with a warning on stderr, and the instants still come', async () => {
    const result = await next(['--every', '1h', '-n', '1', '--json'], dir, '');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^taskkit: warning: TZ is set but empty \(TZ=""\); using /m);
    expect(instantsOf(result.out)).toHaveLength(1);
  });

  test("the file's view: an unknown TZ falls back with the file's warning on stderr", async () => {
    const folder = mkdtempSync(join(dir, 'bogus-tz-'));
    writeFileSync(join(folder, 'tasks.yaml'), 'tasks:\n  tick:\n    every: 1h\n    run: "true"\n');
    const result = await next(['-n', '1', '--json'], folder, 'Nowhere/Bogus');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/warning.*"Nowhere\/Bogus"/);
    expect(instantsOf(result.out)).toHaveLength(1);
  });

  test('a TZ that names a zone gives no warning', async () => {
    const result = await next(['--every', '1h', '-n', '1', '--json'], dir, 'Europe/Berlin');
    expect(result.err).toBe('');
  });
});
