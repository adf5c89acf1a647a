/**
 * Issue 15 point 11: the trust check follows the real path (every folder on it) and the tasks and
 * env files are checked on the descriptor that is read. Before, a symlink in a safe folder to a
 * file in a folder anyone could write passed (only the link's folder was checked), and the file
 * was read by path before it was checked, so a link flipped in between ran another user's task.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkFileTrust } from '../../src/config/file-trust.js';
import { loadTasksFile } from '../../src/config/load.js';
import { readTasksText } from '../../src/config/read-text.js';
import { TaskkitError } from '../../src/errors.js';

const uid = process.getuid?.() ?? 0;
const TASKS = 'tasks:\n  a:\n    every: 1h\n    run: "true"\n';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-trust-path-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `dir/open` (0777, no sticky bit) holding `name`, and `dir/safe/link` pointing at it. */
function fileBehindLink(name: string, text: string): { real: string; link: string } {
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const real = join(open, name);
  writeFileSync(real, text, { mode: 0o644 });
  mkdirSync(join(dir, 'safe'), { mode: 0o755 });
  const link = join(dir, 'safe', name);
  symlinkSync(real, link);
  return { real, link };
}

function insecure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TaskkitError && error.code === 'CONFIG_INSECURE') return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INSECURE');
}

describe('the real path, every folder on it', () => {
  test('a symlink from a safe folder to a file in a folder anyone can write is refused, naming that folder', () => {
    const { real, link } = fileBehindLink('tasks.yaml', TASKS);
    expect(checkFileTrust(link, 'tasks file', uid)).toMatch(
      new RegExp(
        `^tasks file ${real} \\(the target of ${link}\\) is in ${join(dir, 'open')}, ` +
          `which its group and every user can write \\(mode 0777\\)`,
      ),
    );
  });

  test("a folder anyone can write above the file's own folder is refused too", () => {
    const sub = join(dir, 'open', 'sub');
    mkdirSync(sub, { recursive: true, mode: 0o755 });
    chmodSync(join(dir, 'open'), 0o777);
    const path = join(sub, 'tasks.yaml');
    writeFileSync(path, TASKS, { mode: 0o644 });
    expect(checkFileTrust(path, 'tasks file', uid)).toMatch(
      new RegExp(`^tasks file ${path} is under ${join(dir, 'open')}, which its group and every user can write`),
    );
  });
});

describe('checked on the descriptor that is read', () => {
  test('readTasksText with a trust rule refuses before reading; without one (--insecure) it reads', () => {
    const { link } = fileBehindLink('tasks.yaml', TASKS);
    expect(insecure(() => readTasksText(link, { uid }))).toContain('which its group and every user can write');
    expect(readTasksText(link, null)).toBe(TASKS);
  });

  test('a world-writable tasks file is refused by the load itself', () => {
    const path = join(dir, 'tasks.yaml');
    writeFileSync(path, TASKS);
    chmodSync(path, 0o666);
    expect(insecure(() => loadTasksFile(path, { env: {}, trust: { uid } }))).toMatch(
      /^tasks file .* is writable by its group and every user \(mode 0666\)/,
    );
    expect(loadTasksFile(path, { env: {} }).tasks).toHaveLength(1);
  });

  test('an env file behind such a link is refused while loading, its values never read', () => {
    const { link } = fileBehindLink('app.env', 'LD_PRELOAD=/tmp/evil.so\n');
    const path = join(dir, 'tasks.yaml');
    writeFileSync(path, `${TASKS}    env-file: ${link}\n`, { mode: 0o644 });
    expect(insecure(() => loadTasksFile(path, { env: {}, trust: { uid } }))).toMatch(
      /^env file .*app\.env \(the target of .*\) is in /,
    );
  });

  test('a module file is kept as its checked real path, so runs cannot be led elsewhere later', () => {
    mkdirSync(join(dir, 'lib'), { mode: 0o755 });
    const real = join(dir, 'lib', 'job.js');
    writeFileSync(real, 'export default () => {};\n', { mode: 0o644 });
    symlinkSync(real, join(dir, 'job.js'));
    const path = join(dir, 'tasks.yaml');
    writeFileSync(path, 'tasks:\n  m:\n    module: ./job.js\n', { mode: 0o644 });
    const action = loadTasksFile(path, { env: {}, trust: { uid } }).tasks[0]?.action;
    expect(action).toMatchObject({ kind: 'module', path: real });
  });
});
