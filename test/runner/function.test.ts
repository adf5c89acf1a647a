/** In-process function tasks (library API `run: fn`): DESIGN.md "Runs". */
import { describe, expect, test } from 'vitest';
import { makeTask } from '../support/task-spec.js';
import { startFunctionRun } from '../../src/runner/function.js';
import { describeStop } from '../../src/runner/outcome.js';
import { formatDroppedMarker } from '../../src/runner/output-buffer.js';
import type { RunOutcome, RunRequest } from '../../src/runner/types.js';
import type { TaskContext, TaskFunction, TaskHandle } from '../../src/task-context.js';

/** The stop in words (runner/outcome.ts); '' when the run was not stopped. */
const stopWords = (outcome: RunOutcome): string => (outcome.stop === null ? '' : describeStop(outcome.stop));

interface FakeHandle extends TaskHandle {
  readonly calls: unknown[][];
}

function createFakeHandle(): FakeHandle {
  const calls: unknown[][] = [];
  return {
    calls,
    setPeriod: (...args) => void calls.push(['setPeriod', ...args]),
    runOnCompletion: (...args) => void calls.push(['runOnCompletion', ...args]),
    hold: (...args) => void calls.push(['hold', ...args]),
  };
}

function createRequest(
  fn: TaskFunction,
  options: { timeoutMs?: number; killAfterMs?: number; outputLimitBytes?: number } = {},
): RunRequest {
  const task = makeTask('fn-task', {
    action: { kind: 'function', fn },
    cwd: '/',
    timeoutMs: options.timeoutMs ?? null,
    killAfterMs: options.killAfterMs ?? 10_000,
  });
  return {
    runId: 41,
    task,
    trigger: 'retry',
    scheduledAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    attempt: 2,
    outputLimitBytes: options.outputLimitBytes ?? 256 * 1024,
    handle: createFakeHandle(),
  };
}

/** A promise that never settles: the function ignores its signal. */
const forever = (): Promise<never> => new Promise<never>(() => undefined);

describe('success', () => {
  test('a returned value makes a succeeded run with the value as result', async () => {
    const handle = startFunctionRun(createRequest(() => ({ rows: 3, files: ['a', 'b'] })));
    expect(handle.pid).toBe(null);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      error: null,
      output: Buffer.from(''),
      outputBytes: 0,
      outputTruncated: false,
    });
    expect(outcome.result).toEqual({ rows: 3, files: ['a', 'b'] });
    expect(outcome.endedAt).toBeGreaterThanOrEqual(outcome.startedAt);
  });

  test('an awaited value counts as the result', async () => {
    const outcome = await startFunctionRun(createRequest(async () => 'later')).done;
    expect([outcome.status, outcome.result]).toEqual(['succeeded', 'later']);
  });

  test('returning nothing leaves result undefined and adds no note', async () => {
    const outcome = await startFunctionRun(createRequest(() => undefined)).done;
    expect(outcome.result).toBe(undefined);
    expect(String(outcome.output)).toBe('');
  });

  test('a value JSON cannot represent is dropped with a note in the output', async () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const outcome = await startFunctionRun(createRequest(() => circular)).done;
    expect(outcome.status).toBe('succeeded');
    expect(outcome.result).toBe(undefined);
    expect(String(outcome.output)).toMatch(
      /^taskkit: result not kept: not JSON-serialisable \(Converting circular structure to JSON[^\n]*\)\n$/,
    );
    const fnResult = await startFunctionRun(createRequest(() => () => 1)).done;
    expect(String(fnResult.output)).toBe('taskkit: result not kept: a function is not JSON-serialisable\n');
  });

  test('the result is the JSON form that the store keeps', async () => {
    const outcome = await startFunctionRun(
      createRequest(() => ({ at: new Date(Date.UTC(2026, 0, 1)), skip: undefined })),
    ).done;
    expect(outcome.result).toEqual({ at: '2026-01-01T00:00:00.000Z' });
  });
});

