/**
 * Issue 8 item 2, real clock changes: the REAL daemon under libfaketime (how Node's clocks and
 * timers behave under it: _support/clock-faketime.ts) through four DST nights at 720x speed (the
 * long form: whole nights, 00:00-04:00 local, at 120x), a 2-hour suspend (the wall clock steps
 * forward, the monotonic clock does not) and the wall clock set back 1 hour. Fire times come from
 * the runs table and are checked against DESIGN.md's rules (_support/clock-nights.ts), against
 * `taskkit next --from` (the offline math) and against `taskkit history --json`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir, pause, type DaemonDir } from '../e2e/_daemon.js';
import {
  checkFaketime,
  createClockFile,
  faketimeEnv,
  findFaketimeLibrary,
  pokeDaemon,
  readEnviron,
  removeFaketimeSegments,
  startFakedDaemon,
  stopFakedDaemon,
  waitForLogLine,
  type ClockFile,
} from './_support/clock-faketime.js';
import {
  formatLocal,
  groupLocal,
  readHistoryJson,
  readOfflineNext,
  readRuns,
  waitForRuns,
  type RunRow,
} from './_support/clock-history.js';
import { NIGHTS, parseExpected, renderClockTasks, renderNightTasks, type Night } from './_support/clock-nights.js';

const LONG = process.env.TASKKIT_FAULTS_LONG === '1';
const UNUSABLE = checkFaketime();
const RATE = LONG ? 120 : 720;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const ZONE = 'America/New_York';

const figures = { nights: 0, fires: 0, catchUpOnceRuns: Number.NaN, duplicates: Number.NaN };
const daemonPids: number[] = [];

afterEach(async () => {
  await cleanUpDaemons();
  for (const pid of daemonPids.splice(0)) removeFaketimeSegments(pid);
});

afterAll(() => {
  if (UNUSABLE !== null) return;
  console.log(
    `[faults] clock: ${figures.nights} DST nights (NY, Berlin x spring, fall), ${figures.fires} fires checked, ` +
      `jump +2h: catch-up once -> ${figures.catchUpOnceRuns} run, jump -1h: ${figures.duplicates} ` +
      `duplicates${LONG ? ' (long: whole nights)' : ''}`,
  );
});

if (UNUSABLE !== null) {
  console.log(`[faults] clock: skipped: ${UNUSABLE}`);
  test.skip(`clock changes need libfaketime: ${UNUSABLE}`, () => {});
}

/** Run the daemon through `night` at RATE and check every fire. */
async function checkNight(night: Night): Promise<void> {
  const d = makeDaemonDir();
  const config = d.writeTasks(renderNightTasks(night));
  // The window's ends are both checked; a night is 00:00 up to (not including) 04:00.
  const from = Date.parse(LONG ? night.night[0] : night.window[0]);
  const to = LONG ? Date.parse(night.night[1]) - MINUTE : Date.parse(night.window[1]);
  const clock = createClockFile(d.dir);
  // Start-up at 720x would eat fake hours, and the daemon's clock must not pass the window before it
  // runs: start at real speed shortly before, then restart both clocks together one minute before
  // the window at speed (a forward move of both clocks is a short wait to the engine, not a step).
  clock.restartAt(from - 4 * MINUTE);
  // Both clocks at RATE: the spawner watch's 10 s of silence would be 14 ms of real time, less than
  // a fork takes on a loaded machine (it killed spawners waiting for a core): scaled back to real time.
  const env = { ...faketimeEnv(clock, 'both-clocks'), TASKKIT_TEST_SPAWNER_WATCH_SCALE: String(RATE) };
  const daemon = await startFakedDaemon(d, config, env);
  daemonPids.push(daemon.pid);
  expect(daemon.readyAt).toBeLessThan(from - MINUTE);
  clock.restartAt(from - MINUTE, RATE);
  await pokeDaemon(d.socket);
  // Time itself is what is awaited here: the faked clock passes `to` after this much real time.
  await pause((to + 2 * MINUTE - (from - MINUTE)) / RATE);
  // A stop now would cancel a run still going (a slow spawn on a loaded machine): let them end.
  const going = (run: RunRow): boolean =>
    (run.status === 'running' || run.status === 'queued') && (run.scheduledAt ?? 0) <= to;
  await waitForRuns(d.stateDir, (all) => !all.some(going), "the window's runs to end");
  const stoppedAt = await stopFakedDaemon(daemon);
  expect(stoppedAt).toBeGreaterThan(to);

  const runs = readRuns(d.stateDir);
  const scheduled = (run: RunRow): { task: string; at: number } => ({
    task: run.task,
    at: run.scheduledAt ?? Number.NaN,
  });
  const byTask = (grouped: Record<string, string[]>): Record<string, string[]> =>
    Object.fromEntries(night.tasks.map((task) => [task.name, grouped[task.name] ?? []]));
  // DESIGN.md: what each rule says fires inside the window, to the minute and offset.
  const within = (entry: string): boolean => parseExpected(night, entry) >= from && parseExpected(night, entry) <= to;
  const expected = Object.fromEntries(
    night.tasks.map((task) => [task.name, task.expected.filter(within).map((entry) => `${night.date} ${entry}`)]),
  );
  const inWindow = runs.filter((run) => run.scheduledAt !== null && run.scheduledAt >= from && run.scheduledAt <= to);
  expect(byTask(groupLocal(inWindow.map(scheduled), night.zone)), daemon.log()).toEqual(expected);
  // Each on its own schedule, on time: nothing was taken for missed (no catch-up, no skip).
  const offSchedule = (run: RunRow): boolean =>
    run.trigger !== 'schedule' || ((run.scheduledAt ?? 0) <= to && run.status !== 'succeeded');
  expect(runs.filter(offSchedule), daemon.log()).toEqual([]);
  // The offline math agrees with the daemon over everything it ran, and the daemon ran nothing else.
  const offline = await readOfflineNext(d, daemon.readyAt, 1000);
  const untilTo = runs.filter((run) => (run.scheduledAt ?? Infinity) <= to);
  const predicted = offline.filter((entry) => entry.at <= to);
  expect(byTask(groupLocal(untilTo.map(scheduled), night.zone))).toEqual(byTask(groupLocal(predicted, night.zone)));
  const later = new Set(
    offline.filter((entry) => entry.at > to && entry.at <= stoppedAt).map((entry) => `${entry.task} ${entry.at}`),
  );
  expect(runs.filter((run) => (run.scheduledAt ?? 0) > to && !later.has(`${run.task} ${run.scheduledAt}`))).toEqual([]);
  // `taskkit history --json` (offline now) shows the same runs.
  expect(await readHistoryJson(d)).toEqual(new Map(runs.map((run) => [run.id, run.scheduledAt])));
  figures.nights++;
  figures.fires += Object.values(expected).flat().length;
}

