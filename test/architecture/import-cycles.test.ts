/**
 * No import cycles in src/ (issue 14.5), type-only and dynamic imports included: a cycle makes
 * load order matter and hides which module owns what. Each cycle found is printed as its loop.
 */
import { describe, expect, test } from 'vitest';
import { findCycles } from './_cycles.js';
import { buildImportGraph, listSourceFiles } from './_import-graph.js';

test('src/ has no import cycle', () => {
  const cycles = findCycles(buildImportGraph(listSourceFiles()));
  expect(cycles.map((cycle) => cycle.join(' -> '))).toEqual([]);
});

describe('findCycles', () => {
  test('finds a type-only style loop of three and a self-import, and nothing in a tree', () => {
    const graph = new Map([
      ['a.ts', ['b.ts', 'd.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
      ['f.ts', ['d.ts']],
    ]);
    expect(findCycles(graph)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
  });

  test('the import graph sees type-only and dynamic imports', () => {
    const graph = buildImportGraph(listSourceFiles());
    // cli/main.ts imports context.ts for a type only; native.ts imports its verbs dynamically.
    expect(graph.get('cli/main.ts')).toContain('cli/context.ts');
    expect(graph.get('cli/commands/native.ts')).toContain('cli/completion/print.ts');
  });
});
