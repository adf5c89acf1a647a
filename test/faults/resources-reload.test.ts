/**
 * Issue 8 item 3, the tasks file goes bad before `taskkit reload`: deleted, replaced by a
 * directory, by binary garbage, by bytes that are not UTF-8, and by a named pipe nobody writes to
 * (a read that never ends, like a file on a hung network mount). Each reload fails with a clear
 * message and exit 2, the daemon's old task keeps running, and `status` answers throughout; then a
 * good file reloads (the pipe did not wedge the reload queue) and the daemon stops and exits.
 * Root reads files whatever their mode, so "no permission" is only tried when not root.
 * With the tasks file gone the CLI cannot read the socket path from it: every call says --socket.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { LOAD_TIMEOUT_MS } from '../../src/daemon/load-isolated.js';
import { cleanUpDaemons, makeDaemonDir, pause, readDaemonLog, startDetached, type DaemonDir } from '../e2e/_daemon.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { readRuns } from './_support/resource-db.js';

const LONG = process.env['TASKKIT_FAULTS_LONG'] === '1';
const AS_ROOT = process.getuid?.() === 0;
const REFUSED = 'taskkit: reload refused; the daemon goes on with the tasks it had';

let summary = 'not run';
afterEach(cleanUpDaemons);
afterAll(() => console.log(`[faults] reload: ${summary}`));

interface BadFile {
  readonly name: string;
  /** Make the tasks file bad. */
  break(path: string): void;
  /** What `reload` must print on stderr. */
  readonly expected: (path: string) => RegExp;
  /** Undo it, so the next case starts from no file at all. */
  clear(path: string): void;
}

const removeFile = (path: string): void => rmSync(path, { recursive: true, force: true });
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const BAD_FILES: readonly BadFile[] = [
  {
    name: 'deleted',
    break: () => {},
    expected: (path) => new RegExp(`tasks file not found: ${escape(path)}`),
    clear: () => {},
  },
  {
    name: 'a directory',
    break: (path) => mkdirSync(path),
    expected: (path) => new RegExp(`${escape(path)}: is a directory, not a tasks file[^\\n]*\\n${REFUSED}`),
    clear: removeFile,
  },
  {
    name: 'binary garbage',
    break: (path) => writeFileSync(path, Buffer.from([0, 159, 146, 150, 0, 7, 255, 0, 1, 2, 3])),
    expected: (path) =>
      new RegExp(
        `${escape(path)}:1:1: contains a NUL byte: it looks like a binary file, not YAML text[\\s\\S]*${REFUSED}`,
      ),
    clear: removeFile,
  },
  {
    name: 'not UTF-8',
    break: (path) => writeFileSync(path, Buffer.from('tasks:\n  a: { run: "\xff\xfe caf\xe9" }\n', 'latin1')),
    expected: (path) => new RegExp(`${escape(path)}: is not UTF-8 text; save it as UTF-8[\\s\\S]*${REFUSED}`),
    clear: removeFile,
  },
  ...(AS_ROOT
    ? []
    : [
        {
          name: 'no permission',
          break: (path: string) => {
            writeFileSync(path, 'tasks: {}\n');
            chmodSync(path, 0o000);
          },
          expected: (path: string) =>
            new RegExp(`${escape(path)}: cannot be read: permission denied[\\s\\S]*${REFUSED}`),
          clear: removeFile,
        },
      ]),
];

const TASKS = ['settings:', '  state-dir: ./state', 'tasks:', '  tick:', '    every: 500ms', '    run: echo tick'];

/** `taskkit --socket S ARGS`: the tasks file may be gone. */
const cli = (d: DaemonDir, args: string[]) => d.taskkit(['--socket', d.socket, ...args], { timeoutMs: 40_000 });

/** Stored runs of the old task so far. */
const countTicks = (d: DaemonDir): number =>
  readRuns(join(d.stateDir, 'taskkit.db'), "task = 'tick' AND status = 'succeeded'").length;