describe('context', () => {
  test('carries the run fields, null args and the request handle', async () => {
    let seen: TaskContext | undefined;
    const request = createRequest((ctx) => {
      seen = ctx;
    });
    await startFunctionRun(request).done;
    expect(seen).toMatchObject({
      name: 'fn-task',
      runId: 41,
      args: null,
      scheduledAt: Date.UTC(2026, 0, 2, 3, 4, 5),
      trigger: 'retry',
      attempt: 2,
    });
    expect(seen?.handle).toBe(request.handle);
    expect(seen?.signal.aborted).toBe(false);
    expect(seen?.proceed()).toBe(true);
  });

  test('log() formats like console.log, appends a line and calls the listener', async () => {
    const chunks: string[] = [];
    const request = createRequest((ctx) => {
      ctx.log('copied %d files to %s', 3, '/backup', { ok: true });
      ctx.log();
    });
    const outcome = await startFunctionRun(request, (chunk) => chunks.push(chunk.toString())).done;
    expect(chunks).toEqual(['copied 3 files to /backup { ok: true }\n', '\n']);
    expect(String(outcome.output)).toBe('copied 3 files to /backup { ok: true }\n\n');
    expect(outcome.outputBytes).toBe(40);
  });

  test('handle calls reach the engine handle', async () => {
    const request = createRequest((ctx) => {
      ctx.handle.setPeriod('10m');
      ctx.handle.runOnCompletion();
      ctx.handle.hold('disk full');
    });
    await startFunctionRun(request).done;
    expect((request.handle as FakeHandle).calls).toEqual([
      ['setPeriod', '10m'],
      ['runOnCompletion'],
      ['hold', 'disk full'],
    ]);
  });

  test('the function is called after start returns, so a cancel can come first', async () => {
    let proceeded: boolean | undefined;
    const handle = startFunctionRun(createRequest((ctx) => (proceeded = ctx.proceed())));
    handle.cancel('shutdown');
    const outcome = await handle.done;
    expect(proceeded).toBe(false);
    expect([outcome.status, stopWords(outcome), outcome.exitCode, outcome.error]).toEqual([
      'cancelled',
      'stopped by shutdown',
      0,
      null,
    ]);
  });
});

describe('failure', () => {
  test('a synchronous throw fails the run with the message as error and the stack in the output', async () => {
    const outcome = await startFunctionRun(
      createRequest(() => {
        throw new Error('disk on fire');
      }),
    ).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual(['failed', 1, 'disk on fire']);
    expect(String(outcome.output)).toMatch(/^Error: disk on fire\n {4}at .*function\.test\.ts/);
  });

  test('a rejection fails the run the same way', async () => {
    const outcome = await startFunctionRun(
      createRequest(async () => {
        await Promise.resolve();
        throw new TypeError('bad input');
      }),
    ).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual(['failed', 1, 'bad input']);
    expect(String(outcome.output).startsWith('TypeError: bad input\n    at ')).toBe(true);
  });

  test('a thrown non-Error is described too', async () => {
    const outcome = await startFunctionRun(createRequest(() => Promise.reject('no route'))).done;
    expect([outcome.status, outcome.error, String(outcome.output)]).toEqual([
      'failed',
      'no route',
      "thrown: 'no route'\n",
    ]);
  });

  test('a task that is not a function task fails without throwing', async () => {
    const request = createRequest(() => 1);
    const wrong = {
      ...request,
      task: { ...request.task, action: { kind: 'shell', script: 'true', shell: '/bin/sh' } },
    } as RunRequest;
    const outcome = await startFunctionRun(wrong).done;
    expect([outcome.status, outcome.exitCode, outcome.error]).toEqual([
      'failed',
      null,
      'taskkit could not start the run: task "fn-task" runs a shell, not a function',
    ]);
  });
});

