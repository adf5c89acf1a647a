/**
 * A real process stopped on the fake clock (lifecycle.ts): the signals are real, the time between
 * them is the injected clock's, so kill-after and a 30-day timeout are exact and take no real time.
 */
import { afterEach, expect, test } from 'vitest';
import { describeStop } from '../../src/runner/outcome.js';
import { startProcessRun } from '../../src/runner/process.js';
import type { OutputListener, RunOutcome, RunRequest } from '../../src/runner/types.js';
import { FakeClock } from '../support/fake-clock.js';
import {
  argvAction,
  createOutputRecorder,
  createProcessRequest,
  createProcessTracker,
  fixtureArgv,
  isAlive,
} from './_process-run.js';

const tracker = createProcessTracker();
afterEach(() => tracker.killAll());

const DAY = 86_400_000;
const stopWords = (outcome: RunOutcome): string => (outcome.stop === null ? '' : describeStop(outcome.stop));

function start(request: RunRequest, clock: FakeClock, onOutput?: OutputListener) {
  return tracker.track(startProcessRun(request, onOutput, clock));
}

test('cancel: SIGTERM now; SIGKILL exactly kill-after later on the clock, not before', async () => {
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const recorder = createOutputRecorder();
  const handle = start(
    createProcessRequest({ action: argvAction(...fixtureArgv('ignore-sigterm.js')), killAfterMs: 150 }),
    clock,
    recorder.listener,
  );
  await recorder.waitFor('ready\n');
  handle.cancel('cancel');
  await recorder.waitFor('got SIGTERM\n');
  clock.advanceBy(149);
  expect(isAlive(handle.pid ?? 0)).toBe(true);
  clock.advanceBy(1);
  const outcome = await handle.done;
  expect([outcome.status, outcome.signal, outcome.error]).toEqual(['cancelled', 'SIGKILL', null]);
  expect(outcome.stop).toEqual({
    cause: 'cancel',
    afterMs: 0,
    signals: ['SIGTERM', 'SIGKILL'],
    killAfterMs: 150,
    abandoned: null,
  });
  expect(stopWords(outcome)).toBe('cancelled by taskkit cancel; sent SIGTERM, then SIGKILL after 150ms');
});

test('timeout: 30d stops a real process after 30 days on the clock, not at once (issue 15)', async () => {
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const recorder = createOutputRecorder();
  const handle = start(
    createProcessRequest({ action: argvAction(...fixtureArgv('sleep-forever.js')), timeoutMs: 30 * DAY }),
    clock,
    recorder.listener,
  );
  await recorder.waitFor('sleeping\n');
  clock.advanceBy(30 * DAY - 1);
  expect(isAlive(handle.pid ?? 0)).toBe(true);
  clock.advanceBy(1);
  const outcome = await handle.done;
  expect([outcome.status, outcome.signal, outcome.endedAt - outcome.startedAt]).toEqual([
    'timed-out',
    'SIGTERM',
    30 * DAY,
  ]);
  expect(stopWords(outcome)).toBe('timed out after 30d; sent SIGTERM');
});