test(
  'a tasks file deleted, a directory, garbage, not UTF-8 or a pipe that never answers: reload refused, ' +
    'the old task runs on, status answers',
  { timeout: LONG ? 90_000 : 45_000 },
  async () => {
    const d = makeDaemonDir();
    const path = d.writeTasks(TASKS);
    const pid = await startDetached(d);
    await waitUntil(() => countTicks(d) >= 2, 10_000, 'the old task to run');
    const ticksBefore = countTicks(d);
    renameSync(path, `${path}.good`);
    const refused: string[] = [];
    let statusAnswered = 0;

    for (const bad of BAD_FILES) {
      bad.break(path);
      const ticks = countTicks(d);
      const reload = await cli(d, ['reload']);
      const status = await cli(d, ['status', '--json']);
      expect({ file: bad.name, code: reload.code }).toEqual({ file: bad.name, code: 2 });
      expect(reload.stderr).toMatch(bad.expected(path));
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ pid, tasks: { total: 1 } });
      statusAnswered++;
      await waitUntil(() => countTicks(d) > ticks, 5_000, `the old task to run on after the ${bad.name} reload`);
      refused.push(bad.name);
      bad.clear(path);
    }

    // A named pipe: the loader blocks in open() until a writer comes. Meanwhile the daemon serves
    // and runs; in the long form nobody writes and the load is abandoned at LOAD_TIMEOUT_MS.
    execFileSync('mkfifo', [path]);
    const pipeAsked = Date.now();
    const pipeReload = cli(d, ['reload']);
    await pause(1_000);
    const ticksDuringPipe = countTicks(d);
    const pipeStatus = await cli(d, ['status', '--json']);
    expect(pipeStatus.code).toBe(0);
    statusAnswered++;
    await waitUntil(
      () => countTicks(d) > ticksDuringPipe,
      5_000,
      'the old task to run on while the reload hangs on the pipe',
    );
    if (!LONG) await writeFile(path, Buffer.from([0, 1, 2]));
    const pipeResult = await pipeReload;
    const pipeMs = Date.now() - pipeAsked;
    expect(pipeResult.code).toBe(2);
    expect(pipeResult.stderr).toMatch(
      LONG
        ? new RegExp(
            `${escape(path)}: could not be read within ${LOAD_TIMEOUT_MS / 1000} s \\(a named pipe with no ` +
              `writer, or a file on a hung network mount\\?\\)`,
          )
        : new RegExp(`${escape(path)}:1:1: contains a NUL byte`),
    );
    if (LONG) expect(pipeMs).toBeGreaterThanOrEqual(LOAD_TIMEOUT_MS);
    refused.push(
      LONG
        ? `a pipe nobody writes (abandoned after ${(pipeMs / 1000).toFixed(1)} s)`
        : `a pipe (blocked ${(pipeMs / 1000).toFixed(1)} s until written)`,
    );
    removeFile(path);

    // A good file again, with one more task: the reload queue is not wedged.
    writeFileSync(path, `${[...TASKS, '  other:', '    run: echo other'].join('\n')}\n`);
    const good = await cli(d, ['reload']);
    expect(good.code).toBe(0);
    expect(good.stdout).toBe('reloaded: 1 added (other), 0 changed, 0 removed, 1 unchanged\n');
    const ticksMeanwhile = countTicks(d) - ticksBefore;
    const logged = readDaemonLog(d).match(/reload \(taskkit reload\) refused, the old tasks go on/g)?.length ?? 0;
    expect(logged).toBe(refused.length);

    // Long form: stop while a reload hangs on a pipe. The loader used to keep the stopped daemon's
    // process alive for ever; now it exits once the load is abandoned at the latest.
    let stopNote = 'stop exited';
    if (LONG) {
      removeFile(path);
      execFileSync('mkfifo', [path]);
      const hanging = cli(d, ['reload']);
      await pause(500);
      const stopAsked = Date.now();
      expect((await cli(d, ['stop'])).code).toBe(0);
      const stopMs = Date.now() - stopAsked;
      await hanging;
      expect(stopMs).toBeLessThan(LOAD_TIMEOUT_MS + 5_000);
      stopNote = `stop during a hung reload exited after ${(stopMs / 1000).toFixed(1)} s`;
    } else {
      expect((await cli(d, ['stop'])).code).toBe(0);
    }
    await waitUntil(() => !isAlive(pid), 10_000, 'the daemon to exit');
    summary =
      `${refused.length} bad files refused ` +
      `(${refused.join(', ')}${AS_ROOT ? '; no-permission not ' + 'tried as root' : ''}), each logged, ` +
      `the old task ran ${ticksMeanwhile} times meanwhile, status answered ${statusAnswered}/${refused.length}, ` +
      `then a good file reloaded (1 added), ${stopNote}`;
  },
);
