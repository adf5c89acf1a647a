/**
 * parseFastCall (src/cli/fast-path.ts) takes only command lines it reads exactly as commander
 * would, and declines everything else to commander (test/e2e/fast-path.test.ts compares outputs).
 */
import { describe, expect, test } from 'vitest';
import { parseFastCall } from '../../src/cli/fast-path.js';

describe('taken', () => {
  test.each([
    [['list'], { verb: 'list', operands: [], globals: {} }],
    [['ls', '--json'], { verb: 'list', operands: [], globals: { json: true } }],
    [['--json', 'list'], { verb: 'list', operands: [], globals: { json: true } }],
    [['-c', 'a.yaml', 'list'], { verb: 'list', operands: [], globals: { config: 'a.yaml' } }],
    [
      ['list', '--config=a.yaml', '--socket', 's'],
      { verb: 'list', operands: [], globals: { config: 'a.yaml', socket: 's' } },
    ],
    [['run-now', 'backup'], { verb: 'run-now', operands: ['backup'], globals: {} }],
    [
      ['run-now', '--socket=/s', 'backup', '--json'],
      { verb: 'run-now', operands: ['backup'], globals: { socket: '/s', json: true } },
    ],
    [['__complete', 'tasks'], { verb: '__complete', operands: ['tasks'], globals: {} }],
  ])('%j', (argv, call) => {
    expect(parseFastCall(argv)).toEqual(call);
  });
});

describe('declined to commander', () => {
  test.each([
    [[]],
    [['help']],
    [['list', '--help']],
    [['-h']],
    [['--version']],
    [['show', 'backup']],
    [['list', 'extra']],
    [['run-now']],
    [['run-now', 'a', 'b']],
    [['run-now', 'backup', '--wait']],
    [['run-now', 'backup', '-w']],
    [['run-now', 'backup', '--make']],
    [['run-now', '--', 'backup']],
    [['run-now', '-']],
    [['__complete', 'verbs']],
    [['list', '--json', '--json']],
    [['-c', 'a.yaml', '-c', 'b.yaml', 'list']],
    [['-ca.yaml', 'list']],
    [['list', '-c']],
    [['list', '--config', '--json']],
    [['list', '--config=']],
    [['list', '--socket', '']],
    [['list', '--jsonx']],
    [['--json=1', 'list']],
  ])('%j', (argv) => {
    expect(parseFastCall(argv)).toBeUndefined();
  });
});