describe.skipIf(UNUSABLE !== null)('DST nights (DESIGN.md "Schedule semantics", Vixie cron rules)', () => {
  for (const night of NIGHTS) {
    const title = `${night.label}: daily, fixed-time and wildcard cron and every fire as DESIGN.md says`;
    test(title, { timeout: LONG ? 400_000 : 60_000 }, () => checkNight(night));
  }
});

/** Start a detached daemon (through `taskkit start` under faketime, wall clock only) at `at`. */
async function startWallOnly(lines: string[], at: number): Promise<{ d: DaemonDir; clock: ClockFile }> {
  const d = makeDaemonDir();
  d.writeTasks(lines);
  const clock = createClockFile(d.dir);
  clock.offsetTo(at);
  const started = await d.taskkit(['start'], { env: faketimeEnv(clock, 'wall-only') });
  expect(started.code, started.stderr).toBe(0);
  const pid = d.readPid() as number;
  daemonPids.push(pid);
  // The detached daemon keeps the preload `taskkit start` ran under.
  expect(readEnviron(pid)).toMatchObject({ LD_PRELOAD: findFaketimeLibrary(), FAKETIME_DONT_FAKE_MONOTONIC: '1' });
  return { d, clock };
}

/** Wait until the faked wall clock is half-way between two `every: 2s` instants: a step then straddles none. */
async function waitBetweenTicks(clock: ClockFile): Promise<void> {
  await pause((3_000 - (clock.now() % 2_000)) % 2_000);
}

const describeRun = (run: RunRow): (string | null)[] => [
  run.task,
  run.trigger,
  run.status,
  run.scheduledAt === null ? null : formatLocal(run.scheduledAt, ZONE),
  run.error,
];