describe('stopping', () => {
  const cooperative: TaskFunction = async (ctx) => {
    let rounds = 0;
    while (ctx.proceed()) {
      rounds += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return { stoppedBy: ctx.signal.reason, looped: rounds > 0 };
  };

  test.each([
    ['cancel', 'cancelled by taskkit cancel'],
    ['replace', 'replaced by a new run'],
    ['shutdown', 'stopped by shutdown'],
  ] as const)('cancel(%s) aborts the signal; a function that stops in time ends cancelled', async (reason, words) => {
    const handle = startFunctionRun(createRequest(cooperative));
    setTimeout(() => handle.cancel(reason), 20);
    const outcome = await handle.done;
    expect(outcome).toMatchObject({
      status: 'cancelled',
      exitCode: 0,
      error: null,
      stop: { cause: reason, signals: [], abandoned: null },
    });
    expect(stopWords(outcome)).toBe(words);
    expect(outcome.result).toEqual({ stoppedBy: reason, looped: true });
  });

  test('timeout aborts the signal with reason "timeout"; settling within kill-after still ends timed-out', async () => {
    const outcome = await startFunctionRun(createRequest(cooperative, { timeoutMs: 30, killAfterMs: 5000 })).done;
    expect(outcome).toMatchObject({ status: 'timed-out', exitCode: 0, error: null });
    expect(stopWords(outcome)).toBe('timed out after 30ms');
    expect(outcome.result).toEqual({ stoppedBy: 'timeout', looped: true });
  });

  test('a function that ignores the timeout is abandoned after kill-after, and says so', async () => {
    const started = Date.now();
    const outcome = await startFunctionRun(createRequest(forever, { timeoutMs: 1000, killAfterMs: 100 })).done;
    expect(outcome).toMatchObject({
      status: 'timed-out',
      exitCode: null,
      error: null,
      stop: { cause: 'timeout', afterMs: 1000, signals: [], killAfterMs: 100, abandoned: 'function' },
    });
    expect(stopWords(outcome)).toBe(
      'timed out after 1s; the function did not return within kill-after 100ms and was abandoned',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1095);
  });

  test('a function that ignores cancel is abandoned after kill-after; its later logs go nowhere', async () => {
    let late: TaskContext | undefined;
    const chunks: string[] = [];
    const request = createRequest(
      (ctx) => {
        late = ctx;
        return forever();
      },
      { killAfterMs: 50 },
    );
    const handle = startFunctionRun(request, (chunk) => chunks.push(chunk.toString()));
    handle.cancel('cancel');
    const outcome = await handle.done;
    late?.log('still here');
    expect(chunks).toEqual([]);
    expect(String(outcome.output)).toBe('');
    expect([outcome.status, outcome.exitCode, outcome.error, stopWords(outcome)]).toEqual([
      'cancelled',
      null,
      null,
      'cancelled by taskkit cancel; the function did not return within kill-after 50ms and was abandoned',
    ]);
  });

  test('a throw after a stop keeps the stop status, with the stack in the output', async () => {
    const handle = startFunctionRun(
      createRequest(async (ctx) => {
        if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        throw new Error('interrupted mid-copy');
      }),
    );
    handle.cancel('replace');
    const outcome = await handle.done;
    expect([outcome.status, outcome.exitCode, outcome.error, stopWords(outcome)]).toEqual([
      'cancelled',
      1,
      null,
      'replaced by a new run',
    ]);
    expect(String(outcome.output).startsWith('Error: interrupted mid-copy\n')).toBe(true);
  });

  test('only the first stop counts, and cancel after the end changes nothing', async () => {
    const handle = startFunctionRun(createRequest(cooperative, { timeoutMs: 5000 }));
    handle.cancel('cancel');
    handle.cancel('shutdown');
    const outcome = await handle.done;
    handle.cancel('replace');
    expect([outcome.status, stopWords(outcome)]).toEqual(['cancelled', 'cancelled by taskkit cancel']);
    expect(await handle.done).toBe(outcome);
  });
});

describe('output', () => {
  test('is bounded by outputLimitBytes while every byte is counted', async () => {
    const line = 'y'.repeat(1023);
    const request = createRequest(
      (ctx) => {
        for (let i = 0; i < 20_000; i++) ctx.log(line);
      },
      { outputLimitBytes: 8192 },
    );
    let streamed = 0;
    const outcome = await startFunctionRun(request, (chunk) => (streamed += chunk.length)).done;
    expect(outcome.outputBytes).toBe(20_000 * 1024);
    expect(streamed).toBe(20_000 * 1024);
    expect(outcome.outputTruncated).toBe(true);
    // Head and tail halves of the limit, with the buffer's marker between them.
    expect(String(outcome.output)).toBe(
      `${line}\n`.repeat(4) + formatDroppedMarker(20_000 * 1024 - 8192) + `${line}\n`.repeat(4),
    );
  });
});
