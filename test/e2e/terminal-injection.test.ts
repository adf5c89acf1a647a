/**
 * Issue 15 point 14 through the real daemon: control characters in a task's thrown error text, its
 * description and a hold note reach `list`, `history`, `show`, `hold` and the daemon log escaped
 * (an OSC title, a clear-screen, a newline forging a `succeeded` row or a log line), while
 * `logs` gives the task's own output byte for byte, as the user asked for it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir } from './_daemon.js';

afterEach(cleanUpDaemons);

const ESC = '\u001b';
const FORGED = 'nightly   every 1h   scheduled   -   succeeded';
/** Any control character but the line feeds that end lines. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;

test('list, history, show, hold and the daemon log escape control characters; logs keeps the raw output', async () => {
  const d = makeDaemonDir();
  writeFileSync(
    join(d.dir, 'evil.js'),
    `export default () => { throw new Error('boom\\n${FORGED}${ESC}]0;pwned\\u0007${ESC}[2J'); };\n`,
  );
  d.writeTasks([
    'settings:',
    '  state-dir: ./state',
    'tasks:',
    '  evil:',
    '    description: "tidy\\e]0;title\\a\\nforged line"',
    '    module: ./evil.js',
    '  colour:',
    `    run: printf '\\033[31mred\\033[0m\\n'`,
  ]);
  expect((await d.taskkit(['start'])).code).toBe(0);
  expect((await d.taskkit(['run-now', 'evil', '--wait'])).code).toBe(1);
  expect((await d.taskkit(['run-now', 'colour', '--wait'])).code).toBe(0);

  const views: [string, string][] = [];
  for (const args of [
    ['list'],
    ['history'],
    ['show', 'evil'],
    ['hold', 'evil', '--note', `disk\n${FORGED}${ESC}[2J`],
  ]) {
    const result = await d.taskkit(args);
    expect(result.code, args.join(' ')).toBe(0);
    views.push([args.join(' '), result.stdout + result.stderr]);
  }
  for (const [what, text] of views) {
    expect(text, what).not.toMatch(RAW_CONTROL);
    expect(
      text.split('\n').some((line) => line.startsWith('nightly')),
      what,
    ).toBe(false);
  }
  expect(views[0]?.[1]).toContain(`failed: boom\\n${FORGED}\\x1b]0;pwned\\x07\\x1b[2J`);
  expect(views[2]?.[1]).toContain('tidy\\x1b]0;title\\x07\\nforged line');
  expect(views[3]?.[1]).toContain(`(note: disk\\n${FORGED}\\x1b[2J)`);

  const logs = await d.taskkit(['logs', 'colour']);
  expect(logs.stdout).toBe(`${ESC}[31mred${ESC}[0m\n`);

  expect((await d.taskkit(['stop'])).code).toBe(0);
  const log = readFileSync(join(d.stateDir, 'taskkit.log'), 'utf8');
  expect(log).toContain('boom\\n');
  expect(log).not.toMatch(RAW_CONTROL);
  expect(log.split('\n').some((line) => line.startsWith('nightly'))).toBe(false);
});