describe.skipIf(UNUSABLE !== null)(
  'wall-clock steps (DESIGN.md: an instant skipped over fires at most once, never in a burst)',
  () => {
    test('a 2-hour suspend: each task gets its catch-up policy once, no burst', { timeout: 60_000 }, async () => {
      const at11 = Date.parse('2026-06-10T15:00:00Z'); // 11:00 EDT
      const { d, clock } = await startWallOnly(
        renderClockTasks(ZONE, [
          { name: 'hourly-once', lines: ['cron: "0 * * * *"', 'catch-up: once'] },
          { name: 'minutely-once', lines: ['every: 1m', 'catch-up: once'] },
          { name: 'minutely-skip', lines: ['cron: "* * * * *"'] },
          { name: 'daily-noon', lines: ['daily: "12:00"', 'catch-up: once'] },
          { name: 'tick-2s', lines: ['every: 2s'] },
        ]),
        at11 - 4_000,
      );
      await waitForRuns(
        d.stateDir,
        (runs) => runs.some((run) => run.task === 'minutely-skip' && run.scheduledAt === at11),
        'the 11:00 runs',
      );
      await waitBetweenTicks(clock);
      const stepFrom = clock.now();
      // Landing before 13:01 keeps the latest missed minute at 13:00, which the lists below name.
      expect(stepFrom).toBeLessThan(at11 + 50_000);
      clock.step(2 * HOUR);
      await waitForLogLine(`${d.stateDir}/taskkit.log`, /wall clock jumped forward by /);
      const runs = await waitForRuns(
        d.stateDir,
        (all) =>
          all.some(
            (run) =>
              run.task === 'tick-2s' && run.trigger === 'schedule' && (run.scheduledAt ?? 0) > stepFrom + 2 * HOUR,
          ),
        'tick-2s to go on after the step',
      );
      expect((await d.taskkit(['stop'])).code).toBe(0);
      const log = readFileSync(`${d.stateDir}/taskkit.log`, 'utf8');

      // The instants stepped over, and what the wake that noticed the step recorded for them.
      const landed = stepFrom + 2 * HOUR;
      const stepped = runs.filter(
        (run) => (run.scheduledAt ?? 0) > stepFrom && (run.trigger === 'catch-up' || (run.scheduledAt ?? 0) <= landed),
      );
      expect(stepped.map(describeRun).sort()).toEqual([
        ['daily-noon', 'catch-up', 'succeeded', '2026-06-10 12:00 -04:00', null],
        // 12:00 and 13:00 missed: one run, and one row for the instant not run (issue 16.7).
        [
          'hourly-once',
          'catch-up',
          'skipped',
          '2026-06-10 12:00 -04:00',
          'missed 1 instant (catch-up: once, ran the latest)',
        ],
        ['hourly-once', 'catch-up', 'succeeded', '2026-06-10 13:00 -04:00', null],
        // 120 missed: one run; the 119 others are one row from the first of them.
        [
          'minutely-once',
          'catch-up',
          'skipped',
          '2026-06-10 11:01 -04:00',
          'missed 119 instants (catch-up: once, ran the latest)',
        ],
        ['minutely-once', 'catch-up', 'succeeded', '2026-06-10 13:00 -04:00', null],
        // All 120 counted (a cron one by one, bounded at 10,000) in one row from the first.
        ['minutely-skip', 'catch-up', 'skipped', '2026-06-10 11:01 -04:00', 'missed 120 instants (catch-up: skip)'],
        // Even the instant its timer was waiting for when the clock stepped: skipped, not run late.
        // (3600 in the two hours, one more when the wake that noticed the step came after the next tick.)
        [
          'tick-2s',
          'catch-up',
          'skipped',
          expect.any(String),
          expect.stringMatching(/^missed 360[01] instants \(catch-up: skip\)$/),
        ],
      ]);
      expect(log).toContain('hourly-once: missed 2 instants, ran 1 (catch-up: once)');
      expect(log).toContain('minutely-once: missed more than 100 instants, ran 1 (catch-up: once)');
      figures.catchUpOnceRuns = stepped.filter((run) => run.task === 'hourly-once' && run.status !== 'skipped').length;
      expect(figures.catchUpOnceRuns).toBe(1);
    });

    test(
      'the wall clock set back 1 hour: nothing runs twice; tasks wait for their next instant after the last run',
      { timeout: 60_000 },
      async () => {
        const noon = Date.parse('2026-06-10T16:00:00Z'); // 12:00 EDT
        const start = noon - 4_000;
        const { d, clock } = await startWallOnly(
          renderClockTasks(ZONE, [
            { name: 'hourly', lines: ['cron: "0 * * * *"'] },
            { name: 'daily-noon', lines: ['daily: "12:00"'] },
            { name: 'minutely', lines: ['cron: "* * * * *"'] },
            { name: 'tick-2s', lines: ['every: 2s'] },
          ]),
          start,
        );
        const ranAtNoon = (runs: RunRow[], task: string): boolean =>
          runs.some((run) => run.task === task && run.scheduledAt === noon);
        await waitForRuns(
          d.stateDir,
          (runs) => ['hourly', 'daily-noon', 'minutely'].every((task) => ranAtNoon(runs, task)),
          'the 12:00 runs',
        );
        await waitBetweenTicks(clock);
        clock.step(-HOUR);
        await waitForLogLine(`${d.stateDir}/taskkit.log`, /wall clock jumped back by /);
        // Nothing may happen now: tick-2s alone would have run at least once in these 3 s without the step.
        await pause(3_000);
        const listed = await d.taskkit(['list', '--json']);
        expect(listed.code, listed.stderr).toBe(0);
        expect((await d.taskkit(['stop'])).code).toBe(0);

        const runs = readRuns(d.stateDir);
        const keys = runs.map((run) => `${run.task} ${run.scheduledAt}`);
        figures.duplicates = keys.length - new Set(keys).size;
        expect(figures.duplicates).toBe(0);
        // A run created after the step would carry a creation time an hour before the daemon's start.
        expect(runs.filter((run) => run.createdAt < start - 30 * MINUTE).map(describeRun)).toEqual([]);
        const lastTick = Math.max(...runs.filter((run) => run.task === 'tick-2s').map((run) => run.scheduledAt ?? 0));
        const listedTasks = JSON.parse(listed.stdout) as { name: string; nextAt: string }[];
        const next = Object.fromEntries(listedTasks.map((task) => [task.name, Date.parse(task.nextAt)]));
        // 13:00, tomorrow 12:00, 12:01, and two seconds after the last tick: the step back reran none of them.
        expect(next).toEqual({
          hourly: noon + HOUR,
          'daily-noon': noon + 24 * HOUR,
          minutely: noon + MINUTE,
          'tick-2s': lastTick + 2_000,
        });
      },
    );
  },
);
