// Equal parts of received specs become one object (config/share-values.ts, issue 20.4): only parts no
// reader could tell apart (the same keys, in the same order, with the same values), never `source`.
import { describe, expect, test } from 'vitest';
import { createPartSharing, exactKey } from '../../src/config/share-values.js';
import type { TaskSpec } from '../../src/config/types.js';
import { every, makeTask } from '../support/engine-task.js';

/** A copy of `spec` with its own copy of every part, as a structured clone gives it. */
function cloned(spec: TaskSpec): TaskSpec {
  return structuredClone(spec);
}

describe('createPartSharing', () => {
  test('tasks with equal schedules and actions hold one of each; their own parts stay theirs', () => {
    const share = createPartSharing();
    // `source` is never looked at, even when equal.
    const source = { file: '/etc/tasks.yaml', line: 3, column: 3 };
    const a = share(cloned(makeTask('a', { schedule: every('5m'), source })));
    const b = share(cloned(makeTask('b', { schedule: every('5m'), source })));
    const c = share(cloned(makeTask('c', { schedule: every('6m') })));
    expect(b.schedule).toBe(a.schedule);
    expect(b.action).toBe(a.action);
    expect(c.schedule).not.toBe(a.schedule);
    expect(c.schedule).toEqual(cloned(makeTask('c', { schedule: every('6m') })).schedule);
    expect(c.action).toBe(a.action);
    expect(b.source).not.toBe(a.source);
    expect(b.source).toEqual(a.source);
  });

  test('the same values in another key order, or with an undefined member, are not shared', () => {
    const share = createPartSharing();
    const first = share(cloned(makeTask('a', {})));
    const reordered = { ...first, action: { script: 'true', kind: 'shell', shell: '/bin/sh' } } as unknown as TaskSpec;
    const ordered = { ...first, action: { kind: 'shell', script: 'true', shell: '/bin/sh' } } as unknown as TaskSpec;
    const undefinedMember = { ...first, action: { ...ordered.action, extra: undefined } } as unknown as TaskSpec;
    const sharedOrdered = share(ordered).action;
    expect(share(reordered).action).not.toBe(sharedOrdered);
    expect(share(undefinedMember).action).not.toBe(sharedOrdered);
    expect(share({ ...ordered, action: { ...ordered.action } }).action).toBe(sharedOrdered);
  });

  test('a part that is not plain data (a function action) stays its own', () => {
    const share = createPartSharing();
    const run = (): void => {};
    const a = share({ ...makeTask('a', {}), action: { kind: 'function', run } } as unknown as TaskSpec);
    const b = share({ ...makeTask('b', {}), action: { kind: 'function', run } } as unknown as TaskSpec);
    expect(b.action).not.toBe(a.action);
  });
});

test('exactKey tells apart what a reader could: types, -0, order, undefined members, holes', () => {
  const keys = [1, '1', -0, 0, null, undefined, true, 'true', [1], [[1]], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1 }];
  const texts = keys.map((key) => exactKey(key));
  expect(new Set(texts).size).toBe(keys.length);
  expect(exactKey({ a: 1, b: undefined })).not.toBe(exactKey({ a: 1 }));
  // eslint-disable-next-line no-sparse-arrays
  expect(exactKey([1, , 2])).toBeNull();
  expect(exactKey(new Date(0))).toBeNull();
  expect(exactKey({ at: [1, 2], kind: 'at' })).toBe(exactKey({ at: [1, 2], kind: 'at' }));
});
