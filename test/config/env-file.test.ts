/** `env-file:` and `{secret: VALUE}` in `env` (issue 8 item 5): values used, names marked secret, never echoed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseEnvText } from '../../src/config/env-file.js';
import { validateTaskDefinition } from '../../src/config/task.js';
import { resolveSettings } from '../../src/config/settings.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-envfile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settings = resolveSettings(undefined, { baseDir: '/srv', env: { TZ: 'UTC', HOME: '/root' } });
const check = (definition: Record<string, unknown>) =>
  validateTaskDefinition('t', definition, { settings, baseDir: dir });

describe('parseEnvText', () => {
  test('comments, blanks, export, bare and quoted values; a later line wins', () => {
    const text = '# c\n\nexport A=1\nB = two words  \nC="quoted # not a comment"\nD=\'single\'\nE=\nA=again\n';
    expect(parseEnvText(text)).toEqual({ A: 'again', B: 'two words', C: 'quoted # not a comment', D: 'single', E: '' });
  });

  test.each([
    ['NOEQUALS', 'line 1: expected NAME=VALUE'],
    ['x\nBAD-NAME=1', 'line 2: invalid variable name: use letters, digits and "_", not starting with a digit'],
    ['A="open secret', 'line 1: A: a quoted value must end with the same quote'],
  ])('%j -> %s (the value itself is never in the message)', (text, message) => {
    const result = parseEnvText(text.replace(/^x\n/, 'OK=1\n'));
    expect(result).toBe(message);
    expect(JSON.stringify(result)).not.toContain('secret');
  });
});

describe('a task with env-file and secret values', () => {
  test('file values come first, env wins; file names and {secret} names are secret, an env override is not', () => {
    writeFileSync(join(dir, 'app.env'), 'TOKEN=from-file\nSHARED=file\n');
    const { task, issues } = check({
      run: 'x',
      'env-file': 'app.env',
      env: { SHARED: 'plain', PIN: { secret: 1234 }, MODE: 'fast' },
    });
    expect(issues).toEqual([]);
    expect(task?.env).toEqual({ TOKEN: 'from-file', SHARED: 'plain', PIN: '1234', MODE: 'fast' });
    expect(task?.envFile).toBe(join(dir, 'app.env'));
    expect(task?.secretEnv).toEqual(['PIN', 'TOKEN']);
  });

  test('without either, envFile is null and nothing is secret', () => {
    const { task } = check({ run: 'x', env: { A: 1 } });
    expect([task?.envFile, task?.secretEnv]).toEqual([null, []]);
  });

  test('a missing env file and a malformed line are issues at the env-file key, naming the file and line only', () => {
    const missing = check({ run: 'x', 'env-file': 'nope.env' });
    expect(missing.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['tasks.t.env-file', `env file ${join(dir, 'nope.env')}: not found`],
    ]);
    writeFileSync(join(dir, 'bad.env'), 'GOOD=1\nPASSWORD hunter2\n');
    const bad = check({ run: 'x', 'env-file': 'bad.env' });
    expect(bad.issues.map((issue) => issue.message)).toEqual([
      `env file ${join(dir, 'bad.env')}: line 2: expected NAME=VALUE`,
    ]);
  });

  test('a secret written the wrong way is refused without echoing it', () => {
    const { issues } = check({ run: 'x', env: { TOKEN: { secret: 'hunter2', note: 'x' }, KEY: ['hunter3'] } });
    expect(issues.map((issue) => issue.message)).toEqual([
      'expected a string, number or boolean for TOKEN, or {secret: VALUE} for one never shown; ' +
        'got a map with keys "secret", "note"',
      'expected a string, number or boolean for KEY, or {secret: VALUE} for one never shown; got a list',
    ]);
  });
});
