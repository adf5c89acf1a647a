/**
 * `taskkit __complete tasks`: the daemon's task names when one answers at once, else the tasks
 * file's, else nothing; never an error message (it would land in the user's prompt).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { COMPLETION_CONNECT_TIMEOUT_MS } from '../../../src/cli/completion/words.js';
import { CONNECT_TIMEOUT_MS } from '../../../src/control/protocol.js';
import { closeAll, startControl } from '../../support/control-fixture.js';
import { createMemoryIo } from '../../support/memory-io.js';
import { makeTask } from '../../support/task-spec.js';
import { makeCompletionDir, runProgram, type CompletionDir } from './_completion.js';

let where: CompletionDir;
beforeAll(() => {
  where = makeCompletionDir();
  where.write('tasks.yaml', ['tasks:', '  backup: { run: "true" }', '  bake: { run: "true" }']);
  where.write('broken.yaml', ['tasks:', '  bad name!: { run: "true" }']);
  where.write('not-yaml.yaml', ['tasks: [', '  {']);
});
afterAll(() => where.remove());
afterEach(closeAll);

async function completeWords(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = createMemoryIo({
    cwd: where.dir,
    env: { HOME: join(where.dir, 'home'), PATH: process.env['PATH'], ...env },
  });
  const code = await runCli(args, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe('without a daemon: the tasks file', () => {
  test('the names in file order, from --config or the usual search', async () => {
    expect(await completeWords(['__complete', 'tasks'])).toEqual({ code: 0, stdout: 'backup\nbake\n', stderr: '' });
    expect(await completeWords(['--config', 'tasks.yaml', '__complete', 'tasks'])).toEqual({
      code: 0,
      stdout: 'backup\nbake\n',
      stderr: '',
    });
    expect(await completeWords(['__complete', 'tasks'], { TASKKIT_CONFIG: join(where.dir, 'tasks.yaml') })).toEqual({
      code: 0,
      stdout: 'backup\nbake\n',
      stderr: '',
    });
  });

  test.each(['broken.yaml', 'not-yaml.yaml', 'missing.yaml'])('%s: nothing at all, exit 0', async (file) => {
    expect(await completeWords(['--config', file, '__complete', 'tasks'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('the same through bin/taskkit, a real process', async () => {
    expect(
      await runProgram('taskkit', ['--config', 'broken.yaml', '__complete', 'tasks'], {
        cwd: where.dir,
        env: where.env,
      }),
    ).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('an unknown word list is a usage error (a script and binary that disagree)', async () => {
    expect(await completeWords(['__complete', 'verbs'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'taskkit: __complete: no word list "verbs" (known: tasks)\n',
    });
  });
});

describe('with a daemon', () => {
  test("the daemon's names win over the file's, found by --socket or $TASKKIT_SOCKET", async () => {
    const fixture = await startControl([makeTask('alpha'), makeTask('beta'), makeTask('gamma')]);
    const expected = { code: 0, stdout: 'alpha\nbeta\ngamma\n', stderr: '' };
    expect(await completeWords(['--socket', fixture.socket, '--config', 'tasks.yaml', '__complete', 'tasks'])).toEqual(
      expected,
    );
    expect(await completeWords(['__complete', 'tasks'], { TASKKIT_SOCKET: fixture.socket })).toEqual(expected);
  });

  test('found through settings.socket of the file given with --config', async () => {
    const fixture = await startControl([makeTask('from-daemon')]);
    where.write('pointing.yaml', [
      'settings:',
      `  socket: ${fixture.socket}`,
      'tasks:',
      '  from-file: { run: "true" }',
    ]);
    expect(await completeWords(['--config', 'pointing.yaml', '__complete', 'tasks'])).toEqual({
      code: 0,
      stdout: 'from-daemon\n',
      stderr: '',
    });
  });

  describe('a socket that accepts but never answers', () => {
    let server: Server;
    let socket: string;
    const connections: Socket[] = [];
    beforeAll(async () => {
      socket = join(where.dir, 'silent.sock');
      // Keeps each connection, reads nothing and answers nothing.
      server = createServer((connection) => connections.push(connection));
      await new Promise<void>((resolve) => server.listen(socket, resolve));
    });
    afterAll(async () => {
      for (const connection of connections) connection.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test(
      `is given up after ${COMPLETION_CONNECT_TIMEOUT_MS} ms, not the verbs' ${CONNECT_TIMEOUT_MS}: ` +
        `the file's names`,
      async () => {
        const started = Date.now();
        expect(await completeWords(['--socket', socket, '--config', 'tasks.yaml', '__complete', 'tasks'])).toEqual({
          code: 0,
          stdout: 'backup\nbake\n',
          stderr: '',
        });
        expect(Date.now() - started).toBeLessThan(CONNECT_TIMEOUT_MS);
      },
    );
  });
});
