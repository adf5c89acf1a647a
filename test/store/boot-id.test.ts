// The boot whose @reboot tasks were fired (daemon/reboot-tasks.ts) lives in the history database:
// written at once (not batched, after the queued run rows), read back by the next daemon, and a
// read-only store (the offline CLI) cannot write it.
import { describe, expect, test } from 'vitest';
import { TaskkitError } from '../../src/errors.js';
import { makeRun, useTempState } from './_support.js';

const temp = useTempState();

describe('boot id', () => {
  test('none at first; saved, it is read back by a store opened later', () => {
    const store = temp.open();
    expect(store.lastBootId()).toBeNull();
    store.saveBootId('boot-a');
    expect(store.lastBootId()).toBe('boot-a');
    store.saveBootId('boot-b');
    store.close();
    expect(temp.open().lastBootId()).toBe('boot-b');
  });

  test('written at once, after the writes queued before it', () => {
    const store = temp.open();
    store.saveRun(makeRun({ id: 7 }));
    expect(store.pendingWrites).toBe(1);
    store.saveBootId('boot-a');
    expect(store.pendingWrites).toBe(0);
    const reader = temp.open({ readOnly: true });
    expect([reader.lastBootId(), reader.getRun(7)?.id]).toEqual(['boot-a', 7]);
  });

  test('a read-only store refuses to record a boot', () => {
    temp.open().close();
    const reader = temp.open({ readOnly: true });
    expect(() => reader.saveBootId('boot-a')).toThrow(TaskkitError);
  });
});
