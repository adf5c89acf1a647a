/**
 * config/plain-settings.ts reads a plain `settings:` block without yaml: whenever it answers, its
 * answer is yaml's (core schema, as config/partial-read.ts parses); whenever the block is not plain
 * it leaves the file to yaml.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readSettingsOnly } from '../../src/config/partial-read.js';
import { readPlainSettingsBlock, readPlainSettingsOnly } from '../../src/config/plain-settings.js';

const YAML_OPTIONS = { schema: 'core', uniqueKeys: false, logLevel: 'error' } as const;

function yamlSettings(text: string): { found: boolean; value?: unknown } {
  const document = parse(text, YAML_OPTIONS) as Record<string, unknown> | null;
  return document !== null && Object.hasOwn(document, 'settings')
    ? { found: true, value: document['settings'] }
    : { found: false };
}

const file = (...lines: string[]): string => `${lines.join('\n')}\n`;
const TASKS = ['tasks:', '  x:', '    every: 1m', '    run: \'echo "a: b"\' # c'];

describe('plain blocks: read without yaml, as yaml reads them', () => {
  test.each([
    [
      'paths, a zone, a duration',
      file('settings:', '  state-dir: ./state', '  timezone: UTC', '  shutdown-grace: 2s', ...TASKS),
    ],
    ['an integer, a socket path', file('settings:', '  max-concurrent: 8', '  socket: /run/tk/taskkit.sock', ...TASKS)],
    [
      'comments and blank lines',
      file('# top', 'settings:', '  # inside', '', '  socket: a.sock', '# col 0', '  log-level: debug', ...TASKS),
    ],
    ['after the tasks', file(...TASKS, 'settings:', '    state-dir: ~/st', '    timezone: Europe/Berlin')],
    ['colons and at signs inside a word', file('settings:', '  socket: a:b@c', ...TASKS)],
    ['zero', file('settings:', '  max-concurrent: 0', ...TASKS)],
    [
      'words that look like numbers but are not',
      file('settings:', '  a: 1h30m', '  b: 0xZ', '  c: .infx', '  d: 1e', ...TASKS),
    ],
    ['no settings at all', file(...TASKS)],
    ['trailing spaces after a value', file('settings:', '  socket: a.sock   ', ...TASKS)],
  ])('%s', (_what, text) => {
    const plain = readPlainSettingsBlock(text);
    expect(plain).toBeDefined();
    expect(plain).toEqual(yamlSettings(text));
  });
});

describe('anything else is left to yaml', () => {
  test.each([
    ['a quoted value', file('settings:', '  socket: "a.sock"')],
    ['a flow map', file('settings: { socket: a.sock }')],
    ['a nested map', file('settings:', '  history:', '    keep: 3')],
    ['a comment after a value', file('settings:', '  socket: a.sock # here')],
    ['a value with a space', file('settings:', '  shell: /bin/bash -e')],
    ['a boolean', file('settings:', '  x: true')],
    ['null', file('settings:', '  x: ~')],
    ['an empty value', file('settings:', '  x:')],
    ['a float', file('settings:', '  x: 1.5')],
    ['an exponent', file('settings:', '  x: 1e5')],
    ['hex and octal', file('settings:', '  x: 0x1F')],
    ['octal', file('settings:', '  x: 0o17')],
    ['a leading zero', file('settings:', '  x: 007')],
    ['infinity', file('settings:', '  x: .inf')],
    ['a signed integer', file('settings:', '  x: -3')],
    ['a duplicate key', file('settings:', '  x: a', '  x: b')],
    ['two settings keys', file('settings:', '  x: a', 'settings:', '  x: b')],
    ['mixed indents', file('settings:', '  x: a', '   y: b')],
    ['a continued plain scalar', file('settings:', '  x: a', '    b')],
    ['a tab', file('settings:', '\tx: a')],
    ['CRLF', 'settings:\r\n  x: a\r\n'],
    ['a document marker', file('---', 'settings:', '  x: a')],
    ['a quoted top-level key', file('"settings":', '  x: a')],
    ['an anchor', file('settings: &s', '  x: a')],
    ['an alias value', file('settings:', '  x: *a')],
    ['a value ending in a colon', file('settings:', '  x: a:')],
    ['a value starting with a dash', file('settings:', '  x: -a')],
    ['an empty block', file('settings:', 'tasks:')],
  ])('%s', (_what, text) => {
    expect(readPlainSettingsBlock(text)).toBeUndefined();
  });
});

describe('random plain-looking blocks: never an answer yaml would not give', () => {
  test('2,000 blocks of words from a mixed alphabet', () => {
    const pieces = [
      'a',
      'Z',
      '0',
      '1',
      '9',
      '.',
      '/',
      '~',
      '-',
      '+',
      ':',
      '@',
      '_',
      'e',
      'E',
      'x',
      'o',
      'inf',
      'nan',
      'true',
    ];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let answered = 0;
    for (let i = 0; i < 2_000; i++) {
      const lines = ['settings:'];
      for (let k = 0, count = 1 + next(3); k < count; k++) {
        const word = Array.from({ length: 1 + next(5) }, () => pieces[next(pieces.length)]).join('');
        lines.push(`  key-${k}: ${word}`);
      }
      const text = file(...lines, ...TASKS);
      const plain = readPlainSettingsBlock(text);
      if (plain === undefined) continue;
      answered++;
      expect(plain, text).toEqual(yamlSettings(text));
    }
    expect(answered).toBeGreaterThan(500);
  });
});

describe('readPlainSettingsOnly', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tk-plain-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = { HOME: '/home/tester', TZ: 'UTC' };

  test('the same settings as readSettingsOnly, or undefined when yaml is needed', () => {
    writeFileSync(join(dir, 'tasks.yaml'), file('settings:', '  socket: ./a.sock', '  max-concurrent: 3', ...TASKS));
    const plain = readPlainSettingsOnly({ flag: undefined, cwd: dir, env });
    const full = readSettingsOnly({ flag: undefined, cwd: dir, env });
    expect(plain).toEqual({ path: full.path, settings: full.settings });
    writeFileSync(join(dir, 'tasks.yaml'), file('settings:', '  socket: "./a.sock"', ...TASKS));
    expect(readPlainSettingsOnly({ flag: undefined, cwd: dir, env })).toBeUndefined();
  });
});
