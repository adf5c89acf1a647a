// src/engine/missed-instants.ts (DESIGN.md "Schedule semantics", catch-up): the latest missed
// instants in (after, upTo], found without stepping through the whole gap: a task every second
// that was down for 30 days must not cost 2.6 million next() calls.
import { describe, expect, test } from 'vitest';
import { collectMissed } from '../../src/engine/missed-instants.js';
import { nextEvery } from '../../src/schedule/every.js';
import { every, iso, ms } from '../support/engine-task.js';

describe('collectMissed', () => {
  test('all of them when they fit, ascending, strictly after `after` and up to `upTo` inclusive', () => {
    const spec = every('1h');
    const missed = collectMissed(
      (after) => nextEvery(spec, after),
      ms('2027-08-01T08:00:00Z'),
      ms('2027-08-01T11:00:00Z'),
      100,
    );
    expect(missed.latest.map(iso)).toEqual([
      '2027-08-01T09:00:00.000Z',
      '2027-08-01T10:00:00.000Z',
      '2027-08-01T11:00:00.000Z',
    ]);
    expect(missed.more).toBe(false);
  });

  test('only the latest `limit`, with more = true, at a bounded cost', () => {
    const spec = every('1s');
    let calls = 0;
    const next = (after: number): number => {
      calls++;
      return nextEvery(spec, after);
    };
    const missed = collectMissed(next, ms('2027-07-01T00:00:00Z'), ms('2027-07-31T00:00:00Z'), 100);
    expect(missed.latest.length).toBe(100);
    expect(iso(missed.latest[0])).toBe('2027-07-30T23:58:21.000Z');
    expect(iso(missed.latest[99])).toBe('2027-07-31T00:00:00.000Z');
    expect(missed.more).toBe(true);
    expect(calls).toBeLessThan(1_000);
  });

  test('exactly `limit` instants: more = false', () => {
    const spec = every('1m');
    const missed = collectMissed(
      (after) => nextEvery(spec, after),
      ms('2027-08-01T00:00:00Z'),
      ms('2027-08-01T00:03:00Z'),
      3,
    );
    expect(missed).toEqual({
      latest: [ms('2027-08-01T00:01:00Z'), ms('2027-08-01T00:02:00Z'), ms('2027-08-01T00:03:00Z')],
      more: false,
    });
  });

  test('none: an empty range, a schedule with no instant in it, or a finished one', () => {
    const spec = every('1h');
    expect(collectMissed((after) => nextEvery(spec, after), 10, 10, 100)).toEqual({ latest: [], more: false });
    expect(
      collectMissed((after) => nextEvery(spec, after), ms('2027-08-01T08:00:01Z'), ms('2027-08-01T08:59:59Z'), 100),
    ).toEqual({ latest: [], more: false });
    expect(collectMissed(() => null, 0, 1e12, 100)).toEqual({ latest: [], more: false });
  });
});
