/** readSettingsOnly: the tasks file's settings, found without validating (or, mostly, parsing) its tasks. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { readSettingsOnly } from '../../src/config/partial-read.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function read(lines: readonly string[]): { socket: string | null; stateDir: string; maxConcurrent: number } {
  writeFileSync(join(dir, 'tasks.yaml'), `${lines.join('\n')}\n`);
  const { settings } = readSettingsOnly({ flag: undefined, cwd: dir, env: { HOME: '/home/tester', TZ: 'UTC' } });
  return { socket: settings.socket, stateDir: settings.stateDir, maxConcurrent: settings.maxConcurrent };
}

test.each([
  [
    'a settings block before the tasks',
    ['settings:', '  socket: ./a.sock', '  # a comment', '', '  max-concurrent: 3', 'tasks:', '  x: { run: "true" }'],
    { socket: 'a.sock', stateDir: '/home/tester/.local/state/taskkit', maxConcurrent: 3 },
  ],
  [
    'a settings block after the tasks',
    ['tasks:', '  x: { run: "true" }', 'settings:', '  state-dir: ./st'],
    { socket: null, stateDir: 'st', maxConcurrent: 8 },
  ],
  [
    'no settings at all',
    ['tasks:', '  x: { run: "true" }'],
    { socket: null, stateDir: '/home/tester/.local/state/taskkit', maxConcurrent: 8 },
  ],
  [
    'flow style (the whole file is parsed)',
    ['{settings: {socket: ./f.sock}, tasks: {x: {run: "true"}}}'],
    { socket: 'f.sock', stateDir: '/home/tester/.local/state/taskkit', maxConcurrent: 8 },
  ],
  [
    'an alias into the rest of the file (the whole file is parsed)',
    ['defaults: &d', '  socket: ./d.sock', 'settings: *d', 'tasks: {}'],
    { socket: 'd.sock', stateDir: '/home/tester/.local/state/taskkit', maxConcurrent: 8 },
  ],
  [
    'an invalid setting falls back to its default, the others stay',
    ['settings:', '  max-concurrent: many', '  socket: ./b.sock', 'tasks:', '  x:', '    every: 5 minutes'],
    { socket: 'b.sock', stateDir: '/home/tester/.local/state/taskkit', maxConcurrent: 8 },
  ],
])('%s', (_label, lines, expected) => {
  const resolved = {
    ...expected,
    socket: expected.socket === null ? null : join(dir, expected.socket),
    stateDir: expected.stateDir.startsWith('/') ? expected.stateDir : join(dir, expected.stateDir),
  };
  expect(read(lines)).toEqual(resolved);
});

test('a file that is not YAML throws (the caller falls back to the default socket)', () => {
  expect(() => read(['settings: [unclosed'])).toThrow();
});

test.each([
  [
    'a quoted key and broken tasks before the settings',
    ['"tasks":', '  x: { run: "true" }', '  y: *nowhere', 'settings:', '  socket: ./q.sock'],
  ],
  ['flow-style settings and a tasks block yaml cannot parse', ['{settings: {socket: ./q.sock}}', 'tasks: [unclosed']],
])('the settings are read when only the tasks are broken: %s', (_label, lines) => {
  expect(read(lines).socket).toBe(join(dir, 'q.sock'));
});

test('a yaml error inside the settings throws, even in a file read whole', () => {
  expect(() => read(['"tasks": {}', 'settings:', '  socket: [unclosed'])).toThrow();
});

test('taskNames lists the keys under tasks: without validating them, [] when the file is not YAML', () => {
  writeFileSync(join(dir, 'tasks.yaml'), 'tasks:\n  good: { run: "true" }\n  bad: { every: 5 minutes }\n');
  const env = { HOME: '/home/tester', TZ: 'UTC' };
  expect(readSettingsOnly({ flag: undefined, cwd: dir, env }).taskNames()).toEqual(['good', 'bad']);
  writeFileSync(join(dir, 'tasks.yaml'), 'settings: {}\ntasks: [unclosed\n');
  expect(readSettingsOnly({ flag: undefined, cwd: dir, env }).taskNames()).toEqual([]);
});
