// config/locate.ts: DESIGN.md order --config, $TASKKIT_CONFIG, ./tasks.yaml,
// $XDG_CONFIG_HOME/taskkit/tasks.yaml (else ~/.config), with real temp folders.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { locateTasksFile } from '../../src/config/locate.js';
import { TaskkitError } from '../../src/errors.js';

let root: string;
let cwd: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'taskkit-locate-'));
  cwd = join(root, 'project');
  home = join(root, 'home');
  mkdirSync(cwd);
  mkdirSync(home);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function touch(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, 'tasks: {a: {run: x}}\n');
  return path;
}

describe('locateTasksFile', () => {
  test('--config wins, resolved against cwd, even when it does not exist', () => {
    touch(join(cwd, 'tasks.yaml'));
    const env = { TASKKIT_CONFIG: touch(join(root, 'env.yaml')), HOME: home };
    expect(locateTasksFile({ flag: 'conf/other.yaml', env, cwd })).toEqual({
      path: join(cwd, 'conf', 'other.yaml'),
      searched: [join(cwd, 'conf', 'other.yaml')],
    });
  });

  test('then $TASKKIT_CONFIG (relative to cwd), even when it does not exist', () => {
    touch(join(cwd, 'tasks.yaml'));
    expect(locateTasksFile({ flag: undefined, env: { TASKKIT_CONFIG: 'x.yaml', HOME: home }, cwd })).toEqual({
      path: join(cwd, 'x.yaml'),
      searched: [join(cwd, 'x.yaml')],
    });
  });

  test('then ./tasks.yaml when it exists (an empty TASKKIT_CONFIG counts as unset)', () => {
    const local = touch(join(cwd, 'tasks.yaml'));
    touch(join(home, '.config', 'taskkit', 'tasks.yaml'));
    expect(locateTasksFile({ flag: undefined, env: { TASKKIT_CONFIG: '', HOME: home }, cwd })).toEqual({
      path: local,
      searched: [local],
    });
  });

  test('then $XDG_CONFIG_HOME/taskkit/tasks.yaml', () => {
    const xdg = join(root, 'xdg');
    const found = touch(join(xdg, 'taskkit', 'tasks.yaml'));
    touch(join(home, '.config', 'taskkit', 'tasks.yaml'));
    expect(locateTasksFile({ flag: undefined, env: { XDG_CONFIG_HOME: xdg, HOME: home }, cwd })).toEqual({
      path: found,
      searched: [join(cwd, 'tasks.yaml'), found],
    });
  });

  test('then $HOME/.config/taskkit/tasks.yaml when XDG_CONFIG_HOME is unset or relative', () => {
    const found = touch(join(home, '.config', 'taskkit', 'tasks.yaml'));
    expect(locateTasksFile({ flag: undefined, env: { HOME: home }, cwd }).path).toBe(found);
    expect(locateTasksFile({ flag: undefined, env: { HOME: home, XDG_CONFIG_HOME: 'rel' }, cwd }).path).toBe(found);
  });

  test('nothing found: CONFIG_NOT_FOUND listing where it looked', () => {
    let thrown: unknown;
    try {
      locateTasksFile({ flag: undefined, env: { HOME: home }, cwd });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TaskkitError);
    expect([(thrown as TaskkitError).code, (thrown as TaskkitError).message]).toEqual([
      'CONFIG_NOT_FOUND',
      `no tasks file found; looked at: ${join(cwd, 'tasks.yaml')}, ` +
        `${join(home, '.config', 'taskkit', 'tasks.yaml')} (use --config FILE)`,
    ]);
  });
});
