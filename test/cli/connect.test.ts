/** Which socket the daemon verbs try: --socket, $TASKKIT_SOCKET, the tasks file's settings, the defaults. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { chooseSocket, connectDaemon } from '../../src/cli/connect.js';
import { TaskkitError } from '../../src/errors.js';
import { createMemoryIo } from '../support/memory-io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tk-connect-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const io = (env: Record<string, string> = {}): ReturnType<typeof createMemoryIo> =>
  createMemoryIo({ cwd: dir, env: { HOME: '/home/tester', ...env } });
const write = (name: string, lines: readonly string[]): string => {
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return join(dir, name);
};

describe('chooseSocket', () => {
  test('--socket wins over everything, relative to the current directory', async () => {
    write('tasks.yaml', ['settings:', '  socket: /srv/file.sock', 'tasks: {}']);
    expect(await chooseSocket(io({ TASKKIT_SOCKET: '/srv/env.sock' }), { socket: 'flag.sock' })).toEqual({
      socket: join(dir, 'flag.sock'),
      fileProblem: null,
    });
  });

  test('then $TASKKIT_SOCKET (the tasks file is not even read)', async () => {
    write('tasks.yaml', ['not: [valid']);
    expect(await chooseSocket(io({ TASKKIT_SOCKET: '/srv/env.sock' }), {})).toEqual({
      socket: '/srv/env.sock',
      fileProblem: null,
    });
  });

  test("then settings.socket of the tasks file, relative to the file's folder", async () => {
    const path = write('custom.yaml', ['settings:', '  socket: ./run/tk.sock', 'tasks:', '  a: { run: "true" }']);
    expect(await chooseSocket(io({ XDG_RUNTIME_DIR: '/run/user/1000' }), { config: path })).toEqual({
      socket: join(dir, 'run', 'tk.sock'),
      fileProblem: null,
    });
  });

  test('then $XDG_RUNTIME_DIR/taskkit/taskkit.sock, then <state-dir>/taskkit.sock', async () => {
    write('tasks.yaml', ['settings:', '  state-dir: ./state', 'tasks:', '  a: { run: "true" }']);
    expect((await chooseSocket(io({ XDG_RUNTIME_DIR: '/run/user/1000' }), {})).socket).toBe(
      '/run/user/1000/taskkit/taskkit.sock',
    );
    expect((await chooseSocket(io(), {})).socket).toBe(join(dir, 'state', 'taskkit.sock'));
  });

  test(
    'a file whose tasks are broken still gives its settings (reload must reach the daemon to ' + 'be refused)',
    async () => {
      write('tasks.yaml', [
        'settings:',
        '  state-dir: ./state',
        'tasks:',
        '  a:',
        '    every: 5 minutes',
        '    run: "true"',
      ]);
      expect(await chooseSocket(io(), {})).toEqual({ socket: join(dir, 'state', 'taskkit.sock'), fileProblem: null });
    },
  );

  test('no tasks file: the default state dir, and why the file could not say', async () => {
    const choice = await chooseSocket(io(), {});
    expect(choice.socket).toBe('/home/tester/.local/state/taskkit/taskkit.sock');
    expect(choice.fileProblem).toMatch(/^no tasks file found; looked at: /);
  });
});

describe('connectDaemon', () => {
  test('nobody listening: DAEMON_UNREACHABLE naming the path, and why the default path was used', async () => {
    const error = await connectDaemon(io({ XDG_STATE_HOME: join(dir, 'xdg') }), {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskkitError);
    expect((error as TaskkitError).code).toBe('DAEMON_UNREACHABLE');
    expect((error as TaskkitError).message).toBe(
      `no taskkit daemon reachable on ${join(dir, 'xdg', 'taskkit', 'taskkit.sock')}: ` +
        `the socket does not exist; start one with "taskkit start" ` +
        `(the default socket: the tasks file did not say, no tasks file found; looked at: ` +
        `${join(dir, 'tasks.yaml')}, /home/tester/.config/taskkit/tasks.yaml (use --config FILE))`,
    );
  });
});
