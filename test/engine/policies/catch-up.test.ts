// src/engine/policies/catch-up.ts and deadline.ts, DESIGN.md task options `catch-up` / `deadline`:
// skip runs none, once runs the latest, all runs each (at most 100); a scheduled or catch-up run
// later than its instant + deadline is skipped.
import { describe, expect, test } from 'vitest';
import { describeMissed, MAX_CATCH_UP_RUNS, selectCatchUpRuns } from '../../../src/engine/policies/catch-up.js';
import { checkDeadline } from '../../../src/engine/policies/deadline.js';

const missed = { latest: [100, 200, 300], more: false };

describe('selectCatchUpRuns', () => {
  test('skip, once, all', () => {
    expect(selectCatchUpRuns('skip', missed)).toEqual([]);
    expect(selectCatchUpRuns('once', missed)).toEqual([300]);
    expect(selectCatchUpRuns('all', missed)).toEqual([100, 200, 300]);
  });

  test('all is capped at the latest 100', () => {
    const many = { latest: Array.from({ length: 150 }, (_, i) => i), more: true };
    expect(MAX_CATCH_UP_RUNS).toBe(100);
    expect(selectCatchUpRuns('all', many)).toEqual(Array.from({ length: 100 }, (_, i) => i + 50));
  });

  test('nothing missed: nothing to run', () => {
    expect(selectCatchUpRuns('all', { latest: [], more: false })).toEqual([]);
  });

  test('describeMissed words', () => {
    expect(describeMissed('skip', { latest: [1], more: false }, 0)).toBe('missed 1 instant (catch-up: skip)');
    expect(describeMissed('skip', missed, 0)).toBe('missed 3 instants (catch-up: skip)');
    expect(describeMissed('all', { latest: [1, 2], more: true }, 2)).toBe(
      'missed more than 2 instants, ran 2 (catch-up: all)',
    );
  });
});

describe('checkDeadline', () => {
  test('schedule and catch-up runs within the deadline may start; later ones may not', () => {
    expect(checkDeadline('schedule', 0, 60_000, 60_000)).toBeNull();
    expect(checkDeadline('catch-up', 0, 60_000, 60_001)).toBe(
      'would start 1m1ms after its instant, past its deadline of 1m',
    );
  });

  test('no deadline, no instant, or another trigger: no limit', () => {
    expect(checkDeadline('schedule', 0, null, 1e9)).toBeNull();
    expect(checkDeadline('manual', null, 1, 1e9)).toBeNull();
    expect(checkDeadline('retry', 0, 1, 1e9)).toBeNull();
  });
});
