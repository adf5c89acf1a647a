// A claim answered `{ retryAt }` (engine/ports.ts ClaimVerdict: too early by the store's clock): the
// run stays claimable, `queued`, and its claim is asked again at that instant with the same id and
// attempt. While it waits it holds no max-concurrent slot nor group place (another run may start),
// but it keeps its max-runs unit and still collides for overlap; a deadline still applies; an
// answer in the past waits MIN_CLAIM_RETRY_MS, so a claim that keeps saying so cannot spin.
import { describe, expect, test } from 'vitest';
import { MIN_CLAIM_RETRY_MS, type ClaimVerdict, type RunClaim } from '../../src/engine/ports.js';
import type { RunRecord } from '../../src/engine/run.js';
import { checkVerdict } from '../../src/engine/claim.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const START = '2026-08-01T12:00:00.000Z';

/** A synchronous claim that answers from `verdicts` in turn (then `true`), recording what it was asked and when. */
function scriptedClaim(clock: { now(): number }, verdicts: ClaimVerdict[]): { claim: RunClaim; asked: string[] } {
  const asked: string[] = [];
  const claim: RunClaim = (run: RunRecord) => {
    asked.push(`#${run.id} attempt ${run.attempt} at ${iso(clock.now())}`);
    return verdicts.shift() ?? true;
  };
  return { claim, asked };
}

