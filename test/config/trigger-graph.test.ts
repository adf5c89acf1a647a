// config/trigger-graph.ts: the trigger graph (after, on-success, on-failure) and cycle detection.
import { describe, expect, test } from 'vitest';
import { buildTriggerGraph, findCycle } from '../../src/config/trigger-graph.js';

type Fields = { name: string; after?: string[]; onSuccess?: string[]; onFailure?: string[] };
const tasks = (list: Fields[]) => list.map((task) => ({ after: [], onSuccess: [], onFailure: [], ...task }));

describe('buildTriggerGraph', () => {
  test('X -> Y for Y.after X, X.onSuccess Y and X.onFailure Y; every task a key, in order', () => {
    const graph = buildTriggerGraph(
      tasks([
        { name: 'backup', onFailure: ['page'] },
        { name: 'notify', after: ['backup'] },
        { name: 'page' },
        { name: 'report', onSuccess: ['notify'] },
      ]),
    );
    expect([...graph]).toEqual([
      ['backup', ['page', 'notify']],
      ['notify', []],
      ['page', []],
      ['report', ['notify']],
    ]);
  });

  test('the same edge twice is kept once; unknown names get no edge', () => {
    const graph = buildTriggerGraph(
      tasks([
        { name: 'a', onSuccess: ['b', 'ghost'] },
        { name: 'b', after: ['a', 'phantom'] },
      ]),
    );
    expect([...graph]).toEqual([
      ['a', ['b']],
      ['b', []],
    ]);
  });
});

describe('findCycle', () => {
  test('none in a DAG', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeNull();
  });

  test('a cycle as the path that closes it', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
  });

  test('a cycle not through the first node; a self-loop', () => {
    expect(
      findCycle(
        new Map([
          ['start', ['x']],
          ['x', ['y']],
          ['y', ['x']],
        ]),
      ),
    ).toEqual(['x', 'y', 'x']);
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
  });

  test('a diamond (two paths to one node) is no cycle', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['d']],
          ['c', ['d']],
          ['d', []],
        ]),
      ),
    ).toBeNull();
  });

  test('from the tasks: after + on-failure make a loop', () => {
    const graph = buildTriggerGraph(
      tasks([
        { name: 'a', onFailure: ['b'] },
        { name: 'b', onSuccess: ['c'] },
        { name: 'c', after: [] },
        { name: 'd', after: ['c'] },
        { name: 'e', onSuccess: ['a'], after: ['b'] },
      ]),
    );
    expect(findCycle(graph)).toEqual(['a', 'b', 'e', 'a']);
  });

  test('a chain of 10,000 tasks does not overflow the stack, with or without a closing edge', () => {
    const chain = new Map<string, string[]>();
    for (let i = 0; i < 10_000; i++) chain.set(`t${i}`, i < 9_999 ? [`t${i + 1}`] : []);
    expect(findCycle(chain)).toBeNull();
    chain.set('t9999', ['t0']);
    const cycle = findCycle(chain);
    expect([cycle?.length, cycle?.[0], cycle?.[9_999], cycle?.[10_000]]).toEqual([10_001, 't0', 't9999', 't0']);
  });
});
