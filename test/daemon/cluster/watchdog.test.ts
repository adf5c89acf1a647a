/**
 * The cluster watchdog (CLUSTER.md section 8) against a fake engine and a fake `instantsWithRows`:
 * instants past their deadline (or jitter + lease + gone-after) with no row are listed and logged
 * once each; instants with a row, before the watch began, still within their bound, of a held task
 * or of a task whose definition is another host's are not, nor instants the task's `except:`
 * calendars or its `until:` take away (the engine never fires those on any host).
 */
import { describe, expect, test } from 'vitest';
import type { TaskSpec } from '../../../src/config/types.js';
import type { TaskRow } from '../../../src/daemon/cluster/cluster-db.js';
import { TaskRows } from '../../../src/daemon/cluster/task-rows.js';
import { startWatchdog } from '../../../src/daemon/cluster/watchdog.js';
import type { TaskStatus } from '../../../src/engine/task-state.js';
import type { ScheduleSpec } from '../../../src/schedule/types.js';
import { makeTask } from '../../support/task-spec.js';

const MIN = 60_000;
const T0 = Date.parse('2026-12-03T10:00:00Z');
const EVERY_MIN: ScheduleSpec = { kind: 'every', periodMs: MIN, anchor: 0, startGiven: false };

function setup(tasks: { spec: TaskSpec; held?: boolean; fingerprint?: string }[], withRows: Set<number>) {
  let now = T0;
  const logs: string[] = [];
  const asked: number[][] = [];
  const statuses = tasks.map(
    ({ spec, held }) => ({ name: spec.name, spec, held: held ?? false, schedule: spec.schedule }) as TaskStatus,
  );
  const rows = new TaskRows(() => 'fp');
  for (const task of tasks)
    rows.put({ name: task.spec.name, fingerprint: task.fingerprint ?? 'fp', revision: 1 } as TaskRow);
  const watchdog = startWatchdog({
    db: {
      instantsWithRows: (_task, instants) => {
        asked.push([...instants]);
        return Promise.resolve(new Set(instants.filter((at) => withRows.has(at))));
      },
    },
    engine: { list: () => statuses, on: () => () => {} },
    rows,
    fingerprintOf: () => 'fp',
    isHostScoped: () => false,
    leaseMs: 30_000,
    goneAfterMs: 10_000,
    now: () => now,
    log: (_level, message) => logs.push(message),
    timer: false,
  });
  return { watchdog, logs, asked, advance: (ms: number) => (now += ms) };
}

describe('cluster watchdog', () => {
  test('instants past jitter + lease + gone-after without a row: listed, logged once each', async () => {
    const spec = makeTask('tick', { schedule: EVERY_MIN, jitterMs: 5_000 });
    const { watchdog, logs, advance } = setup([{ spec }], new Set([T0 + MIN]));
    // 10:05:30: instants 10:00 .. 10:04 are 45 s past bound at most; 10:05 is within its 45 s bound.
    advance(5 * MIN + 30_000);
    await watchdog.check();
    const missed = watchdog.missed().map((m) => m.scheduledAt);
    // 10:00 is the watch's start (counted), 10:01 has a row.
    expect(missed).toEqual(['10:00', '10:02', '10:03', '10:04'].map((hm) => `2026-12-03T${hm}:00.000Z`));
    expect(watchdog.missed()[0]?.deadlineAt).toBe('2026-12-03T10:00:45.000Z');
    expect(logs).toHaveLength(4);
    expect(logs[0]).toMatch(/tick at 2026-12-03T10:00:00.000Z has no run on any host/);
    await watchdog.check();
    expect(logs).toHaveLength(4);
  });

  test('deadline: the bound; held, another definition: not watched', async () => {
    const late = makeTask('late', { schedule: EVERY_MIN, deadlineMs: 2 * MIN });
    const held = makeTask('held', { schedule: EVERY_MIN });
    const split = makeTask('split', { schedule: EVERY_MIN });
    const { watchdog, asked, advance } = setup(
      [{ spec: late }, { spec: held, held: true }, { spec: split, fingerprint: 'other' }],
      new Set(),
    );
    advance(3 * MIN);
    await watchdog.check();
    expect(watchdog.missed().map((m) => [m.task, m.scheduledAt, m.deadlineAt])).toEqual([
      ['late', '2026-12-03T10:00:00.000Z', '2026-12-03T10:02:00.000Z'],
      ['late', '2026-12-03T10:01:00.000Z', '2026-12-03T10:03:00.000Z'],
    ]);
    expect(asked).toHaveLength(1);
  });

  test('instants on dates `except:` excludes, and at or after `until:`, are never missed', async () => {
    // T0's local date (UTC) as a day number: the whole of 2026-12-03 is a holiday.
    const holiday = { name: 'holidays', days: [Math.floor(T0 / 86_400_000)] };
    const excepted = makeTask('excepted', { schedule: EVERY_MIN, except: [holiday] });
    const ending = makeTask('ending', { schedule: EVERY_MIN, until: T0 + 2 * MIN });
    const { watchdog, logs, advance } = setup([{ spec: excepted }, { spec: ending }], new Set());
    advance(5 * MIN);
    await watchdog.check();
    expect(watchdog.missed().map((m) => [m.task, m.scheduledAt])).toEqual([
      ['ending', '2026-12-03T10:00:00.000Z'],
      ['ending', '2026-12-03T10:01:00.000Z'],
    ]);
    expect(logs).toHaveLength(2);
  });
});
