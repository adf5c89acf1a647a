// daemon/reload.ts: applying a new tasks file to a running engine. A task added back finds its
// saved state, as at a restart; a changed task that was rescheduled at run time loses the
// reschedule, and the log says so (DESIGN.md: "until reschedule --reset or a file change").
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { applyTasks, describeDroppedReschedules, describeReload, listRescheduled } from '../../src/daemon/reload.js';
import { createEngine, every, makeTask, ms } from '../support/engine-task.js';

const sync = makeTask('sync', { schedule: every('1h') });
const report = makeTask('report', { schedule: every('1h') });

test('adds, changes and removes; an added task gets restore(spec)', () => {
  const engine = createEngine('2026-07-01T08:00:00Z');
  engine.scheduler.add(sync);
  engine.scheduler.add(makeTask('gone'));
  engine.scheduler.start();
  const restored: string[] = [];
  const restore = (spec: TaskSpec) => {
    restored.push(spec.name);
    return { hold: { note: 'from the store', at: ms('2026-06-30T00:00:00Z') } };
  };
  const changedSync = makeTask('sync', { schedule: every('1h'), description: 'edited' });
  const summary = applyTasks(engine.scheduler, [changedSync, report], restore);
  expect(summary).toEqual({ added: ['report'], changed: ['sync'], removed: ['gone'], unchanged: [] });
  expect(restored).toEqual(['report']);
  expect(engine.scheduler.get('report')).toMatchObject({ held: true, holdNote: 'from the store' });
  expect(describeReload(summary)).toBe('1 added (report), 1 changed (sync), 1 removed (gone)');
});

describe('a dropped run-time reschedule', () => {
  test('is named in one log line when its task changed', () => {
    const engine = createEngine('2026-07-01T08:00:00Z');
    engine.scheduler.add(sync);
    engine.scheduler.add(report);
    engine.scheduler.start();
    engine.scheduler.reschedule('sync', every('15m'));
    engine.scheduler.reschedule('report', every('5m'));
    const before = listRescheduled(engine.scheduler);
    expect([...before]).toEqual(['sync', 'report']);
    // sync changes (its reschedule goes); report is unchanged (its reschedule stays).
    const summary = applyTasks(engine.scheduler, [
      makeTask('sync', { schedule: every('1h'), timeoutMs: 5_000 }),
      report,
    ]);
    expect(describeDroppedReschedules(before, summary)).toBe(
      "sync: the definition in the tasks file changed, so the run-time reschedule is dropped and the file's " +
        'schedule applies',
    );
    expect([engine.scheduler.get('sync').rescheduled, engine.scheduler.get('report').rescheduled]).toEqual([
      false,
      true,
    ]);
  });

  test('says nothing when no changed task was rescheduled', () => {
    expect(
      describeDroppedReschedules(new Set(['report']), {
        added: [],
        changed: ['sync'],
        removed: [],
        unchanged: ['report'],
      }),
    ).toBeNull();
  });
});

describe('a new notify: alone (issue 16.1; config/definition.ts: no definition change)', () => {
  const notify = { target: { kind: 'run', run: './page.sh' }, on: ['failure'], after: 1, repeatMs: null } as const;

  test('is swapped in; the task counts as unchanged and keeps its reschedule and next instant', () => {
    const engine = createEngine('2026-07-01T08:00:00Z');
    engine.scheduler.add(sync);
    engine.scheduler.start();
    engine.scheduler.reschedule('sync', every('15m'));
    const nextAt = engine.scheduler.get('sync').nextAt;
    const summary = applyTasks(engine.scheduler, [makeTask('sync', { schedule: every('1h'), notify })]);
    expect(summary).toEqual({ added: [], changed: [], removed: [], unchanged: ['sync'] });
    const status = engine.scheduler.get('sync');
    expect(status.spec.notify).toEqual(notify);
    expect({ rescheduled: status.rescheduled, nextAt: status.nextAt }).toEqual({ rescheduled: true, nextAt });
  });

  test('the same notify again: nothing is replaced', () => {
    const engine = createEngine('2026-07-01T08:00:00Z');
    const spec = makeTask('sync', { schedule: every('1h'), notify });
    engine.scheduler.add(spec);
    applyTasks(engine.scheduler, [makeTask('sync', { schedule: every('1h'), notify: { ...notify } })]);
    expect(engine.scheduler.get('sync').spec).toBe(spec);
  });
});
