/**
 * Module tasks in worker threads: DESIGN.md "Runs". The worker entry is loaded from dist/ (a
 * Worker cannot load .ts), so these tests need `npm run build` first, as `npm test` does.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  assertFreshWorkerBuild,
  createModuleRequest as createRequest,
  MODULE_FIXTURES as FIXTURES,
  type FakeHandle,
} from '../support/module-run.js';
import { startModuleRun } from '../../src/runner/module.js';
import { describeStop } from '../../src/runner/outcome.js';
import { formatDroppedMarker } from '../../src/runner/output-buffer.js';
import type { RunHandle, RunOutcome, RunRequest } from '../../src/runner/types.js';

/** The stop in words (runner/outcome.ts); '' when the run was not stopped. */
const stopWords = (outcome: RunOutcome): string => (outcome.stop === null ? '' : describeStop(outcome.stop));

beforeAll(assertFreshWorkerBuild);

describe('success', () => {
  test('the default export gets the run fields and args; its value is the result', async () => {
    const args = { to: 'ops@example.com', retries: [1, 2] };
    const handle = startModuleRun(createRequest('echo-context.js', { args }));
    expect(handle.pid).toBe(null);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      error: null,
      output: Buffer.from(''),
      outputTruncated: false,
    });
    expect(outcome.result).toEqual({
      name: 'module-task',
      runId: 7,
      args,
      scheduledAt: Date.UTC(2026, 5, 1, 12, 0, 0),
      trigger: 'schedule',
      attempt: 1,
      aborted: false,
      proceed: true,
    });
  });

  test('a named export is called when `export:` names it', async () => {
    const outcome = await startModuleRun(createRequest('named-exports.js', { exportName: 'run' })).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', 'run called for module-task']);
  });

  test('the worker sees the task env and the TASKKIT_* variables; the daemon env is untouched', async () => {
    const outcome = await startModuleRun(createRequest('env.js', { env: { REPORT_TO: 'ops' } })).done;
    expect(outcome.result).toEqual({
      REPORT_TO: 'ops',
      TASKKIT_TASK: 'module-task',
      TASKKIT_RUN_ID: '7',
      TASKKIT_SCHEDULED_AT: '2026-06-01T12:00:00.000Z',
      TASKKIT_TRIGGER: 'schedule',
      TASKKIT_ATTEMPT: '1',
    });
    expect([process.env['REPORT_TO'], process.env['TASKKIT_TASK']]).toEqual([undefined, undefined]);
  });

  test('messages the module posts on parentPort itself are ignored', async () => {
    const outcome = await startModuleRun(createRequest('post-message.js')).done;
    expect([outcome.status, outcome.result, String(outcome.output)]).toEqual(['succeeded', 'posted', '']);
  });

  test('a value JSON cannot represent is dropped with a note', async () => {
    const outcome = await startModuleRun(createRequest('circular.js')).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', undefined]);
    expect(String(outcome.output)).toMatch(
      /^taskkit: result not kept: not JSON-serialisable \(Converting circular structure to JSON[^\n]*\)\n$/,
    );
  });
});

describe('failure', () => {
  test('a throw fails the run with message and stack', async () => {
    const outcome = await startModuleRun(createRequest('throw.js')).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual(['failed', 1, 'boom from module']);
    expect(String(outcome.output)).toMatch(/^Error: boom from module\n {4}at throwNow \(file:\/\/.*throw\.js:3:9\)/);
  });

  test('a rejection fails the run', async () => {
    const outcome = await startModuleRun(createRequest('reject.mjs')).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual(['failed', 1, 'rejected from module']);
    expect(String(outcome.output).startsWith('TypeError: rejected from module\n    at rejectLater')).toBe(true);
  });

  test('a missing file says so', async () => {
    const outcome = await startModuleRun(createRequest('no-such-module.js')).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual([
      'failed',
      1,
      `cannot load module ${FIXTURES}no-such-module.js: no such file`,
    ]);
  });

  test('a syntax error says where', async () => {
    const outcome = await startModuleRun(createRequest('syntax-error.js')).done;
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(`cannot load module ${FIXTURES}syntax-error.js: Unexpected token ';' (line 3)`);
    expect(
      String(outcome.output).startsWith(
        `${FIXTURES}syntax-error.js:3\n  return 1 +;\n            ^\nSyntaxError: Unexpected token ';'\n`,
      ),
    ).toBe(true);
  });

  test.each([
    ['default', 'named-exports.js', 'has no default export (exports: answer, run)'],
    ['nope', 'named-exports.js', 'has no export "nope" (exports: answer, run)'],
  ])('a missing export %s lists what the module has', async (exportName, file, words) => {
    const outcome = await startModuleRun(createRequest(file, { exportName })).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual([
      'failed',
      1,
      `module ${FIXTURES}${file} ${words}`,
    ]);
  });

  test('an export that is not a function is named', async () => {
    const outcome = await startModuleRun(createRequest('named-exports.js', { exportName: 'answer' })).done;
    expect(outcome.error).toBe(`module ${FIXTURES}named-exports.js: export "answer" is not a function (got number)`);
  });

  test('an error thrown outside the awaited function fails the run', async () => {
    const outcome = await startModuleRun(createRequest('late-throw.js')).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual(['failed', 1, 'thrown from a timer']);
    expect(String(outcome.output).startsWith('RangeError: thrown from a timer\n')).toBe(true);
  });

  test('a module that ends its own thread fails the run', async () => {
    const outcome = await startModuleRun(createRequest('exit.js')).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual([
      'failed',
      1,
      `the worker of module ${FIXTURES}exit.js exited with code 3 before the function returned`,
    ]);
  });

  test('a task that is not a module task fails without throwing', async () => {
    const request = createRequest('throw.js');
    const wrong = { ...request, task: { ...request.task, action: { kind: 'argv', argv: ['true'] } } } as RunRequest;
    const outcome = await startModuleRun(wrong).done;
    expect([outcome.status, outcome.error]).toEqual([
      'failed',
      'taskkit could not start the run: task "module-task" runs a argv, not a module',
    ]);
  });
});

