/**
 * The life of a run on the fake clock (lifecycle.ts): the timeout, a stop with its cause, the
 * escalation after kill-after, one end, at exact instants. Issue 15: waits past 2^31-1 ms chain.
 */
import { describe, expect, test } from 'vitest';
import { MAX_TIMER_DELAY_MS } from '../../src/engine/clock.js';
import { startFunctionRun } from '../../src/runner/function.js';
import { startLifecycle, type LifecycleHooks } from '../../src/runner/lifecycle.js';
import { describeStop } from '../../src/runner/outcome.js';
import type { StopCause } from '../../src/runner/types.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeTask } from '../support/task-spec.js';

const START = '2026-03-01T12:00:00.000Z';
const DAY = 86_400_000;

function recordHooks(): LifecycleHooks & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    deliver: (cause: StopCause) => void calls.push(`deliver ${cause}`),
    escalate: () => void calls.push('escalate'),
  };
}

describe('timeout and kill-after, at exact instants', () => {
  test('the timeout stops the run at its instant, and escalation comes kill-after later', () => {
    const clock = new FakeClock(START);
    const hooks = recordHooks();
    const life = startLifecycle({ clock, timeoutMs: 30_000, killAfterMs: 10_000 }, hooks);
    clock.advanceBy(29_999);
    expect(hooks.calls).toEqual([]);
    clock.advanceBy(1);
    expect([hooks.calls, life.stopCause]).toEqual([['deliver timeout'], 'timeout']);
    clock.advanceBy(9_999);
    expect(hooks.calls).toEqual(['deliver timeout']);
    clock.advanceBy(1);
    expect(hooks.calls).toEqual(['deliver timeout', 'escalate']);
    life.recordSignal('SIGTERM');
    life.recordSignal('SIGKILL');
    const { endedAt, stop } = life.end();
    expect(endedAt - life.startedAt).toBe(40_000);
    expect(stop).toEqual({
      cause: 'timeout',
      afterMs: 30_000,
      signals: ['SIGTERM', 'SIGKILL'],
      killAfterMs: 10_000,
      abandoned: null,
    });
  });

  test('a cancel says when it came; a second stop changes nothing', () => {
    const clock = new FakeClock(START);
    const hooks = recordHooks();
    const life = startLifecycle({ clock, timeoutMs: 60_000, killAfterMs: 5_000 }, hooks);
    clock.advanceBy(1_234);
    expect(life.stop('cancel')).toBe(true);
    expect(life.stop('shutdown')).toBe(false);
    clock.advanceBy(60_000);
    expect(hooks.calls).toEqual(['deliver cancel', 'escalate']);
    expect(life.end().stop).toMatchObject({ cause: 'cancel', afterMs: 1_234 });
  });

  test.each(['cancel', 'replace', 'shutdown'] as const)(
    'a %s in the kill-after of a timeout overtakes it: its cause, the timeout kept, nothing more sent',
    (why) => {
      const clock = new FakeClock(START);
      const hooks = recordHooks();
      const life = startLifecycle({ clock, timeoutMs: 30_000, killAfterMs: 10_000 }, hooks);
      clock.advanceBy(35_000);
      expect(life.stop(why)).toBe(true);
      expect(life.stopCause).toBe(why);
      expect(life.stop('cancel')).toBe(false);
      clock.advanceBy(4_999);
      expect(hooks.calls).toEqual(['deliver timeout']);
      clock.advanceBy(1);
      expect(hooks.calls).toEqual(['deliver timeout', 'escalate']);
      expect(life.end().stop).toEqual({
        cause: why,
        afterMs: 35_000,
        signals: [],
        killAfterMs: 10_000,
        abandoned: null,
        timedOutAfterMs: 30_000,
      });
    },
  );

  test('the end cancels every timer: no stop or escalation after it', () => {
    const clock = new FakeClock(START);
    const hooks = recordHooks();
    const life = startLifecycle({ clock, timeoutMs: 1_000, killAfterMs: 1_000 }, hooks);
    expect(life.end()).toEqual({ endedAt: Date.parse(START), stop: null });
    expect(life.stop('replace')).toBe(false);
    clock.advanceBy(10_000);
    expect([hooks.calls, clock.pendingTimers]).toEqual([[], 0]);
  });

  test('disarmTimeout: a leader that exited by itself is not timed out', () => {
    const clock = new FakeClock(START);
    const hooks = recordHooks();
    const life = startLifecycle({ clock, timeoutMs: 1_000, killAfterMs: 1_000 }, hooks);
    life.disarmTimeout();
    clock.advanceBy(5_000);
    expect(hooks.calls).toEqual([]);
  });
});

describe('waits past the 2^31-1 ms of one Node timer (issue 15)', () => {
  test.each([
    ['timeout: 30d', { timeoutMs: 30 * DAY, killAfterMs: 10_000 }, 30 * DAY, 'deliver timeout'],
    ['kill-after: 30d', { timeoutMs: 1_000, killAfterMs: 30 * DAY }, 1_000 + 30 * DAY, 'escalate'],
  ])('%s fires at its instant, not at once, in capped steps', (_name, durations, firesAt, last) => {
    const clock = new FakeClock(START);
    const hooks = recordHooks();
    startLifecycle({ clock, ...durations }, hooks);
    clock.advanceBy(firesAt - 1);
    expect(hooks.calls.at(-1)).not.toBe(last);
    clock.advanceBy(1);
    expect(hooks.calls.at(-1)).toBe(last);
    expect(clock.delays.reduce((longest, delay) => Math.max(longest, delay), 0)).toBeLessThanOrEqual(
      MAX_TIMER_DELAY_MS,
    );
  });

  test(
    'a function task with timeout: 30d runs for 30 days, ' + 'then is stopped and abandoned after kill-after',
    async () => {
      const clock = new FakeClock(START);
      let signal: AbortSignal | undefined;
      const task = makeTask('month', {
        action: { kind: 'function', fn: (ctx) => ((signal = ctx.signal), new Promise(() => undefined)) },
        timeoutMs: 30 * DAY,
        killAfterMs: 10_000,
      });
      const handle = startFunctionRun(
        {
          runId: 1,
          task,
          trigger: 'schedule',
          scheduledAt: null,
          attempt: 1,
          outputLimitBytes: 1024,
          handle: { setPeriod: () => undefined, runOnCompletion: () => undefined, hold: () => undefined },
        },
        undefined,
        clock,
      );
      await Promise.resolve();
      clock.advanceBy(29 * DAY);
      expect(signal?.aborted).toBe(false);
      clock.advanceBy(DAY);
      expect(signal?.reason).toBe('timeout');
      clock.advanceBy(10_000);
      const outcome = await handle.done;
      expect([outcome.status, outcome.endedAt - outcome.startedAt]).toEqual(['timed-out', 30 * DAY + 10_000]);
      expect(clock.delays.reduce((longest, delay) => Math.max(longest, delay), 0)).toBe(MAX_TIMER_DELAY_MS);
      expect(
        describeStop(outcome.stop ?? { cause: 'cancel', afterMs: 0, signals: [], killAfterMs: 0, abandoned: null }),
      ).toBe('timed out after 30d; the function did not return within kill-after 10s and was abandoned');
    },
  );
});
