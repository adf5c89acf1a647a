/** `run-now` in-process against a real control server over a fake-clock engine and a fake runner. */
import { afterEach, describe, expect, test } from 'vitest';
import { closeAll, startControl } from '../../support/control-fixture.js';
import { makeTask } from '../../support/engine-task.js';
import { flush } from '../../support/fake-runner.js';
import { runAgainst } from '../_control-cli.js';

afterEach(closeAll);

describe('run-now', () => {
  test('without --wait: returns once triggered, naming the run and its pid', async () => {
    const f = await startControl([makeTask('backup')]);
    expect(await runAgainst(f, ['run-now', 'backup'])).toEqual({
      code: 0,
      stdout: 'backup #1 started (pid 1001)\n',
      stderr: '',
    });
    expect(f.runner.running()).toEqual([1]);
  });

  test('a trigger that does not start (overlap skip) is a failure: exit 1 and the reason', async () => {
    const f = await startControl([makeTask('backup')]);
    f.scheduler.runNow('backup');
    expect(await runAgainst(f, ['run-now', 'backup'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'taskkit: backup #2 skipped: previous run #1 still running (overlap: skip)\n',
    });
  });

  test.each([
    [
      'its spawner froze first',
      { status: 'interrupted' as const, exitCode: null, error: 'taskkit-spawner (pid 7) did not answer' },
      'taskkit: backup #1 interrupted (taskkit-spawner (pid 7) did not answer)\n',
    ],
    [
      'its command cannot start',
      { status: 'failed' as const, exitCode: null, error: 'command not found: bakup' },
      'taskkit: backup #1 failed: command not found: bakup\n',
    ],
  ])(
    'a run that ended before its process ran (%s) is a failure: exit 1 and how it ended',
    async (_label, end, stderr) => {
      const f = await startControl([makeTask('backup')]);
      f.runner.latePids = true;
      const pending = runAgainst(f, ['run-now', 'backup']);
      await waitFor(() => f.runner.running().length === 1);
      f.runner.finish(1, end);
      expect(await pending).toEqual({ code: 1, stdout: '', stderr });
    },
  );

  test('a run whose pid comes later (through the spawner) is answered started, with it', async () => {
    const f = await startControl([makeTask('backup')]);
    f.runner.latePids = true;
    const pending = runAgainst(f, ['run-now', 'backup']);
    await waitFor(() => f.runner.running().length === 1);
    f.runner.tellPid(1, 4321);
    expect(await pending).toEqual({ code: 0, stdout: 'backup #1 started (pid 4321)\n', stderr: '' });
  });

  test('waiting for a slot (max-concurrent) is not a failure: "queued"', async () => {
    const f = await startControl([makeTask('a'), makeTask('b')], { engine: { maxConcurrent: 1 } });
    f.scheduler.runNow('a');
    expect(await runAgainst(f, ['run-now', 'b'])).toEqual({
      code: 0,
      stdout: 'b #2 queued (it starts when a slot is free)\n',
      stderr: '',
    });
  });

  test.each([
    ['succeeded', { status: 'succeeded' as const, exitCode: 0 }, 0, ''],
    ['exit code 3', { status: 'failed' as const, exitCode: 3 }, 3, 'taskkit: job #1 exited with code 3 after 1.0s\n'],
    [
      'killed by SIGKILL',
      { status: 'failed' as const, exitCode: null, signal: 'SIGKILL' },
      137,
      'taskkit: job #1 killed by SIGKILL after 1.0s\n',
    ],
    [
      'timed out',
      {
        status: 'timed-out' as const,
        exitCode: null,
        signal: 'SIGTERM',
        stop: { cause: 'timeout' as const, afterMs: 1_000, signals: ['SIGTERM'], killAfterMs: 10_000, abandoned: null },
      },
      124,
      'taskkit: job #1 timed out after 1s; sent SIGTERM\n',
    ],
  ])("--wait streams the output and exits with the task's code (%s)", async (_label, outcome, code, stderr) => {
    const f = await startControl([makeTask('job')]);
    const pending = runAgainst(f, ['run-now', 'job', '--wait']);
    await waitFor(() => f.runner.running().length === 1);
    f.runner.emitOutput(1, 'line one\n');
    f.runner.emitOutput(1, 'line two\n');
    await flush();
    f.clock.advanceBy(1_000);
    f.runner.finish(1, outcome);
    expect(await pending).toEqual({ code, stdout: 'line one\nline two\n', stderr });
  });

  test('--wait --json: no streaming; the final run with its output', async () => {
    const f = await startControl([makeTask('job')]);
    const pending = runAgainst(f, ['run-now', 'job', '--wait', '--json']);
    await waitFor(() => f.runner.running().length === 1);
    f.runner.emitOutput(1, 'hello\n');
    await flush();
    f.runner.finish(1, { status: 'failed', exitCode: 2, output: Buffer.from('hello\n'), outputBytes: 6 });
    const result = await pending;
    expect(result.code).toBe(2);
    const { run } = JSON.parse(result.stdout) as { run: Record<string, unknown> };
    expect([
      run['id'],
      run['task'],
      run['trigger'],
      run['status'],
      run['exitCode'],
      run['outcome'],
      run['output'],
    ]).toEqual([1, 'job', 'manual', 'failed', 2, 'exited with code 2', 'hello\n']);
  });

  test('an unknown task: exit 1 with the closest name', async () => {
    const f = await startControl([makeTask('backup')]);
    expect(await runAgainst(f, ['run-now', 'backpu', '--wait'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'taskkit: no task named "backpu" (did you mean "backup")\n',
    });
  });
});

/** Poll (on real time, bounded) until the engine behind the socket has done something. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 500) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
