/**
 * `taskkit graph`'s model (issue 17.6): which edge each trigger key gives, node labels in `list`'s
 * words, last runs by name, and the connected part of one task (edges followed both ways, transitively).
 */
import { describe, expect, test } from 'vitest';
import type { GraphLastRun, TaskGraph } from '../../src/cli/format/graph-dot.js';
import { buildTaskGraph, connectedComponent } from '../../src/cli/task-graph.js';
import { makeTask } from '../support/task-spec.js';

const NONE = new Map<string, GraphLastRun>();

describe('buildTaskGraph', () => {
  test('after and after-all point from the parent, on-success and on-failure to what the task triggers', () => {
    const graph = buildTaskGraph(
      [
        makeTask('extract', { schedule: { kind: 'daily', times: [{ hour: 2, minute: 0, second: 0 }] } }),
        makeTask('transform', { after: ['extract'], onSuccess: ['report'], onFailure: ['page', 'log'] }),
        makeTask('report'),
        makeTask('page'),
        makeTask('log'),
        makeTask('load', { afterAll: ['extract', 'transform'] }),
      ],
      'UTC',
      NONE,
    );
    expect(graph.edges.map((edge) => `${edge.from} -${edge.kind}-> ${edge.to}`)).toEqual([
      'extract -after-> transform',
      'transform -on-success-> report',
      'transform -on-failure-> page',
      'transform -on-failure-> log',
      'extract -after-all-> load',
      'transform -after-all-> load',
    ]);
  });

  test("nodes say the schedule as `list` does (zone when not the file's, what starts a task without instants)", () => {
    const graph = buildTaskGraph(
      [
        makeTask('nightly', {
          schedule: { kind: 'daily', times: [{ hour: 3, minute: 30, second: 0 }] },
          timezone: 'Europe/Berlin',
        }),
        makeTask('boot', { schedule: { kind: 'reboot' } }),
        makeTask('follow', { after: ['nightly', 'boot'] }),
        makeTask('manual', { description: 'by hand' }),
      ],
      'UTC',
      NONE,
    );
    expect(graph.nodes.map((node) => [node.name, node.schedule, node.description])).toEqual([
      ['nightly', 'daily 03:30 (Europe/Berlin)', ''],
      ['boot', 'at boot', ''],
      ['follow', 'after nightly, boot', ''],
      ['manual', 'on demand', 'by hand'],
    ]);
  });

  test('a last run is given to the node of its task, by name; others have none', () => {
    const failed: GraphLastRun = { status: 'failed', outcome: 'exited with code 3' };
    const graph = buildTaskGraph(
      [makeTask('a'), makeTask('b')],
      'UTC',
      new Map([
        ['a', failed],
        ['gone', { status: 'succeeded', outcome: 'succeeded' }],
      ]),
    );
    expect(graph.nodes.map((node) => [node.name, node.last])).toEqual([
      ['a', failed],
      ['b', null],
    ]);
  });
});

describe('connectedComponent', () => {
  // Two parts: a <- b -> c, c -after-> d, d -on-failure-> e, {e, f} -after-all-> g; and x -> y. z stands alone.
  const graph: TaskGraph = buildTaskGraph(
    [
      makeTask('a'),
      makeTask('b', { onSuccess: ['a', 'c'] }),
      makeTask('c'),
      makeTask('d', { after: ['c'], onFailure: ['e'] }),
      makeTask('e'),
      makeTask('f'),
      makeTask('g', { afterAll: ['e', 'f'] }),
      makeTask('x', { onFailure: ['y'] }),
      makeTask('y'),
      makeTask('z'),
    ],
    'UTC',
    NONE,
  );
  const namesOf = (part: TaskGraph): string[] => part.nodes.map((node) => node.name);

  test('edges are followed both ways, transitively, whichever member is named', () => {
    for (const name of ['a', 'c', 'f']) {
      const part = connectedComponent(graph, name);
      expect(namesOf(part)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      expect(part.edges).toHaveLength(6);
    }
    expect(namesOf(connectedComponent(graph, 'y'))).toEqual(['x', 'y']);
    expect(connectedComponent(graph, 'y').edges).toEqual([{ from: 'x', to: 'y', kind: 'on-failure' }]);
  });

  test('a task with no edges is a graph of itself alone', () => {
    expect(connectedComponent(graph, 'z')).toEqual({ nodes: [graph.nodes.at(-1)], edges: [] });
  });
});
