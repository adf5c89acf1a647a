import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { prepareSocketDir, resolveSocketPath } from '../../src/control/socket-path.js';
import { closeAll, makeTempDir } from '../support/control-fixture.js';

afterEach(closeAll);

describe('resolveSocketPath', () => {
  const env = { TASKKIT_SOCKET: '/env/t.sock', XDG_RUNTIME_DIR: '/run/user/1000' };

  test('precedence: --socket, TASKKIT_SOCKET, settings.socket, XDG_RUNTIME_DIR, state dir', () => {
    const base = { stateDir: '/state', cwd: '/work' };
    expect(resolveSocketPath({ ...base, flag: '/flag.sock', env, settingsSocket: '/settings.sock' })).toBe(
      '/flag.sock',
    );
    expect(resolveSocketPath({ ...base, env, settingsSocket: '/settings.sock' })).toBe('/env/t.sock');
    expect(
      resolveSocketPath({ ...base, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, settingsSocket: '/settings.sock' }),
    ).toBe('/settings.sock');
    expect(resolveSocketPath({ ...base, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, settingsSocket: null })).toBe(
      '/run/user/1000/taskkit/taskkit.sock',
    );
    expect(resolveSocketPath({ ...base, env: {} })).toBe('/state/taskkit.sock');
  });

  test('empty values count as unset; a relative XDG_RUNTIME_DIR is ignored', () => {
    expect(resolveSocketPath({ stateDir: '/state', flag: '', env: { TASKKIT_SOCKET: '', XDG_RUNTIME_DIR: '' } })).toBe(
      '/state/taskkit.sock',
    );
    expect(resolveSocketPath({ stateDir: '/state', env: { XDG_RUNTIME_DIR: 'run' } })).toBe('/state/taskkit.sock');
  });

  test('relative flag, env and state dir resolve against cwd', () => {
    expect(resolveSocketPath({ stateDir: '/s', flag: './x.sock', env: {}, cwd: '/home/me' })).toBe('/home/me/x.sock');
    expect(resolveSocketPath({ stateDir: '/s', env: { TASKKIT_SOCKET: 'y.sock' }, cwd: '/home/me' })).toBe(
      '/home/me/y.sock',
    );
    expect(resolveSocketPath({ stateDir: '.taskkit', env: {}, cwd: '/home/me' })).toBe(
      '/home/me/.taskkit/taskkit.sock',
    );
  });
});

describe('prepareSocketDir', () => {
  test('creates missing directories 0700 whatever the umask', async () => {
    const dir = makeTempDir();
    const previous = process.umask(0o022);
    try {
      await prepareSocketDir(join(dir, 'a', 'b', 'taskkit.sock'));
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
  });

  test('leaves an existing directory as it is (it may be shared, like /tmp)', async () => {
    const dir = makeTempDir();
    const shared = join(dir, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    const previous = process.umask(0);
    try {
      mkdirSync(join(dir, 'loose'), { mode: 0o777 });
    } finally {
      process.umask(previous);
    }
    await prepareSocketDir(join(shared, 'taskkit.sock'));
    await prepareSocketDir(join(dir, 'loose', 'taskkit.sock'));
    expect(statSync(shared).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'loose')).mode & 0o777).toBe(0o777);
  });
});
