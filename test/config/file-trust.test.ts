/** The cron-like trust rule for files taskkit runs code from (config/file-trust.ts). */
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { assertTrustedFiles, checkFileTrust, findUntrustedFiles } from '../../src/config/file-trust.js';
import type { TasksFile } from '../../src/config/types.js';
import { makeTask } from '../support/task-spec.js';

const uid = process.getuid?.() ?? 0;
const isRoot = uid === 0;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-trust-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeFile(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, 'tasks: {}\n');
  chmodSync(path, mode);
  return path;
}

describe('checkFileTrust', () => {
  test('a file of mine, 0644, in a 0755 folder is trusted', () => {
    expect(checkFileTrust(writeFile('tasks.yaml', 0o644), 'tasks file', uid)).toBeUndefined();
  });

  test.each([
    [0o666, 'its group and every user', '0666'],
    [0o664, 'its group', '0664'],
    [0o646, 'every user', '0646'],
  ])('mode %o is refused, naming who can write and the fix', (mode, who, shown) => {
    const path = writeFile('tasks.yaml', mode);
    expect(checkFileTrust(path, 'tasks file', uid)).toBe(
      `tasks file ${path} is writable by ${who} (mode ${shown}): chmod go-w ${path}; taskkit runs what it says, ` +
        `so like cron it refuses a file others can change (or pass --insecure)`,
    );
  });

  test('a folder others can write without the sticky bit is refused; with it (like /tmp) it is not', () => {
    const path = writeFile('tasks.yaml', 0o644);
    chmodSync(dir, 0o777);
    expect(checkFileTrust(path, 'module file', uid)).toMatch(
      new RegExp(
        `^module file ${path} is in ${dir}, which its group and every user can write \\(mode 0777\\), ` +
          `so they could replace it: chmod go-w ${dir};`,
      ),
    );
    chmodSync(dir, 0o1777);
    expect(checkFileTrust(path, 'module file', uid)).toBeUndefined();
  });

  test.skipIf(!isRoot)('a file owned by another user is refused (root may chown to test it)', () => {
    const path = writeFile('tasks.yaml', 0o644);
    chownSync(path, 65534, 65534);
    expect(checkFileTrust(path, 'tasks file', 0)).toMatch(
      /^tasks file .* is owned by user 65534, not by you \(0\) or root;/,
    );
  });

  test('a file owned by root is trusted for any user (like /etc/cron.d)', () => {
    const path = writeFile('tasks.yaml', 0o644);
    if (isRoot) expect(checkFileTrust(path, 'tasks file', 1000)).toBeUndefined();
    else expect(checkFileTrust(path, 'tasks file', uid + 1)).toMatch(/is owned by user/);
  });

  test('a missing file is left to the loader', () => {
    expect(checkFileTrust(join(dir, 'gone.js'), 'module file', uid)).toBeUndefined();
  });
});

describe('findUntrustedFiles / assertTrustedFiles', () => {
  function tasksFile(modulePath: string): TasksFile {
    const tasks = [
      makeTask('a', { action: { kind: 'module', path: modulePath, exportName: 'default', args: null } }),
      makeTask('b', { action: { kind: 'module', path: modulePath, exportName: 'other', args: null } }),
    ];
    return { path: writeFile('tasks.yaml', 0o644), settings: {} as TasksFile['settings'], tasks, warnings: [] };
  }

  test('module files are checked, each once', () => {
    const modulePath = writeFile('job.js', 0o666);
    const problems = findUntrustedFiles(tasksFile(modulePath), uid);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^module file .*job\.js is writable by its group and every user/);
  });

  test('assertTrustedFiles throws CONFIG_INSECURE (exit 2) unless insecure', () => {
    const file = tasksFile(writeFile('job.js', 0o646));
    expect(() => assertTrustedFiles(file, { insecure: false, uid })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INSECURE' }),
    );
    expect(() => assertTrustedFiles(file, { insecure: true, uid })).not.toThrow();
  });
});
