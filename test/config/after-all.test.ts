// `after-all:` (issue 17.3): read as TaskSpec.afterAll (absent when not given), its names checked
// file-wide with did-you-mean, and its edges part of the cycle check with after / on-success / on-failure.
import { describe, expect, test } from 'vitest';
import { definitionFingerprint } from '../../src/config/definition.js';
import { buildTriggerGraph, findCycle } from '../../src/config/trigger-graph.js';
import { fileOf, issuesOf, summarize } from '../support/config-issues.js';

describe('after-all: the field', () => {
  test('a list and a single name both become afterAll, duplicates once, in the order written', () => {
    const file = fileOf([
      'tasks:',
      '  extract: { run: "true" }',
      '  transform: { run: "true" }',
      '  load:',
      '    after-all: [extract, transform, extract]',
      '    run: "true"',
      '  report:',
      '    after-all: load',
      '    run: "true"',
    ]);
    const byName = new Map(file.tasks.map((task) => [task.name, task]));
    expect(byName.get('load')?.afterAll).toEqual(['extract', 'transform']);
    expect(byName.get('report')?.afterAll).toEqual(['load']);
  });

  test('absent when not given, and an empty list is the same as none: fingerprints stay as they were', () => {
    const file = fileOf(['tasks:', '  a: { run: "true" }', '  b: { run: "true", after-all: [] }']);
    const [a, b] = file.tasks;
    expect(a !== undefined && 'afterAll' in a).toBe(false);
    expect(b !== undefined && 'afterAll' in b).toBe(false);
    expect(definitionFingerprint(b!)).toBe(definitionFingerprint({ ...a!, name: 'b' }));
  });

  test('a join with a schedule of its own is valid', () => {
    const file = fileOf(['tasks:', '  a: { run: "true" }', '  b: { every: 1h, run: "true", after-all: a }']);
    expect(file.tasks[1]?.afterAll).toEqual(['a']);
    expect(file.tasks[1]?.schedule.kind).toBe('every');
  });
});

describe('after-all: names and cycles', () => {
  test('an unknown name is an error at the name, with did-you-mean; a name that is not text too', () => {
    const issues = issuesOf([
      'tasks:',
      '  extract: { run: "true" }',
      '  transform: { run: "true" }',
      '  load:',
      '    after-all: [extract, transfrom]',
      '    run: "true"',
      '  report: { run: "true", after-all: [load, {x: 1}] }',
    ]);
    expect(summarize(issues)).toEqual([
      ['unknown-task', 5, 26, 'load', 'unknown task "transfrom" in "after-all" (did you mean "transform")'],
      ['invalid-value', 7, 44, 'report', 'expected a task name or a list of task names, got a map'],
    ]);
  });

  test('a join naming itself', () => {
    const issues = issuesOf(['tasks:', '  a: { run: "true", after-all: [a] }']);
    expect(summarize(issues)).toEqual([
      ['cycle', 2, 33, 'a', '"after-all" names the task itself, so it would trigger itself forever'],
    ]);
  });

  test('after-all <-> on-success: the cycle path is shown, at the reference of its first edge', () => {
    const issues = issuesOf([
      'tasks:',
      '  extract: { run: "true" }',
      '  load:',
      '    after-all: [extract]',
      '    on-success: extract',
      '    run: "true"',
    ]);
    expect(summarize(issues)).toEqual([['cycle', 5, 17, 'load', 'dependency cycle: load -> extract -> load']]);
  });

  test('two joins waiting for each other', () => {
    const issues = issuesOf(['tasks:', '  x: { run: "true", after-all: [y] }', '  y: { run: "true", after-all: x }']);
    expect(summarize(issues).map((row) => row[4])).toEqual(['dependency cycle: x -> y -> x']);
  });

  test('a cycle through after-all, on-success and after together', () => {
    const issues = issuesOf([
      'tasks:',
      '  a: { run: "true", on-success: [b] }',
      '  b: { run: "true" }',
      '  c: { run: "true", after-all: [b, d] }',
      '  d: { run: "true", after: c }',
    ]);
    expect(summarize(issues).map((row) => row.slice(0, 1).concat(row.slice(3)))).toEqual([
      ['cycle', 'd', 'dependency cycle: c -> d -> c'],
    ]);
    // Without the back edge the same file is valid: the cycle, not after-all, was the problem.
    expect(() =>
      fileOf([
        'tasks:',
        '  a: { run: "true", on-success: [b] }',
        '  b: { run: "true" }',
        '  c: { run: "true", after-all: [b, d] }',
        '  d: { run: "true" }',
      ]),
    ).not.toThrow();
  });

  test('on-failure into a join and the join back through on-success', () => {
    const issues = issuesOf([
      'tasks:',
      '  a: { run: "true", on-failure: [j] }',
      '  j: { run: "true", after-all: [b], on-success: [a] }',
      '  b: { run: "true" }',
    ]);
    expect(summarize(issues).map((row) => row[4])).toEqual(['dependency cycle: a -> j -> a']);
  });
});

describe('buildTriggerGraph with afterAll', () => {
  test('X -> Y for each X in Y.afterAll; findCycle sees it', () => {
    const graph = buildTriggerGraph([
      { name: 'x', after: [], afterAll: ['y'], onSuccess: [], onFailure: [] },
      { name: 'y', after: [], onSuccess: ['x'], onFailure: [] },
    ]);
    expect([...graph]).toEqual([
      ['x', []],
      ['y', ['x']],
    ]);
    expect(findCycle(graph)).toBeNull();
    graph.get('x')?.push('y');
    expect(findCycle(graph)).toEqual(['x', 'y', 'x']);
  });
});