describe('a claim answered retryAt', () => {
  test('is asked again at that instant, same id and attempt, and the run starts then', () => {
    const clockRef = { now: () => 0 };
    const script = scriptedClaim(clockRef, [{ retryAt: ms('2026-08-01T12:01:01.500Z') }]);
    const { clock, runner, scheduler, eventsOf } = createEngine(START, { claim: script.claim });
    clockRef.now = () => clock.now();
    scheduler.add(makeTask('job', { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(runner.requests).toEqual([]);
    expect(scheduler.get('job')).toMatchObject({ queued: 1, running: [], state: 'scheduled' });
    clock.advanceTo('2026-08-01T12:01:01.499Z');
    expect(runner.requests).toEqual([]);
    clock.advanceTo('2026-08-01T12:01:01.500Z');
    expect(script.asked).toEqual([
      '#1 attempt 1 at 2026-08-01T12:01:00.000Z',
      '#1 attempt 1 at 2026-08-01T12:01:01.500Z',
    ]);
    expect(eventsOf('run-started').map((run) => [run.id, iso(run.scheduledAt), iso(run.startedAt)])).toEqual([
      [1, '2026-08-01T12:01:00.000Z', '2026-08-01T12:01:01.500Z'],
    ]);
    expect(eventsOf('run-skipped')).toEqual([]);
  });

  test('the waiting run holds no slot: another task runs meanwhile (max-concurrent 1)', async () => {
    let early = true;
    const { clock, runner, scheduler } = createEngine(START, {
      maxConcurrent: 1,
      claim: (run) => (run.task === 'early' && early ? { retryAt: ms('2026-08-01T12:00:05.000Z') } : true),
    });
    scheduler.add(makeTask('early'));
    scheduler.add(makeTask('other'));
    scheduler.start();
    expect(scheduler.runNow('early').status).toBe('queued');
    expect(scheduler.runNow('other').status).toBe('running');
    early = false;
    clock.advanceTo('2026-08-01T12:00:05.000Z');
    // The slot is other's: early waits for it now, in the fair queue.
    expect(runner.running()).toEqual([2]);
    runner.finish(2);
    await flush();
    expect(runner.running()).toEqual([1]);
  });

  test("the waiting run holds no group place: the group's next run goes", () => {
    const { runner, scheduler } = createEngine(START, {
      groups: { db: 1 },
      claim: (run) => (run.task === 'a' ? { retryAt: ms('2026-08-01T12:00:05.000Z') } : true),
    });
    scheduler.add(makeTask('a', { group: 'db' }));
    scheduler.add(makeTask('b', { group: 'db' }));
    scheduler.start();
    scheduler.runNow('a');
    expect(scheduler.get('a').group).toEqual({ name: 'db', limit: 1, running: 0, waiting: 0 });
    expect(scheduler.runNow('b').status).toBe('running');
    expect(runner.running()).toEqual([2]);
  });

  test('a promise answering retryAt works the same, and keeps the max-runs unit while waiting', async () => {
    const answers: ((verdict: ClaimVerdict) => void)[] = [];
    const { clock, runner, scheduler } = createEngine(START, {
      claim: () => new Promise<ClaimVerdict>((resolve) => answers.push(resolve)),
    });
    scheduler.add(makeTask('job', { schedule: every('1m'), maxRuns: 1 }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    answers[0]?.({ retryAt: ms('2026-08-01T12:01:02.000Z') });
    await flush();
    expect(scheduler.get('job')).toMatchObject({ queued: 1, nextAt: null, scheduledRuns: 0 });
    clock.advanceTo('2026-08-01T12:01:02.000Z');
    expect(answers).toHaveLength(2);
    answers[1]?.(true);
    await flush();
    expect(runner.running()).toEqual([1]);
    expect(scheduler.get('job')).toMatchObject({ scheduledRuns: 1, nextAt: null, queued: 0 });
  });

  test('the waiting run still collides: the next instant is an overlap skip', () => {
    const { clock, scheduler, eventsOf } = createEngine(START, {
      claim: (run) => (run.id === 1 ? { retryAt: ms('2026-08-01T12:05:00.000Z') } : true),
    });
    scheduler.add(makeTask('job', { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:02:00.000Z');
    expect(eventsOf('run-skipped').map((run) => [run.id, run.error])).toEqual([
      [2, 'previous run #1 still queued (overlap: skip)'],
    ]);
  });

  test('an instant in the past waits MIN_CLAIM_RETRY_MS', () => {
    const clockRef = { now: () => 0 };
    const script = scriptedClaim(clockRef, [{ retryAt: 0 }, { retryAt: ms(START) }]);
    const { clock, runner, scheduler } = createEngine(START, { claim: script.claim });
    clockRef.now = () => clock.now();
    scheduler.add(makeTask('job'));
    scheduler.start();
    scheduler.runNow('job');
    clock.advanceBy(MIN_CLAIM_RETRY_MS * 2);
    expect(script.asked).toEqual([
      '#1 attempt 1 at 2026-08-01T12:00:00.000Z',
      `#1 attempt 1 at ${iso(ms(START) + MIN_CLAIM_RETRY_MS)}`,
      `#1 attempt 1 at ${iso(ms(START) + 2 * MIN_CLAIM_RETRY_MS)}`,
    ]);
    expect(runner.running()).toEqual([1]);
  });

  test('past its deadline by the time it is asked again, it is skipped (deadline)', () => {
    const { clock, runner, scheduler, eventsOf } = createEngine(START, {
      claim: () => ({ retryAt: ms('2026-08-01T12:01:30.000Z') }),
    });
    scheduler.add(makeTask('job', { schedule: every('1m'), deadlineMs: 10_000 }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:30.000Z');
    expect(runner.requests).toEqual([]);
    expect(eventsOf('run-skipped')).toMatchObject([{ id: 1, skip: { reason: 'deadline' } }]);
  });

  test('a stop drops the waiting run and does not wait for its instant', async () => {
    const { scheduler, eventsOf } = createEngine(START, {
      claim: () => ({ retryAt: ms('2026-08-01T13:00:00.000Z') }),
    });
    scheduler.add(makeTask('job'));
    scheduler.start();
    scheduler.runNow('job');
    await scheduler.stop({ graceMs: 0 });
    expect(eventsOf('run-finished')).toMatchObject([{ id: 1, status: 'cancelled' }]);
  });
});

describe('checkVerdict (a settled promise)', () => {
  test.each([
    [true, true],
    [{ refused: 'no' }, { refused: 'no' }],
    [{ yielded: 'lost' }, { yielded: 'lost' }],
    [{ retryAt: 5 }, { retryAt: 5 }],
    [{ retryAt: Number.NaN }, { refused: 'the claim gave no verdict' }],
    [{ retryAt: '5' }, { refused: 'the claim gave no verdict' }],
    [{ yielded: 3 }, { refused: 'the claim gave no verdict' }],
    [null, { refused: 'the claim gave no verdict' }],
    [false, { refused: 'the claim gave no verdict' }],
  ])('%j -> %j', (value, verdict) => {
    expect(checkVerdict(value)).toEqual(verdict);
  });
});
