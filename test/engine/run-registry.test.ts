// The run registry (engine/run-registry.ts): runs by id until they end, then the last 200 ended
// records (a ring since issue 20: a Map with a set and a delete per run rehashed every few runs).
import { describe, expect, test } from 'vitest';
import { ActiveRun, type Task } from '../../src/engine/active-run.js';
import { createRunRecord, markSkipped } from '../../src/engine/run-record.js';
import { RunRegistry } from '../../src/engine/run-registry.js';
import type { RunRecord } from '../../src/engine/run.js';

function ended(id: number): RunRecord {
  const record = createRunRecord({ id, task: 't', trigger: 'manual', scheduledAt: null, attempt: 1, createdAt: id });
  return markSkipped(record, id, 'test', 'overlap');
}

describe('RunRegistry', () => {
  test('remembers the last 200 ended records, newest kept, oldest forgotten', async () => {
    const registry = new RunRegistry();
    for (let id = 1; id <= 250; id++) registry.end(ended(id));
    for (const id of [1, 25, 50]) expect(registry.endedRecord(id)).toBeUndefined();
    for (const id of [51, 100, 250]) expect(registry.endedRecord(id)?.id).toBe(id);
    await expect(registry.waitFor(50)).rejects.toThrow('no run #50');
    expect((await registry.waitFor(51)).id).toBe(51);
    registry.end(ended(251));
    expect(registry.endedRecord(51)).toBeUndefined();
    expect(registry.endedRecord(251)?.id).toBe(251);
  });

  test('a pending run is found by id; its waiters get its final record when it ends', async () => {
    const registry = new RunRegistry();
    const record = createRunRecord({
      id: 7,
      task: 't',
      trigger: 'manual',
      scheduledAt: null,
      attempt: 1,
      createdAt: 0,
    });
    const run = new ActiveRun(record, {} as Task, 0);
    registry.add(run);
    expect(registry.pendingRun(7)).toBe(run);
    const waiting = [registry.waitFor(7), registry.waitFor(7)];
    const final = ended(7);
    registry.end(final, run);
    expect(await Promise.all(waiting)).toEqual([final, final]);
    expect(registry.pendingRun(7)).toBeUndefined();
    expect(registry.endedRecord(7)).toBe(final);
    expect(run.waiters).toEqual([]);
  });
});