describe('output and handle', () => {
  test('bytes written to process.stdout and stderr are kept as bytes, each chunk with its stream', async () => {
    const chunks: { bytes: Buffer; stream: string }[] = [];
    const outcome = await startModuleRun(createRequest('binary-output.js'), (bytes, stream) =>
      chunks.push({ bytes: Buffer.from(bytes), stream }),
    ).done;
    expect(outcome.output).toEqual(Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a, 0xfe, 0x0a]));
    expect(chunks).toEqual([
      { bytes: Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a]), stream: 'stdout' },
      { bytes: Buffer.from([0xfe, 0x0a]), stream: 'stderr' },
    ]);
  });

  test('ctx.log, console.log, console.error and process.stdout writes are captured in order', async () => {
    const chunks: string[] = [];
    const outcome = await startModuleRun(createRequest('output.js'), (chunk) => chunks.push(chunk.toString())).done;
    const expected = 'log formatted 7 { deep: [ 1, 2 ] }\nconsole.log line\nconsole.error line\npartial bytes\n';
    expect(String(outcome.output)).toBe(expected);
    expect(chunks.join('')).toBe(expected);
    expect(outcome.outputBytes).toBe(Buffer.byteLength(expected));
  });

  test('handle calls reach the engine handle in the parent', async () => {
    const request = createRequest('handle.js');
    const outcome = await startModuleRun(request).done;
    expect(outcome.result).toBe('handled');
    expect((request.handle as FakeHandle).calls).toEqual([
      ['setPeriod', '10m'],
      ['setPeriod', 90000],
      ['runOnCompletion'],
      ['hold', 'disk full'],
      ['hold'],
    ]);
  });

  test('a handle call the engine rejects is noted in the output; the run goes on', async () => {
    const request = createRequest('handle.js');
    const rejecting = {
      ...request,
      handle: {
        ...request.handle,
        setPeriod: (period: string | number) => {
          throw new Error(`bad period ${String(period)}`);
        },
      },
    };
    const outcome = await startModuleRun(rejecting).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', 'handled']);
    expect(String(outcome.output)).toBe(
      'taskkit: ctx.handle.setPeriod() failed: bad period 10m\ntaskkit: ctx.handle.setPeriod() failed: ' +
        'bad period 90000\n',
    );
    expect((request.handle as FakeHandle).calls).toEqual([['runOnCompletion'], ['hold', 'disk full'], ['hold']]);
  });

  test.each(['log', 'console'])(
    'a flood through %s stays within outputLimitBytes; every byte is counted',
    async (via) => {
      const lines = 40_000;
      const request = createRequest('flood.js', { args: { lines, width: 1024, via }, outputLimitBytes: 16 * 1024 });
      let streamed = 0;
      const outcome = await startModuleRun(request, (chunk) => (streamed += chunk.length)).done;
      expect([outcome.status, outcome.result]).toEqual(['succeeded', lines]);
      expect(outcome.outputBytes).toBe(lines * 1024);
      expect(streamed).toBe(lines * 1024);
      expect(outcome.outputTruncated).toBe(true);
      expect(String(outcome.output)).toBe(
        `${'x'.repeat(1023)}\n`.repeat(8) +
          formatDroppedMarker(lines * 1024 - 16 * 1024) +
          `${'x'.repeat(1023)}\n`.repeat(8),
      );
    },
  );

  test.each(['log', 'console'])('output through %s waits while the parent is behind (back-pressure)', async (via) => {
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const request = createRequest('flood.js', {
      args: { lines: 5000, width: 1024, via, progress: progress.buffer },
      outputLimitBytes: 4096,
    });
    let linesWhileBusy: number | undefined;
    const outcome = await startModuleRun(request, () => {
      if (linesWhileBusy !== undefined) return;
      // Keep the parent thread busy: a worker without back-pressure would post on unbounded.
      const until = Date.now() + 300;
      while (Date.now() < until);
      linesWhileBusy = Atomics.load(progress, 0);
    }).done;
    expect(outcome.outputBytes).toBe(5000 * 1024);
    // 1 MiB high-water mark / 1 KiB lines, plus the line being posted.
    expect(linesWhileBusy).toBeGreaterThan(1000);
    expect(linesWhileBusy).toBeLessThanOrEqual(1026);
  });
});

