/** `taskkit exec NAME`: one run of one task in this terminal, without a daemon, to try it. */
import { createRunner } from '../runner/runner.js';
import { describeOutcome } from '../runner/outcome.js';
import type { RunOutcome } from '../runner/types.js';
import type { TaskHandle } from '../task-context.js';
import { formatDuration } from '../schedule/duration.js';
import { printError, printJson, type CliIo } from './io.js';
import type { GlobalOptions } from './context.js';
import { findTask, loadTasksFileForCli } from './tasks-file.js';
import { exitCodeOfRun } from './run-exit-code.js';
import { formatIsoUtc } from './format/time.js';

/** Run the task, streaming its output (unless --json); returns the exit code to pass on. */
export async function runExec(io: CliIo, name: string, globals: GlobalOptions): Promise<number> {
  const file = loadTasksFileForCli(io, globals.config);
  const task = findTask(file, name);
  const handle = createDetachedHandle(io, task.name);
  const run = createRunner().start(
    { runId: 0, task, trigger: 'manual', scheduledAt: null, attempt: 1, outputLimitBytes: task.history.outputLimitBytes, handle },
    globals.json === true ? undefined : (chunk) => io.stdout.write(chunk),
  );
  // Ctrl-C stops the task's whole process group, then reports like any cancelled run.
  const cancel = (): void => run.cancel('cancel');
  io.process?.on('SIGINT', cancel).on('SIGTERM', cancel);
  const outcome = await run.done;
  io.process?.off('SIGINT', cancel).off('SIGTERM', cancel);
  if (globals.json === true) printJson(io, describeExecJson(task.name, run.pid, outcome));
  else if (outcome.status !== 'succeeded') printError(io, `taskkit: ${task.name} ${describeOutcome(outcome)} after ${formatDuration(outcome.endedAt - outcome.startedAt)}`);
  return exitCodeOfRun(outcome);
}

/** Outside a daemon a task's handle has no schedule to change: say so instead of pretending. */
function createDetachedHandle(io: CliIo, name: string): TaskHandle {
  const note = (what: string): void => printError(io, `taskkit: ${name}: ${what} has no effect under "taskkit exec" (no daemon)`);
  return {
    setPeriod: () => note('setPeriod()'),
    runOnCompletion: () => note('runOnCompletion()'),
    hold: () => note('hold()'),
  };
}

/** `exec --json`: the run as the documented JSON shape (same field names as `history --json`). */
function describeExecJson(task: string, pid: number | null, outcome: RunOutcome): Record<string, unknown> {
  return {
    task,
    trigger: 'manual',
    status: outcome.status,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    pid,
    startedAt: formatIsoUtc(outcome.startedAt),
    endedAt: formatIsoUtc(outcome.endedAt),
    durationMs: outcome.endedAt - outcome.startedAt,
    output: outcome.output,
    outputTruncated: outcome.outputTruncated,
    error: outcome.error,
    ...(outcome.result === undefined ? {} : { result: outcome.result }),
  };
}
