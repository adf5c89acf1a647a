/**
 * Issue 17.6 through bin/taskkit: `taskkit graph` reads the tasks file (`--config`) with no daemon
 * and says why its nodes are not coloured; NAME keeps one connected part, an unknown NAME gets a
 * "did you mean"; `--format svg` goes through Graphviz's `dot`, or says how to install it when PATH
 * has none. With a daemon the nodes are coloured by its last results, and after it stopped, by
 * the history database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { GRAPHVIZ_MISSING } from '../../src/cli/graph.js';
import { readDot, type DotDocument } from '../cli/format/_dot-reader.js';
import { HAS_DOT } from '../cli/format/_graphviz.js';
import { cleanUpDaemons, daemonTasks, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const PIPELINE = daemonTasks([
  '  extract: { daily: "02:00", run: "true", on-failure: [page] }',
  '  transform: { after: [extract], run: "exit 3", on-success: [report] }',
  '  report: { run: "true" }',
  '  page: { run: "true" }',
  '  lonely: { every: 1h, run: "true" }',
  '  load: { after-all: [extract, transform], run: "true" }',
]);

const nodeNames = (dot: DotDocument): string[] =>
  dot.statements.filter((s) => s.kind === 'node').map((s) => s.ids[0] ?? '');
const edgeList = (dot: DotDocument): string[] =>
  dot.statements.filter((s) => s.kind === 'edge').map((s) => `${s.ids.join(' -> ')} ${s.attributes['style']}`);
const fills = (dot: DotDocument): Record<string, string | null> =>
  Object.fromEntries(
    dot.statements
      .filter((s) => s.kind === 'node')
      .map((s): [string, string | null] => [s.ids[0] ?? '', s.attributes['fillcolor'] ?? null]),
  );

test('offline with --config: the whole graph, a part by NAME, an unknown NAME, svg with or without dot', async () => {
  const d = makeDaemonDir();
  const config = join(d.dir, 'pipeline.yaml'); // not a name the default search finds
  writeFileSync(config, `${PIPELINE.join('\n')}\n`);

  const whole = await d.taskkit(['graph', '--config', config]);
  expect(whole.code).toBe(0);
  const dot = readDot(whole.stdout);
  expect(nodeNames(dot)).toEqual(['extract', 'load', 'lonely', 'page', 'report', 'transform']);
  expect(edgeList(dot)).toEqual([
    'extract -> load bold',
    'extract -> page dashed',
    'extract -> transform solid',
    'transform -> load bold',
    'transform -> report dashed',
  ]);
  expect(Object.values(fills(dot)).every((fill) => fill === null)).toBe(true);
  expect(whole.stderr).toMatch(/^taskkit: the nodes are not coloured: no daemon answers on \S+, and no database at /);

  const part = await d.taskkit(['graph', 'report', '--config', config]);
  expect(nodeNames(readDot(part.stdout))).toEqual(['extract', 'load', 'page', 'report', 'transform']);
  expect(nodeNames(readDot((await d.taskkit(['graph', 'lonely', '--config', config])).stdout))).toEqual(['lonely']);

  const unknown = await d.taskkit(['graph', 'transfrom', '--config', config]);
  expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([
    1,
    '',
    'taskkit: no task named "transfrom" (did you mean "transform")\n',
  ]);
  expect((await d.taskkit(['graph', '--json', '--config', config])).code).toBe(2);

  // No dot on PATH (an empty folder): the install hint, exit 1, nothing on stdout.
  const empty = join(d.dir, 'empty-bin');
  mkdirSync(empty);
  const noDot = await d.taskkit(['graph', '--format', 'svg', '--config', config], { env: { PATH: empty } });
  expect([noDot.code, noDot.stdout]).toEqual([1, '']);
  expect(noDot.stderr).toContain(`${GRAPHVIZ_MISSING}\n`);
  expect(noDot.stderr).toContain('install Graphviz (apt install graphviz / brew install graphviz)');
  if (!HAS_DOT) {
    console.warn('[graph] no Graphviz "dot" here: `graph --format svg` with dot is not checked');
    return;
  }
  const svg = await d.taskkit(['graph', '--format', 'svg', '--config', config]);
  expect(svg.code).toBe(0);
  expect(svg.stdout).toMatch(/^<\?xml [^]*<svg [^]*<title>extract&#45;&gt;transform<\/title>[^]*<\/svg>\n$/);
});

test(
  "coloured by the daemon's last results, then by the history database once it stopped",
  { timeout: 60_000 },
  async () => {
    const d = makeDaemonDir();
    d.writeTasks(PIPELINE);
    expect((await d.taskkit(['start'])).code).toBe(0);
    expect((await d.taskkit(['run-now', 'transform', '--wait'])).code).toBe(3);
    // extract's success starts transform again (after), which fails again: report (its on-success) never runs.
    expect((await d.taskkit(['run-now', 'extract', '--wait'])).code).toBe(0);

    const expected = {
      extract: 'palegreen',
      transform: 'lightcoral',
      report: null,
      page: null,
      lonely: null,
      load: null,
    };
    const live = await d.taskkit(['graph']);
    expect([live.code, live.stderr]).toEqual([0, '']);
    expect(fills(readDot(live.stdout))).toEqual(expected);

    expect((await d.taskkit(['stop'])).code).toBe(0);
    const offline = await d.taskkit(['graph']);
    expect(offline.code).toBe(0);
    expect(offline.stderr).toMatch(/^taskkit: last results from \S+state\/taskkit\.db \(no daemon answers on \S+\)\n$/);
    expect(fills(readDot(offline.stdout))).toEqual(expected);
  },
);