describe('stopping', () => {
  test.each([
    ['cancel', 'cancelled by taskkit cancel'],
    ['replace', 'replaced by a new run'],
    ['shutdown', 'stopped by shutdown'],
  ] as const)('cancel(%s) reaches a synchronous proceed() loop that never yields', async (reason, words) => {
    // Cancel once the loop is running (worker start-up time varies), when its line arrives.
    const handle: RunHandle = startModuleRun(createRequest('proceed-loop.js'), (chunk) => {
      if (chunk.toString() === 'looping\n') handle.cancel(reason);
    });
    const outcome = await handle.done;
    expect({ ...outcome, output: String(outcome.output) }).toMatchObject({
      status: 'cancelled',
      exitCode: 0,
      error: null,
      output: `looping\nstopped because ${reason}\n`,
    });
    expect(outcome.stop).toMatchObject({ cause: reason, signals: [], abandoned: null });
    expect(stopWords(outcome)).toBe(words);
    expect(outcome.result).toEqual({ stoppedBy: reason, rounds: 'many' });
  });

  test('cancel aborts ctx.signal for code waiting on its abort event', async () => {
    const handle: RunHandle = startModuleRun(createRequest('await-abort.js'), (chunk) => {
      if (chunk.toString() === 'waiting\n') handle.cancel('cancel');
    });
    const outcome = await handle.done;
    expect([outcome.status, String(outcome.output), outcome.result]).toEqual([
      'cancelled',
      'waiting\n',
      { stoppedBy: 'cancel', proceed: false },
    ]);
  });

  test('timeout aborts with reason "timeout"; returning within kill-after still ends timed-out', async () => {
    const outcome = await startModuleRun(createRequest('proceed-loop.js', { timeoutMs: 100, killAfterMs: 5000 })).done;
    expect(outcome).toMatchObject({ status: 'timed-out', exitCode: 0, error: null });
    expect(stopWords(outcome)).toBe('timed out after 100ms');
    // How far the loop got before the timer fired depends on worker start-up; the reason does not.
    expect(String(outcome.output)).toMatch(/^(looping\n)?stopped because timeout\n$/);
    expect(outcome.result).toMatchObject({ stoppedBy: 'timeout' });
  });

  test('a module stuck in while(true) is terminated after timeout + kill-after', async () => {
    const started = Date.now();
    const outcome = await startModuleRun(createRequest('spin.js', { timeoutMs: 200, killAfterMs: 200 })).done;
    const took = Date.now() - started;
    expect(outcome).toMatchObject({
      status: 'timed-out',
      exitCode: null,
      signal: null,
      error: null,
      stop: { cause: 'timeout', afterMs: 200, signals: [], killAfterMs: 200, abandoned: 'module' },
    });
    expect(stopWords(outcome)).toBe(
      'timed out after 200ms; the module did not return within kill-after 200ms and its worker was terminated',
    );
    expect(took).toBeGreaterThanOrEqual(395);
    expect(took).toBeLessThan(3000);
  });

  test('a stuck module is terminated after kill-after on cancel', async () => {
    const handle = startModuleRun(createRequest('spin.js', { killAfterMs: 100 }));
    setTimeout(() => handle.cancel('shutdown'), 50);
    const outcome = await handle.done;
    expect([outcome.status, outcome.exitCode, outcome.error, stopWords(outcome)]).toEqual([
      'cancelled',
      null,
      null,
      'stopped by shutdown; the module did not return within kill-after 100ms and its worker was terminated',
    ]);
  });

  test('no worker outlives its run: timers the module left behind stop with it', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const outcome = await startModuleRun(createRequest('linger.js', { args: { counter: counter.buffer } })).done;
    expect(outcome.result).toBe('returned');
    const atEnd = Atomics.load(counter, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(atEnd).toBeGreaterThanOrEqual(4);
    expect(Atomics.load(counter, 0)).toBe(atEnd);
  });
});
