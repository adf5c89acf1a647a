// The task_state table: hold + note + time, run-time reschedule (ScheduleSpec JSON), last scheduled
// instant, max-runs counter and the definition's fingerprint, round-tripped exactly.
import { describe, expect, test } from 'vitest';
import type { ScheduleSpec } from '../../../src/schedule/types.js';
import type { TaskStateRecord } from '../../../src/store/store.js';
import { openDatabase } from '../../../src/store/sqlite/open.js';
import { TaskStateTable } from '../../../src/store/sqlite/task-state.js';
import { useTempState } from '../_support.js';

const temp = useTempState();

function openTable(): TaskStateTable {
  const db = openDatabase(temp.dbPath);
  temp.defer(() => db.close());
  return new TaskStateTable(db);
}

const HELD_AT = Date.parse('2026-07-01T08:15:00.000Z');
const SAVED_AT = Date.parse('2026-07-01T09:00:00.000Z');

const record = (overrides: Partial<TaskStateRecord> = {}): TaskStateRecord => ({
  name: 'report',
  fingerprint: '0123456789abcdef0123456789abcdef',
  fileHold: false,
  hold: { note: 'disk full, see #12', at: HELD_AT },
  reschedule: { kind: 'every', periodMs: 900_000, anchor: Date.parse('2000-01-01T00:00:00.000Z'), startGiven: false },
  lastScheduledAt: Date.parse('2026-07-01T08:45:00.000Z'),
  scheduledRuns: 17,
  ...overrides,
});

describe('task state', () => {
  test('round trip of every field, with the time it was saved', () => {
    const table = openTable();
    table.save(record(), SAVED_AT);
    expect(table.get('report')).toStrictEqual({ ...record(), savedAt: SAVED_AT });
  });

  test('not held, no reschedule, never fired', () => {
    const table = openTable();
    const plain = record({ fileHold: true, hold: null, reschedule: null, lastScheduledAt: null, scheduledRuns: 0 });
    table.save(plain, SAVED_AT);
    expect(table.get('report')).toStrictEqual({ ...plain, savedAt: SAVED_AT });
  });

  test('a hold without a note', () => {
    const table = openTable();
    table.save(record({ hold: { note: null, at: HELD_AT } }), SAVED_AT);
    expect(table.get('report')?.hold).toStrictEqual({ note: null, at: HELD_AT });
  });

  const schedules: ScheduleSpec[] = [
    { kind: 'every', periodMs: 90_000, anchor: Date.parse('2026-01-01T00:00:00.000Z'), startGiven: true },
    {
      kind: 'daily',
      times: [
        { hour: 3, minute: 30, second: 0 },
        { hour: 15, minute: 30, second: 15 },
      ],
    },
    { kind: 'at', instants: [Date.parse('2026-12-01T09:00:00.000Z'), Date.parse('2026-12-02T09:00:00.000Z')] },
    { kind: 'cron', expression: '*/15 * * * 1-5' },
    { kind: 'reboot' },
    { kind: 'on-demand' },
  ];
  test.each(schedules)('a reschedule of kind $kind', (reschedule) => {
    const table = openTable();
    table.save(record({ reschedule }), SAVED_AT);
    expect(table.get('report')?.reschedule).toStrictEqual(reschedule);
  });

  test('saving again replaces the row', () => {
    const table = openTable();
    table.save(record(), SAVED_AT);
    table.save(record({ hold: null, reschedule: null, scheduledRuns: 18 }), SAVED_AT + 1);
    expect(table.get('report')).toStrictEqual({
      ...record({ hold: null, reschedule: null, scheduledRuns: 18 }),
      savedAt: SAVED_AT + 1,
    });
  });

  test('an unknown task has no state', () => {
    expect(openTable().get('nobody')).toBeNull();
  });
});
