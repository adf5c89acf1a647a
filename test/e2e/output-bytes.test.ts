/**
 * Issue 13 point 5, through bin/taskkit as a user types it: a task's output is bytes, not text.
 * `printf 'a\0b\377\n'` and a 200 KiB blob holding every byte value come back byte for byte from
 * `logs`, `run-now --wait`, `exec > file` (its stderr on stderr), `logs --follow` (live and
 * stored), and through the documented encoding of `--json` (`outputBase64`; `output` is the
 * lossy UTF-8 text).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cliEnv, TASKKIT_BIN } from '../support/cli-process.js';
import { cleanUpDaemons, makeDaemonDir, type DaemonDir } from './_daemon.js';

const children = new Set<ChildProcess>();

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await cleanUpDaemons();
});

/** What `printf 'a\0b\377\n'` writes: a NUL and a byte that is not UTF-8. */
const SMALL = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]);
/** 200 KiB of every byte value in a scrambled order (under the default 256KiB output-limit). */
const BLOB = Buffer.from(Array.from({ length: 200 * 1024 }, (_, index) => (index * 151 + (index >> 8)) & 0xff));

const TASKS = [
  'settings:',
  '  state-dir: ./state',
  '  shutdown-grace: 2s',
  'tasks:',
  '  small:',
  `    run: printf 'a\\0b\\377\\n'`,
  '  blob:',
  '    run: cat blob.bin',
  '  split:',
  `    run: printf 'out\\377\\n'; printf 'err\\0\\376\\n' >&2`,
  // Prints SMALL, waits for a `go` file (so a follower joins a running run), then the blob.
  '  slow:',
  `    run: printf 'a\\0b\\377\\n'; while [ ! -f go ]; do sleep 0.05; done; cat blob.bin`,
];

interface ByteResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** Start `taskkit ARGS` in the dir; stdout to a pipe, or to `stdoutFile` as `> file` does. */
function start(d: DaemonDir, args: readonly string[], stdoutFile?: string): ChildProcess {
  const fd = stdoutFile === undefined ? null : openSync(stdoutFile, 'w');
  const child = spawn(process.execPath, [TASKKIT_BIN, ...args], {
    cwd: d.dir,
    env: cliEnv(),
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
  });
  if (fd !== null) closeSync(fd);
  children.add(child);
  return child;
}

/** Collect a child's stdout and stderr as bytes until it exits (killed after 20 s). */
function finish(child: ChildProcess, onStdout?: (sofar: Buffer) => void): Promise<ByteResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out.push(chunk);
    onStdout?.(Buffer.concat(out));
  });
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

const taskkit = (d: DaemonDir, args: readonly string[]): Promise<ByteResult> => finish(start(d, args));

interface OutputView {
  readonly output: string;
  readonly outputBase64: string;
  readonly outputBytes: number;
}

/** `outputBase64` is the bytes; `output` the same bytes decoded as UTF-8 (lossy). */
function expectEncoded(run: OutputView, bytes: Buffer): void {
  expect(Buffer.from(run.outputBase64, 'base64').equals(bytes)).toBe(true);
  expect(run.output).toBe(bytes.toString('utf8'));
  expect(run.outputBytes).toBe(bytes.length);
}

function setUp(): DaemonDir {
  const d = makeDaemonDir();
  d.writeTasks(TASKS);
  writeFileSync(join(d.dir, 'blob.bin'), BLOB);
  return d;
}

test('exec > file is exact: stdout to the file, the task stderr to stderr, --json decodes', async () => {
  const d = setUp();
  for (const [name, bytes] of [
    ['small', SMALL],
    ['blob', BLOB],
  ] as const) {
    const file = join(d.dir, `${name}.out`);
    const ran = await finish(start(d, ['exec', name], file));
    expect(ran.code).toBe(0);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    const json = await taskkit(d, ['exec', name, '--json']);
    expectEncoded(JSON.parse(json.stdout.toString('utf8')) as OutputView, bytes);
  }
  const split = await taskkit(d, ['exec', 'split']);
  expect([split.code, split.stdout, split.stderr]).toEqual([
    0,
    Buffer.from('out\xff\n', 'latin1'),
    Buffer.from('err\x00\xfe\n', 'latin1'),
  ]);
});

test(
  'run-now --wait, logs and logs --follow of an ended run give the bytes; --json has them in outputBase64',
  { timeout: 60_000 },
  async () => {
    const d = setUp();
    expect((await taskkit(d, ['start'])).code).toBe(0);
    for (const [name, bytes] of [
      ['small', SMALL],
      ['blob', BLOB],
    ] as const) {
      const waited = await taskkit(d, ['run-now', name, '--wait']);
      expect(waited.code).toBe(0);
      expect(waited.stdout.equals(bytes)).toBe(true);
      const waitedJson = await taskkit(d, ['run-now', name, '--wait', '--json']);
      expectEncoded((JSON.parse(waitedJson.stdout.toString('utf8')) as { run: OutputView }).run, bytes);

      const logs = await taskkit(d, ['logs', name]);
      expect(logs.code).toBe(0);
      expect(logs.stdout.equals(bytes)).toBe(true);
      const logsJson = await taskkit(d, ['logs', name, '--json']);
      expectEncoded((JSON.parse(logsJson.stdout.toString('utf8')) as { run: OutputView }).run, bytes);
      const stored = await taskkit(d, ['logs', name, '--follow']);
      expect(stored.code).toBe(0);
      expect(stored.stdout.equals(bytes)).toBe(true);

      const history = await taskkit(d, ['history', name, '--json']);
      const { runs } = JSON.parse(history.stdout.toString('utf8')) as { runs: OutputView[] };
      expect(runs.map((run) => run.outputBytes)).toEqual([bytes.length, bytes.length]);
      expect(runs[0]?.output).toBeUndefined();
    }
    expect((await taskkit(d, ['stop'])).code).toBe(0);
  },
);

test('logs --follow of a running run streams its bytes live, then the rest', { timeout: 60_000 }, async () => {
  const d = setUp();
  expect((await taskkit(d, ['start'])).code).toBe(0);
  expect((await taskkit(d, ['run-now', 'slow'])).code).toBe(0);
  const go = join(d.dir, 'go');
  const followed = await finish(start(d, ['logs', 'slow', '--follow']), (sofar) => {
    // The run printed SMALL and waits: let it go on once the follower has what came before.
    if (sofar.length >= SMALL.length && !existsSync(go)) writeFileSync(go, '');
  });
  expect(followed.code).toBe(0);
  expect(followed.stdout.equals(Buffer.concat([SMALL, BLOB]))).toBe(true);
  expect((await taskkit(d, ['stop'])).code).toBe(0);
});
