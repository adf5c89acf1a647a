// freezeSharingStrings (config/freeze.ts): what the daemon does to the tasks file its loader child
// sends: the same data, frozen all the way down, whatever is shared or repeated in it.
import v8 from 'node:v8';
import { describe, expect, test } from 'vitest';
import { freezeDeep, freezeSharingStrings } from '../../src/config/freeze.js';

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
});
