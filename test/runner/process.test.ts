/** Real processes through startProcessRun (DESIGN.md "Runs"); every pid is killed in afterEach. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { describeStop } from '../../src/runner/outcome.js';
import { startProcessRun } from '../../src/runner/process.js';
import type { CancelReason, OutputListener, RunOutcome, RunRequest } from '../../src/runner/types.js';
import {
  argvAction,
  createOutputRecorder,
  createProcessRequest,
  createProcessTracker,
  createTempDir,
  fixtureArgv,
  isAlive,
  shellAction,
  waitUntil,
} from './_process-run.js';

const tracker = createProcessTracker();
let temp: ReturnType<typeof createTempDir>;

beforeEach(() => {
  temp = createTempDir();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await tracker.killAll();
  temp.remove();
});

function start(request: RunRequest, onOutput?: OutputListener) {
  return tracker.track(startProcessRun(request, onOutput));
}

/** The stop in words (runner/outcome.ts); '' when the run was not stopped. */
const stopWords = (outcome: RunOutcome): string => (outcome.stop === null ? '' : describeStop(outcome.stop));

const nodeEval = (code: string, ...args: string[]) => argvAction(process.execPath, '-e', code, ...args);

describe('exit status', () => {
  test('exit 0 is succeeded', async () => {
    const outcome = await start(createProcessRequest({ action: argvAction(...fixtureArgv('exit-with.js', '0')) })).done;
    expect(outcome).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      error: null,
      output: Buffer.from(''),
      outputBytes: 0,
      outputTruncated: false,
    });
    expect(outcome.endedAt).toBeGreaterThanOrEqual(outcome.startedAt);
  });

  test('a non-zero exit is failed with its code', async () => {
    const outcome = await start(createProcessRequest({ action: argvAction(...fixtureArgv('exit-with.js', '3')) })).done;
    expect([outcome.status, outcome.exitCode, outcome.signal, outcome.error]).toEqual(['failed', 3, null, null]);
  });

  test('a signal taskkit did not send is failed with that signal', async () => {
    const outcome = await start(createProcessRequest({ action: shellAction('kill -9 $$') })).done;
    expect([outcome.status, outcome.exitCode, outcome.signal, outcome.error]).toEqual([
      'failed',
      null,
      'SIGKILL',
      null,
    ]);
  });

  test('pid is the leader, which leads its own process group', async () => {
    const handle = start(createProcessRequest({ action: nodeEval('process.stdout.write(String(process.pid))') }));
    const outcome = await handle.done;
    expect(typeof handle.pid).toBe('number');
    expect(String(outcome.output)).toBe(String(handle.pid));
  });

  test.skipIf(process.platform !== 'linux')('the process group id is the leader pid', async () => {
    // Field 5 of /proc/PID/stat is the process group id.
    const handle = start(createProcessRequest({ action: shellAction("cut -d' ' -f5 /proc/$$/stat") }));
    const outcome = await handle.done;
    expect(String(outcome.output)).toBe(`${handle.pid}\n`);
  });
});

