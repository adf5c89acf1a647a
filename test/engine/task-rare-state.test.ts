// A task's rare state (engine/task-rare-state.ts, issue 20.4) is made on its first change to a value
// other than the default, never by setting a default; until then every read sees the shared defaults.
import { expect, test } from 'vitest';
import { NO_RARE_STATE, RareStateHolder, TaskRareState } from '../../src/engine/task-rare-state.js';
import { TaskEntry } from '../../src/engine/task-entry.js';
import { every, makeTask } from '../support/engine-task.js';

class Probe extends RareStateHolder<object, object> {
  get made(): boolean {
    return this.rare !== NO_RARE_STATE;
  }

  get state(): Readonly<TaskRareState<object, object>> {
    return this.rare;
  }

  put<K extends keyof TaskRareState<object, object>>(key: K, value: TaskRareState<object, object>[K]): void {
    this.putRare(key, value);
  }
}

test('defaults make no rare state; the first other value does, and later defaults are written to it', () => {
  const probe = new Probe();
  probe.put('failedSlots', 0);
  probe.put('hold', null);
  probe.put('removed', false);
  expect(probe.made).toBe(false);
  expect(probe.state.failedSlots).toBe(0);
  probe.put('failedSlots', 2);
  expect(probe.made).toBe(true);
  expect(probe.state.failedSlots).toBe(2);
  probe.put('failedSlots', 0);
  expect(probe.state.failedSlots).toBe(0);
  // The shared defaults were never written.
  expect(Object.isFrozen(NO_RARE_STATE)).toBe(true);
  expect({ ...NO_RARE_STATE }).toEqual({ ...new TaskRareState() });
});

test('an entry is its own timeline node; its hold behaves as before while its rare state comes', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const entry = new TaskEntry(makeTask('job', { schedule: every('1h') }), 7, {}, now);
  expect([entry.node, entry.entry, entry.kind, entry.seq, entry.heapIndex]).toEqual([entry, entry, 'task', 7, -1]);
  expect([entry.held, entry.failedSlots, entry.lastRun, entry.removed, entry.madeHoldEndNode]).toEqual([
    false,
    0,
    null,
    false,
    null,
  ]);
  expect(entry.release()).toBe(false);
  entry.hold('maintenance', now, now + 60_000);
  expect([entry.held, entry.holdEndsAt, entry.state()]).toEqual([true, now + 60_000, 'held']);
  expect(entry.holdEndNode).toBe(entry.holdEndNode);
  expect(entry.holdEndNode.seq).toBe(7);
  expect(entry.release()).toBe(true);
  expect(entry.held).toBe(false);
  entry.markRemoved();
  expect(entry.state()).toBe('removed');
});
