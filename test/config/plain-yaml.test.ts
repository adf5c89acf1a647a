/**
 * config/plain-yaml.ts reads plain block YAML without yaml's document model: whenever it answers,
 * its value is yaml's (core schema, as config/load.ts parses) and its task key points are yaml's
 * key positions; whenever the text is not plain, it answers undefined. And a tasks file loads to the
 * same TasksFile either way.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTasksText } from '../../src/config/load.js';
import { readPlainYaml } from '../../src/config/plain-yaml.js';
import { yamlTree } from './_yaml-reference.js';

const ROOT = join(import.meta.dirname, '../..');

function expectSameAsYaml(text: string): boolean {
  const plain = readPlainYaml(text);
  if (plain === undefined) return false;
  expect(yamlTree(text)).toEqual({ data: plain.data, taskKeys: plain.taskKeys });
  return true;
}

const file = (...lines: string[]): string => `${lines.join('\n')}\n`;

function corpus(): [string, string][] {
  const files: [string, string][] = [];
  const add = (path: string): void => void files.push([path, readFileSync(join(ROOT, path), 'utf8')]);
  for (const name of readdirSync(join(ROOT, 'test/fixtures/tasks')).filter((entry) => entry.endsWith('.yaml')))
    add(`test/fixtures/tasks/${name}`);
  add('tasks.yaml');
  add('examples/tasks.yaml');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [index, match] of [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].entries())
    files.push([`README.md yaml block ${index}`, match[1] ?? '']);
  return files;
}

describe('plain YAML: read without yaml, as yaml reads it', () => {
  test('every file of the corpus: the same value, or left to yaml', () => {
    let read = 0;
    for (const [, text] of corpus()) if (expectSameAsYaml(text)) read++;
    // Most of them are plain (block scalars, `run: >-`, are left to yaml).
    expect(read).toBeGreaterThan(5);
  });

  test.each([
    [
      'words, quotes, flow lists',
      file('tasks:', '  a:', '    daily: ["03:30", \'15:30\', 4]', '    run: echo "hi" # c'),
    ],
    ['escapes in double quotes', file('tasks:', '  a:', '    run: "echo \\"a\\" \\\\ b"')],
    ['doubled single quotes', file('tasks:', '  a:', "    run: 'it''s'")],
    ['null, booleans, decimals', file('a: ~', 'b: null', 'c:', 'd: true', 'e: False', 'f: 0', 'g: 123', 'h: []')],
    ['a block list', file('tasks:', '  a:', '    after:', '      - b', '      - "c"', '  b:', '    run: x')],
    ['quoted keys', file('tasks:', '  "a.b":', '    run: x', "  'c':", '    run: y')],
    ['hashes and colons inside words', file('a: b#c', 'd: e:f', 'g: http://x/y?z=1#w', 'h: ${HOME}/{a,b}')],
    ['comments everywhere', file('# c', 'a: # c', '  # c', '  b: 1 # c', '# c', 'c: [x, y] # c', 'd: "q" # c')],
    ['a dash word', file('a: -x', 'b: --flag', 'c: a - b')],
  ])('%s', (_name, text) => {
    expect(expectSameAsYaml(text)).toBe(true);
  });

  test.each([
    ['an anchor and an alias', file('a: &x 1', 'b: *x')],
    ['a block scalar', file('a: |', '  text')],
    ['a flow map', file('a: {b: 1}')],
    ['a plain value over two lines', file('a: one', '  two')],
    ['a key twice', file('a: 1', 'a: 2')],
    ['equal keys, quoted and not', file('a: 1', '"a": 2')],
    ['a number key', file('1: x')],
    ['a boolean key', file('true: x')],
    ['a float', file('a: 1.5')],
    ['an octal-looking number', file('a: 010')],
    ['a negative number', file('a: -1')],
    ['an escape', file('a: "\\n"')],
    ['a tab', 'a:\tb\n'],
    ['CRLF', 'a: b\r\n'],
    ['a document marker', file('---', 'a: 1')],
    ['a directive', file('%YAML 1.2', '---', 'a: 1')],
    ['a list at the key indent', file('a:', '- b')],
    ['a map in a list', file('a:', '  - b: 1')],
    ['a nested list', file('a:', '  - - b')],
    ['a colon and space inside a value', file('a: b: c')],
    ['a tag', file('a: !!str 1')],
    ['a multi-line flow list', file('a: [b,', '  c]')],
    ['a trailing comma', file('a: [b, c,]')],
    ['a top-level list', file('- a')],
    ['an empty file', ''],
    ['a bad indent', file('a:', '    b: 1', '  c: 2')],
    ['__proto__', file('__proto__: 1')],
    ['a reserved indicator', file('a: @b')],
  ])('left to yaml: %s', (_name, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });

  test('random documents from tricky pieces: the same value whenever it answers', () => {
    const keys = ['a', 'b-c', 'd.e', '"q"', "'s'", 'x_1', 'on', 'no', 'y'];
    const values = [
      '',
      'w',
      'two words',
      '"dq"',
      "'sq'",
      '"a\\"b"',
      "'it''s'",
      '[a, "b"]',
      '[]',
      '[ x ]',
      '~',
      'null',
      'true',
      'FALSE',
      '0',
      '42',
      '1.5',
      '-3',
      'a#b',
      'a #c',
      'a:b',
      'a: b',
      '"x" # c',
      '03:30',
      '*/5 * * * *',
      '"*/5 * * * *"',
      '-x',
      '? q',
      ': q',
      '[a, b',
      '{a: 1}',
      '|',
      '&a x',
      '!t x',
      '0x1F',
      '.inf',
      'a,b',
      '[a: b]',
      '"unterminated',
    ];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(list: readonly T[]): T => list[random(list.length)] as T;
    let read = 0;
    for (let round = 0; round < 3000; round++) {
      const lines: string[] = [];
      const depthOf: number[] = [0];
      for (let index = 0; index < 2 + random(8); index++) {
        const indent = pick(depthOf);
        const item = random(6) === 0;
        const key = pick(keys);
        const value = pick(values);
        lines.push(`${' '.repeat(indent)}${item ? `- ${value}` : `${key}:${value === '' ? '' : ` ${value}`}`}`);
        if (!item && value === '') depthOf.push(indent + 2);
        if (random(10) === 0) lines.push(`${' '.repeat(random(6))}# c`);
      }
      if (expectSameAsYaml(file(...lines))) read++;
    }
    // Enough of them are plain for the comparison to mean something.
    expect(read).toBeGreaterThan(300);
  });
});

describe('a tasks file loads the same with or without yaml', () => {
  test.each(corpus().filter(([path]) => !path.includes('fixtures') || path.includes('valid')))('%s', (_path, text) => {
    const options = { env: { HOME: '/home/u' }, baseDir: ROOT, lintNow: Date.UTC(2026, 11, 3) };
    // A tab in a trailing comment changes nothing to YAML but sends the text to yaml.
    let plain: unknown;
    let document: unknown;
    try {
      plain = parseTasksText(text, 'tasks.yaml', options);
    } catch (error) {
      plain = (error as { issues?: unknown }).issues ?? error;
    }
    try {
      document = parseTasksText(`${text}\n#\t\n`, 'tasks.yaml', options);
    } catch (error) {
      document = (error as { issues?: unknown }).issues ?? error;
    }
    expect(plain).toEqual(document);
  });
});
