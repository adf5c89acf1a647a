/** `taskkit exec NAME`: one run of one task in this terminal, without a daemon, to try it. */
import { toRunView, type RunFacts, type RunView } from '../control/views.js';
import { createRunner } from '../runner/runner.js';
import { describeOutcome } from '../runner/outcome.js';
import type { RunOutcome } from '../runner/types.js';
import type { TaskHandle } from '../task-context.js';
import { formatElapsed } from '../schedule/elapsed.js';
import { printError, printJson, type CliIo } from './io.js';
import type { GlobalOptions } from './context.js';
import { findTask, loadTasksFileForCli } from './tasks-file.js';
import { exitCodeOfRun } from './run-exit-code.js';

/** Run the task, streaming its output (unless --json); returns the exit code to pass on. */
export async function runExec(io: CliIo, name: string, globals: GlobalOptions): Promise<number> {
  const file = loadTasksFileForCli(io, globals.config);
  const task = findTask(file, name);
  const handle = createDetachedHandle(io, task.name);
  const run = createRunner().start(
    {
      runId: 0,
      task,
      trigger: 'manual',
      scheduledAt: null,
      attempt: 1,
      outputLimitBytes: task.history.outputLimitBytes,
      handle,
    },
    // The task's stdout to ours and its stderr to ours, each as bytes: `exec dump > file.bin` is exact.
    globals.json === true
      ? undefined
      : (chunk, stream) => void (stream === 'stderr' ? io.stderr : io.stdout).write(chunk),
  );
  // Ctrl-C stops the task's whole process group, then reports like any cancelled run.
  const cancel = (): void => run.cancel('cancel');
  io.process?.on('SIGINT', cancel).on('SIGTERM', cancel);
  const outcome = await run.done;
  io.process?.off('SIGINT', cancel).off('SIGTERM', cancel);
  if (globals.json === true) printJson(io, describeExecJson(task.name, run.pid, outcome));
  else if (outcome.status !== 'succeeded')
    printError(
      io,
      `taskkit: ${task.name} ${describeOutcome(outcome)} after ${formatElapsed(outcome.endedAt - outcome.startedAt)}`,
    );
  return exitCodeOfRun(outcome);
}

/** Outside a daemon a task's handle has no schedule to change: say so instead of pretending. */
function createDetachedHandle(io: CliIo, name: string): TaskHandle {
  const note = (what: string): void =>
    printError(io, `taskkit: ${name}: ${what} has no effect under "taskkit exec" (no daemon)`);
  return {
    setPeriod: () => note('setPeriod()'),
    runOnCompletion: () => note('runOnCompletion()'),
    hold: () => note('hold()'),
  };
}

/**
 * `exec --json`: the run as every verb shows one (control/views.ts), with its output and returned
 * value. exec keeps no history: the id is 0, the attempt 1, created when it started.
 */
function describeExecJson(task: string, pid: number | null, outcome: RunOutcome): RunView {
  const facts: RunFacts = {
    ...outcome,
    id: 0,
    task,
    trigger: 'manual',
    scheduledAt: null,
    createdAt: outcome.startedAt,
    attempt: 1,
    pid,
  };
  return toRunView(facts, { withOutput: true });
}