describe('cannot start', () => {
  test('a missing binary is a failed run, not a throw', async () => {
    const handle = start(createProcessRequest({ action: argvAction('taskkit-no-such-command', '--flag') }));
    expect(handle.pid).toBe(null);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({
      status: 'failed',
      exitCode: null,
      signal: null,
      error: 'command not found: taskkit-no-such-command',
      output: Buffer.from(''),
    });
  });

  test('a missing shell binary names the shell', async () => {
    const request = createProcessRequest({ action: { kind: 'shell', script: 'true', shell: '/nonexistent/zsh' } });
    expect((await start(request).done).error).toBe('command not found: /nonexistent/zsh');
  });

  test('for a shell line, a missing command is the shell exit 127 with its own message', async () => {
    const outcome = await start(createProcessRequest({ action: shellAction('taskkit-no-such-command') })).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual(['failed', 127, null]);
    expect(String(outcome.output)).toMatch(/taskkit-no-such-command: .*not found\n$/);
  });

  test('a missing working directory', async () => {
    const missing = join(temp.path, 'gone');
    const handle = start(createProcessRequest({ action: argvAction('true'), cwd: missing }));
    expect(handle.pid).toBe(null);
    expect(await handle.done).toMatchObject({
      status: 'failed',
      exitCode: null,
      error: `working directory does not exist: ${missing}`,
    });
  });

  test('a working directory that is a file', async () => {
    const file = join(temp.path, 'file');
    writeFileSync(file, '');
    expect((await start(createProcessRequest({ action: argvAction('true'), cwd: file })).done).error).toBe(
      `working directory is not a directory: ${file}`,
    );
  });

  test('a script without execute permission', async () => {
    writeFileSync(join(temp.path, 'x.sh'), '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const outcome = await start(createProcessRequest({ action: argvAction('./x.sh'), cwd: temp.path })).done;
    expect(outcome).toMatchObject({ status: 'failed', exitCode: null, error: 'permission denied: ./x.sh' });
  });

  test('a script whose #! interpreter is missing is not "command not found"', async () => {
    writeFileSync(join(temp.path, 'bad.sh'), '#!/nonexistent/interpreter\n');
    chmodSync(join(temp.path, 'bad.sh'), 0o755);
    const outcome = await start(createProcessRequest({ action: argvAction('./bad.sh'), cwd: temp.path })).done;
    expect(outcome.error).toBe('cannot start ./bad.sh: its interpreter (#! line) was not found');
  });

  test('cancel of a run that never started is a no-op', async () => {
    const handle = start(createProcessRequest({ action: argvAction('taskkit-no-such-command') }));
    handle.cancel('cancel');
    expect((await handle.done).status).toBe('failed');
  });
});

describe('what the process sees', () => {
  test('argv runs without a shell: spaces, $ and quotes arrive literally', async () => {
    const args = ['a b', '$HOME', '"q"', "'s'", '*', '`id`'];
    const outcome = await start(
      createProcessRequest({
        action: nodeEval('process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args),
      }),
    ).done;
    expect(JSON.parse(String(outcome.output))).toEqual(args);
  });

  test('cwd is task.cwd', async () => {
    const outcome = await start(
      createProcessRequest({ action: nodeEval('process.stdout.write(process.cwd())'), cwd: temp.path }),
    ).done;
    expect(String(outcome.output)).toBe(temp.path);
  });

  test('env: process.env + task env + TASKKIT_*', async () => {
    const request = createProcessRequest({
      action: shellAction(
        'printf "%s|%s|%s|%s|%s|%s|%s|%s" "$TASKKIT_TASK" "$TASKKIT_RUN_ID" "$TASKKIT_SCHEDULED_AT" ' +
          '"$TASKKIT_TRIGGER" "$TASKKIT_ATTEMPT" "$FROM_TASK" "$WITH_SPACE" "$PATH"',
      ),
      env: { FROM_TASK: 'yes', WITH_SPACE: 'a b' },
      scheduledAt: Date.UTC(2026, 4, 6, 7, 8, 9),
    });
    const outcome = await start(request).done;
    expect(String(outcome.output)).toBe(`proc-task|7|2026-05-06T07:08:09.000Z|manual|1|yes|a b|${process.env['PATH']}`);
  });

  test('stdin is closed: a reader sees end of input at once', async () => {
    const outcome = await start(createProcessRequest({ action: shellAction('cat; echo "eof $?"') })).done;
    expect(String(outcome.output)).toBe('eof 0\n');
  });
});

describe('output', () => {
  test('stdout and stderr are interleaved in arrival order', async () => {
    const recorder = createOutputRecorder();
    const script =
      "printf 'out1\\n'; sleep 0.1; printf 'err1\\n' >&2; sleep 0.1; printf 'out2\\n'; sleep 0.1; printf 'err2\\n' >&2";
    const outcome = await start(createProcessRequest({ action: shellAction(script) }), recorder.listener).done;
    expect(String(outcome.output)).toBe('out1\nerr1\nout2\nerr2\n');
    expect(recorder.text()).toBe('out1\nerr1\nout2\nerr2\n');
    expect(outcome.outputBytes).toBe(20);
  });

  test('the listener gets the bytes as written: a character split across chunks, bytes not UTF-8', async () => {
    const recorder = createOutputRecorder();
    // "€" is e2 82 ac: the first write ends in the middle of it; 0xff and NUL are no UTF-8 text.
    const code =
      'process.stdout.write(Buffer.from([0x61, 0xe2, 0x82])); ' +
      'setTimeout(() => process.stdout.write(Buffer.from([0xac, 0x62, 0x00, 0xff])), 200);';
    const outcome = await start(createProcessRequest({ action: nodeEval(code) }), recorder.listener).done;
    const written = Buffer.from([0x61, 0xe2, 0x82, 0xac, 0x62, 0x00, 0xff]);
    expect(outcome.output.equals(written)).toBe(true);
    expect(recorder.chunks).toEqual([
      { bytes: Buffer.from([0x61, 0xe2, 0x82]), stream: 'stdout' },
      { bytes: Buffer.from([0xac, 0x62, 0x00, 0xff]), stream: 'stdout' },
    ]);
  });

  test("the listener is told which stream a chunk came from (exec writes the task's stderr to stderr)", async () => {
    const recorder = createOutputRecorder();
    const script = "printf 'out\\n'; sleep 0.1; printf 'err\\377\\n' >&2";
    const outcome = await start(createProcessRequest({ action: shellAction(script) }), recorder.listener).done;
    expect(outcome.output.equals(Buffer.from('out\nerr\xff\n', 'latin1'))).toBe(true);
    expect(recorder.chunks).toEqual([
      { bytes: Buffer.from('out\n'), stream: 'stdout' },
      { bytes: Buffer.from('err\xff\n', 'latin1'), stream: 'stderr' },
    ]);
  });

  test('50 MB through a 64 KiB buffer: bounded output and memory, exact byte count', async () => {
    const total = 50 * 1024 * 1024;
    const limit = 64 * 1024;
    let listened = 0;
    const rssBefore = process.memoryUsage().rss;
    const request = createProcessRequest({
      action: argvAction(...fixtureArgv('flood-output.js', String(total))),
      outputLimitBytes: limit,
    });
    const outcome = await start(request, (chunk) => (listened += chunk.length)).done;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const marker = `\n[taskkit: ${total - limit} bytes dropped]\n`;
    expect([outcome.status, outcome.outputBytes, outcome.outputTruncated, listened]).toEqual([
      'succeeded',
      total,
      true,
      total,
    ]);
    expect(Buffer.byteLength(String(outcome.output))).toBe(limit + marker.length);
    expect(String(outcome.output).startsWith('flood-start\nxxxx')).toBe(true);
    expect(String(outcome.output).endsWith('xxxx\nflood-end\n')).toBe(true);
    expect(String(outcome.output)).toContain(marker);
    expect(rssGrowth).toBeLessThan(30 * 1024 * 1024);
  });

  test('a background child holding the pipes does not hang the run and is left running', async () => {
    const pidFile = join(temp.path, 'bg.pid');
    const handle = start(
      createProcessRequest({ action: shellAction(`sleep 300 & echo $! > '${pidFile}'; echo started`) }),
    );
    const outcome = await handle.done;
    const backgroundPid = Number(readFileSync(pidFile, 'utf8'));
    tracker.trackPid(backgroundPid);
    expect([outcome.status, String(outcome.output)]).toEqual(['succeeded', 'started\n']);
    expect(outcome.endedAt - outcome.startedAt).toBeLessThan(1_000);
    expect(isAlive(backgroundPid)).toBe(true);
  });

  test('output a background child writes shortly after the leader exits is still drained', async () => {
    // The leader exits at once; the subshell writes ~20 ms later, well inside the 100 ms drain.
    const outcome = await start(createProcessRequest({ action: shellAction('(sleep 0.02; echo late) & echo early') }))
      .done;
    expect(String(outcome.output)).toBe('early\nlate\n');
  });

  test('output written just before exit is still captured', async () => {
    const outcome = await start(
      createProcessRequest({ action: argvAction(...fixtureArgv('flood-output.js', String(300_000))) }),
    ).done;
    expect([outcome.outputBytes, String(outcome.output).endsWith('\nflood-end\n')]).toEqual([300_000, true]);
  });
});

describe('timeout', () => {
  test('SIGTERM to the whole group: the grandchild dies too', async () => {
    const pidFile = join(temp.path, 'grandchild.pid');
    const handle = start(
      createProcessRequest({ action: argvAction(...fixtureArgv('spawn-grandchild.js', pidFile)), timeoutMs: 500 }),
    );
    const outcome = await handle.done;
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    tracker.trackPid(grandchild);
    expect(outcome).toMatchObject({
      status: 'timed-out',
      exitCode: null,
      signal: 'SIGTERM',
      error: null,
      output: Buffer.from('spawned\n'),
    });
    expect(outcome.stop).toEqual({
      cause: 'timeout',
      afterMs: 500,
      signals: ['SIGTERM'],
      killAfterMs: 10_000,
      abandoned: null,
    });
    expect(stopWords(outcome)).toBe('timed out after 500ms; sent SIGTERM');
    // Dead, though maybe still a zombie: orphans are reaped by pid 1, which may take seconds on some
    // VMs' init (isAlive tells a zombie from a live process; kill(pid, 0) does not).
    await waitUntil(() => !isAlive(grandchild), 15_000, `grandchild ${grandchild} to be gone`);
  });

  test('a grandchild ignoring SIGTERM is SIGKILLed with its group, though the shell obeyed', async () => {
    // The leader (sh) dies on SIGTERM at once; the group still has a member, so the run waits for
    // kill-after and SIGKILLs the group: nothing outlives a timeout.
    const script = `${fixtureArgv('ignore-sigterm.js')
      .map((part) => `'${part}'`)
      .join(' ')} & echo $! > grandchild.pid; wait`;
    const request = createProcessRequest({
      action: shellAction(script),
      cwd: temp.path,
      timeoutMs: 500,
      killAfterMs: 300,
    });
    const outcome = await start(request).done;
    const grandchild = Number(readFileSync(join(temp.path, 'grandchild.pid'), 'utf8'));
    tracker.trackPid(grandchild);
    expect(outcome).toMatchObject({
      status: 'timed-out',
      error: null,
      stop: { cause: 'timeout', signals: ['SIGTERM', 'SIGKILL'] },
    });
    expect(stopWords(outcome)).toBe('timed out after 500ms; sent SIGTERM, then SIGKILL after 300ms');
    await waitUntil(() => !isAlive(grandchild), 15_000, `grandchild ${grandchild} to be gone`);
  });

  test('a process ignoring SIGTERM is SIGKILLed after kill-after', async () => {
    const request = createProcessRequest({
      action: argvAction(...fixtureArgv('ignore-sigterm.js')),
      timeoutMs: 1_000,
      killAfterMs: 300,
    });
    const outcome = await start(request).done;
    expect(outcome).toMatchObject({
      status: 'timed-out',
      exitCode: null,
      signal: 'SIGKILL',
      error: null,
      output: Buffer.from('ready\ngot SIGTERM\n'),
    });
    expect(stopWords(outcome)).toBe('timed out after 1s; sent SIGTERM, then SIGKILL after 300ms');
    expect(outcome.endedAt - outcome.startedAt).toBeGreaterThanOrEqual(1_300);
  });

  test('a run that ends before its timeout is untouched', async () => {
    const outcome = await start(
      createProcessRequest({ action: argvAction(...fixtureArgv('exit-with.js', '0')), timeoutMs: 10_000 }),
    ).done;
    expect([outcome.status, outcome.error, outcome.stop]).toEqual(['succeeded', null, null]);
  });
});

describe('cancel', () => {
  test.each<[CancelReason, string]>([
    ['cancel', 'cancelled by taskkit cancel; sent SIGTERM'],
    ['replace', 'replaced by a new run; sent SIGTERM'],
    ['shutdown', 'stopped by shutdown; sent SIGTERM'],
  ])('reason %s', async (reason, error) => {
    const recorder = createOutputRecorder();
    const handle = start(
      createProcessRequest({ action: argvAction(...fixtureArgv('sleep-forever.js')) }),
      recorder.listener,
    );
    await recorder.waitFor('sleeping\n');
    handle.cancel(reason);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({
      status: 'cancelled',
      exitCode: null,
      signal: 'SIGTERM',
      error: null,
      output: Buffer.from('sleeping\n'),
    });
    expect(outcome.stop).toMatchObject({ cause: reason, signals: ['SIGTERM'], abandoned: null });
    expect(stopWords(outcome)).toBe(error);
  });

  test('a process ignoring SIGTERM is SIGKILLed after kill-after', async () => {
    const recorder = createOutputRecorder();
    const handle = start(
      createProcessRequest({ action: argvAction(...fixtureArgv('ignore-sigterm.js')), killAfterMs: 200 }),
      recorder.listener,
    );
    await recorder.waitFor('ready\n');
    handle.cancel('shutdown');
    const outcome = await handle.done;
    expect(outcome).toMatchObject({
      status: 'cancelled',
      signal: 'SIGKILL',
      error: null,
      output: Buffer.from('ready\ngot SIGTERM\n'),
    });
    expect(stopWords(outcome)).toBe('stopped by shutdown; sent SIGTERM, then SIGKILL after 200ms');
  });

  test('calling cancel twice does not re-arm or change the reason', async () => {
    const recorder = createOutputRecorder();
    const handle = start(
      createProcessRequest({ action: argvAction(...fixtureArgv('sleep-forever.js')) }),
      recorder.listener,
    );
    await recorder.waitFor('sleeping\n');
    const kill = vi.spyOn(process, 'kill');
    handle.cancel('cancel');
    handle.cancel('shutdown');
    expect(kill.mock.calls).toEqual([[-(handle.pid ?? 0), 'SIGTERM']]);
    expect(stopWords(await handle.done)).toBe('cancelled by taskkit cancel; sent SIGTERM');
  });

  test('cancel after the run ended is a no-op', async () => {
    const handle = start(createProcessRequest({ action: argvAction(...fixtureArgv('exit-with.js', '0')) }));
    const outcome = await handle.done;
    const kill = vi.spyOn(process, 'kill');
    handle.cancel('cancel');
    expect(kill).not.toHaveBeenCalled();
    expect(await handle.done).toBe(outcome);
    expect(outcome.status).toBe('succeeded');
  });
});
