// freezeSharingStrings (config/freeze.ts): what the daemon does to the tasks file its loader child
// sends: the same data, frozen all the way down, whatever is shared or repeated in it.
import v8 from 'node:v8';
import { describe, expect, test } from 'vitest';
import { createStringSharing, freezeDeep, freezeSharingStrings } from '../../src/config/freeze.js';

describe('freezeSharingStrings', () => {
  test('a structured clone of a tasks file: equal to the original, frozen at every level', () => {
    const retry = { attempts: 0, delayMs: 10 };
    const original = {
      path: '/t/tasks.yaml',
      tasks: Array.from({ length: 5 }, (_, index) => ({
        name: `task-${index}`,
        cwd: '/t',
        action: { kind: 'shell', script: 'true', shell: '/bin/sh' },
        env: { A: '/t', B: 'x' },
        after: index === 0 ? [] : [`task-${index - 1}`, '/t'],
        retry,
        source: { file: '/t/tasks.yaml', line: index + 1, column: 3 },
      })),
    };
    const clone = freezeSharingStrings(v8.deserialize(v8.serialize(original)) as typeof original);
    expect(clone).toEqual(freezeDeep(structuredClone(original)));
    const unfrozen: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if (!Object.isFrozen(node)) unfrozen.push(path);
      for (const [key, child] of Object.entries(node)) visit(child, `${path}.${key}`);
    };
    visit(clone, '$');
    expect(unfrozen).toEqual([]);
    // Shared objects stay shared (one frozen retry for every task).
    expect(clone.tasks[1]?.retry).toBe(clone.tasks[4]?.retry);
  });

  test('arrays are copied to their length, frozen: one copy for an array shared by several tasks', () => {
    const names = ['a', 'b'];
    const frozen = Object.freeze(['x']);
    const original = [
      { after: names, at: [Date.UTC(2031, 0, 1)], frozen },
      { after: names, at: [Date.UTC(2032, 5, 30), Date.UTC(2033, 0, 1)], frozen },
    ];
    const clone = v8.deserialize(v8.serialize(original)) as typeof original;
    const cloned = { after: clone[0]?.after, at: clone[1]?.at };
    // The tasks arrive one by one through one sharing, as the loader's chunks do (createStringSharing).
    const share = createStringSharing();
    const received = clone.map((task) => share(task));
    expect(received).toEqual(original);
    expect(received[0]?.after).not.toBe(cloned.after);
    expect(received[1]?.at).not.toBe(cloned.at);
    expect(received[0]?.after).toBe(received[1]?.after);
    expect(Object.isFrozen(received[1]?.at)).toBe(true);
    expect(Object.isFrozen(received[0]?.frozen)).toBe(true);
  });
});
