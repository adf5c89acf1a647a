/** The daemon's child-process loader gives exactly what loadTasksFile gives: the same specs, the same errors. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { definitionFingerprint } from '../../src/config/definition.js';
import { ConfigError, loadTasksFile } from '../../src/config/load.js';
import type { TaskSpec } from '../../src/config/types.js';
import { loadTasksFileIsolated } from '../../src/daemon/load-isolated.js';
import { TaskkitError } from '../../src/errors.js';
import { isAlive, waitUntil } from '../support/process-state.js';

const dir = mkdtempSync(join(tmpdir(), 'taskkit-load-isolated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { HOME: dir, TZ: 'UTC' };

/** The fingerprint of a fresh copy: not the one cached for the object itself. */
function fingerprintOfCopy(task: TaskSpec): string {
  return definitionFingerprint({ ...task });
}

function write(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('loadTasksFileIsolated', () => {
  test('a valid file: deep-equal to the in-process load, and frozen', async () => {
    const path = write('ok.yaml', [
      'tasks:',
      '  a:',
      '    every: 5m',
      '    run: echo a',
      '    env: { X: 1 }',
      '  b:',
      '    cron: "*/15 * * * 1-5"',
      '    command: [sh, -c, "true"]',
      '    retry: 2',
    ]);
    const isolated = await loadTasksFileIsolated(path, { env });
    expect(isolated).toEqual(loadTasksFile(path, { env }));
    expect(Object.isFrozen(isolated.tasks[0]?.env)).toBe(true);
    expect(Object.isFrozen(isolated.tasks[1]?.action)).toBe(true);
  });

  test('tasks with equal schedules and commands share them, across chunks; equal to the in-process load', async () => {
    const lines = ['tasks:'];
    for (let i = 0; i < 5_000; i++) lines.push(`  t${i}:`, `    every: ${(i % 2) + 1}h`, '    run: backup');
    const path = write('shared.yaml', lines);
    const isolated = await loadTasksFileIsolated(path, { env });
    expect(isolated).toEqual(loadTasksFile(path, { env }));
    const [first, second, third, last] = [0, 1, 2, 4_998].map((i) => isolated.tasks[i]) as [
      TaskSpec,
      TaskSpec,
      TaskSpec,
      TaskSpec,
    ];
    expect([third.schedule, last.schedule, second.action]).toEqual([first.schedule, first.schedule, first.action]);
    expect(third.schedule).toBe(first.schedule);
    expect(last.schedule).toBe(first.schedule);
    expect(second.schedule).not.toBe(first.schedule);
    expect(last.action).toBe(first.action);
    expect(last.source).not.toBe(first.source);
  });

  // A warning makes the plain reader give way to yaml (config/load.ts): the chunks sent so far are dropped.
  test('thousands of tasks come in chunks, in order, with their fingerprints; none twice after a restart', async () => {
    const lines = ['tasks:'];
    for (let i = 0; i < 2_500; i++) lines.push(`  t${i}:`, `    every: ${(i % 59) + 1}m`, `    run: echo ${i}`);
    const plain = write('many.yaml', lines);
    // An `at` long past: a lint warning, so the first pass (plain-yaml.ts) is done again with yaml.
    const warned = write('many-warned.yaml', [...lines, '  old:', '    at: 2001-01-01T00:00', '    run: "true"']);
    for (const path of [plain, warned]) {
      const isolated = await loadTasksFileIsolated(path, { env });
      const inProcess = loadTasksFile(path, { env, lintNow: Date.now() });
      expect(isolated).toEqual(inProcess);
      expect(isolated.tasks.map((task) => definitionFingerprint(task))).toEqual(
        inProcess.tasks.map((task) => fingerprintOfCopy(task)),
      );
      expect(Object.isFrozen(isolated.tasks)).toBe(true);
    }
    expect((await loadTasksFileIsolated(warned, { env })).warnings.map((issue) => issue.code)).toEqual([
      'past-instant',
    ]);
  });

  test('a daemon that stops reading mid-load: the loader ends on its own, quietly (no stack in its log)', async () => {
    const lines = ['tasks:'];
    for (let i = 0; i < 3_000; i++) lines.push(`  t${i}:`, '    every: 5m', '    run: "true"');
    const path = write('abandoned.yaml', lines);
    const script = fileURLToPath(new URL('../../dist/bin/load-child.js', import.meta.url));
    const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env });
    (child.stdio[3] as NodeJS.ReadableStream & { destroy(): void }).destroy();
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect([code, stderr]).toEqual([0, '']);
  });

  test('an invalid file: a ConfigError with the same issues and source text', async () => {
    const path = write('bad.yaml', [
      'tasks:',
      '  a:',
      '    every: 5 minutes',
      '    run: "true"',
      '  b:',
      '    daily: "25:00"',
      '    run: "true"',
    ]);
    const error = await loadTasksFileIsolated(path, { env }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    let expected: ConfigError | undefined;
    try {
      loadTasksFile(path, { env });
    } catch (caught) {
      expected = caught as ConfigError;
    }
    expect((error as ConfigError).issues).toEqual(expected?.issues);
    expect((error as ConfigError).issues).toHaveLength(2);
    expect((error as ConfigError).sourceText).toBe(expected?.sourceText);
  });

  test('a missing file: TaskkitError CONFIG_NOT_FOUND, as in-process', async () => {
    const error = await loadTasksFileIsolated(join(dir, 'nope.yaml'), { env }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskkitError);
    expect((error as TaskkitError).code).toBe('CONFIG_NOT_FOUND');
  });

  test(
    'a file that never answers (a FIFO with no writer): the load gives up after timeoutMs with a clear ' +
      'issue, and the loader is killed (issue 8)',
    async () => {
      const path = join(dir, 'pipe.yaml');
      execFileSync('mkfifo', [path]);
      const started = performance.now();
      const error = await loadTasksFileIsolated(path, { env, timeoutMs: 500 }).catch((caught: unknown) => caught);
      const took = performance.now() - started;
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([
        {
          code: 'unreadable',
          severity: 'error',
          file: path,
          line: 0,
          column: 0,
          path: [],
          task: null,
          message:
            'could not be read within 0.5 s (a named pipe with no writer, or a file on a hung network mount?); ' +
            'the read was abandoned',
        },
      ]);
      expect(took).toBeGreaterThanOrEqual(490);
      expect(took).toBeLessThan(5_000);
      // Before, the loader blocked in open() for ever and kept the daemon's process alive after a stop.
      await waitUntil(() => findLoaders(path).length === 0, 5_000, 'the loader to be killed');
    },
  );
});

/** Pids of live loader children reading `path`. */
function findLoaders(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.endsWith('load-child.js')) && args.includes(path) && isAlive(Number(entry)))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
