// Equal parts of received specs become one object (config/share-values.ts, issue 20.4): only parts no
// reader could tell apart (the same keys, in the same order, with the same values), never `source`.
import { describe, expect, test } from 'vitest';
import { createPartSharing, sameExactly } from '../../src/config/share-values.js';
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

  test('function actions are shared only when they hold the same function, not one of the same source', () => {
    const share = createPartSharing();
    const run = (): void => {};
    const action = (fn: () => void): TaskSpec =>
      share({ ...makeTask('a', {}), action: { kind: 'function', run: fn } } as unknown as TaskSpec);
    const first = action(run).action;
    expect(action(run).action).toBe(first);
    expect(action((): void => {}).action).not.toBe(first);
  });
});

test('sameExactly tells apart what a reader could: types, -0, key order, undefined members, holes, classes', () => {
  const values = [1, '1', -0, 0, null, undefined, true, 'true', [1], [[1]], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1 }];
  for (const [i, a] of values.entries())
    for (const [j, b] of values.entries()) expect(sameExactly(a, b)).toBe(i === j && !Number.isNaN(a));
  expect(sameExactly({ a: 1, b: undefined }, { a: 1 })).toBe(false);
  expect(sameExactly({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
  // eslint-disable-next-line no-sparse-arrays
  expect(sameExactly([1, , 2], [1, undefined, 2])).toBe(false);
  expect(sameExactly(new Date(0), new Date(0))).toBe(false);
  expect(sameExactly({ at: new Date(0) }, { at: new Date(0) })).toBe(false);
  expect(sameExactly([NaN], [NaN])).toBe(true);
});

test('parts JSON cannot tell apart stay apart: -0, an undefined member, a function', () => {
  const share = createPartSharing();
  const base = makeTask('a', {});
  const withPart = (part: object): TaskSpec => share({ ...base, retry: part } as unknown as TaskSpec);
  const zero = withPart({ delayMs: 0 }).retry;
  expect(withPart({ delayMs: -0 }).retry).not.toBe(zero);
  expect(withPart({ delayMs: 0, extra: undefined }).retry).not.toBe(zero);
  expect(withPart({ delayMs: 0 }).retry).toBe(zero);
  const fn = { delayMs: 0, f: (): number => 1 };
  expect(withPart({ delayMs: 0, f: (): number => 1 }).retry).not.toBe(withPart(fn).retry);
});
