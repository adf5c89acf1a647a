import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import type { TaskAction } from '../../src/config/types.js';
import type { RunHandle, RunRequest } from '../../src/runner/types.js';
import { FakeClock } from '../support/fake-clock.js';
import { argvAction, createProcessRequest, createProcessTracker, shellAction } from './_process-run.js';

// The JS runners are another file's concern; here only the dispatch to them is checked.
const { fakeHandle } = vi.hoisted(() => ({
  fakeHandle: (label: string): RunHandle => ({
    pid: null,
    done: Promise.resolve({ label } as never),
    cancel: () => undefined,
  }),
}));
vi.mock('../../src/runner/function.js', () => ({ startFunctionRun: vi.fn(() => fakeHandle('function')) }));
vi.mock('../../src/runner/module.js', () => ({ startModuleRun: vi.fn(() => fakeHandle('module')) }));

// The `process` worker runs its files in one module graph (isolate: false): runner.js may be loaded
// already, with the real runners. Load it afresh under the mocks, and leave no mock behind.
vi.resetModules();
afterAll(() => {
  vi.doUnmock('../../src/runner/function.js');
  vi.doUnmock('../../src/runner/module.js');
  vi.resetModules();
});
const { createRunner } = await import('../../src/runner/runner.js');
const { startFunctionRun } = await import('../../src/runner/function.js');
const { startModuleRun } = await import('../../src/runner/module.js');

const tracker = createProcessTracker();

afterEach(async () => {
  vi.clearAllMocks();
  await tracker.killAll();
});

function requestFor(action: TaskAction): RunRequest {
  const request = createProcessRequest({ action: argvAction('true') });
  return { ...request, task: { ...request.task, action } };
}

describe('createRunner', () => {
  test('shell tasks run as processes', async () => {
    const chunks: string[] = [];
    const handle = tracker.track(
      createRunner().start(createProcessRequest({ action: shellAction('echo "$0 ran"') }), (chunk) =>
        chunks.push(chunk.toString()),
      ),
    );
    expect(typeof handle.pid).toBe('number');
    expect(String((await handle.done).output)).toBe('/bin/sh ran\n');
    expect(chunks.join('')).toBe('/bin/sh ran\n');
    expect(startFunctionRun).not.toHaveBeenCalled();
    expect(startModuleRun).not.toHaveBeenCalled();
  });

  test('argv tasks run as processes', async () => {
    const handle = tracker.track(
      createRunner().start(
        createProcessRequest({ action: argvAction(process.execPath, '-e', 'process.stdout.write("argv ran")') }),
      ),
    );
    expect(await handle.done).toMatchObject({ status: 'succeeded', output: Buffer.from('argv ran') });
  });

  test('function tasks go to startFunctionRun with the request and listener', async () => {
    const request = requestFor({ kind: 'function', fn: () => undefined });
    const listener = (): void => undefined;
    const clock = new FakeClock('2026-03-01T12:00:00Z');
    const handle = createRunner({ clock }).start(request, listener);
    expect(await handle.done).toEqual({ label: 'function' });
    expect(vi.mocked(startFunctionRun).mock.calls).toEqual([[request, listener, clock]]);
    expect(startModuleRun).not.toHaveBeenCalled();
  });

  test('module tasks go to startModuleRun with the request and listener', async () => {
    const request = requestFor({ kind: 'module', path: '/x/task.js', exportName: 'default', args: null });
    const clock = new FakeClock('2026-03-01T12:00:00Z');
    const handle = createRunner({ clock }).start(request);
    expect(await handle.done).toEqual({ label: 'module' });
    expect(vi.mocked(startModuleRun).mock.calls).toEqual([[request, undefined, clock]]);
    expect(startFunctionRun).not.toHaveBeenCalled();
  });
});
