/**
 * One run of a shell (`run:`) or argv (`command:`) task (DESIGN.md "Runs"): its own process group,
 * stdin ignored, stdout and stderr interleaved into one bounded buffer, timeout and stop through
 * lifecycle.ts and kill-tree.ts. A task that fails, or cannot even start, is a RunOutcome, never a
 * throw. taskkit spawns with node:child_process itself (CONTRIBUTING.md "Dependencies" says why).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Clock } from '../engine/clock.js';
import { buildRunEnvironment } from './environment.js';
import { killGroupIfAlive, signalProcessGroup, watchGroup, type GroupWatch } from './kill-tree.js';
import { createNotStartedHandle, defaultRunClock, startLifecycle, stoppedStatus } from './lifecycle.js';
import { describeStartFault } from './outcome.js';
import { createOutputBuffer } from './output-buffer.js';
import { captureStream, DRAIN_AFTER_EXIT_MS, drainStreams } from './pipes.js';
import { checkWorkingDirectory, classifySpawnError, pickCommand } from './spawn-command.js';
import type { OutputStream, OutputListener, RunHandle, RunOutcome, RunRequest } from './types.js';

/** Start one run of a shell or argv task; never throws, and `done` never rejects. */
export function startProcessRun(
  request: RunRequest,
  onOutput?: OutputListener,
  clock: Clock = defaultRunClock(),
): RunHandle {
  const { task } = request;
  const command = pickCommand(task.action);
  if (command === null)
    return createNotStartedHandle(clock.now(), `task "${task.name}" runs a ${task.action.kind}, not a process`);
  const cwdFault = checkWorkingDirectory(task.cwd);
  if (cwdFault !== null) return createNotStartedHandle(clock.now(), describeStartFault(cwdFault));

  let child: ChildProcess;
  try {
    child = spawn(command.file, command.args, {
      cwd: task.cwd,
      env: buildRunEnvironment(request),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    return createNotStartedHandle(clock.now(), describeStartFault(classifySpawnError(error, command.file, task.cwd)));
  }
  const pid = child.pid ?? null;
  const output = createOutputBuffer(request.outputLimitBytes);
  // Without a pid the spawn failed (ENOENT, EACCES, EMFILE...): its 'error' comes next, and the
  // pipes may not even exist (EMFILE stops Node before it makes them: undefined, not null).
  const named: [Readable | null | undefined, OutputStream][] = [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ];
  const streams: Readable[] = [];
  for (const [stream, name] of named) {
    if (stream === null || stream === undefined) continue;
    streams.push(stream);
    captureStream(stream, name, output.write.bind(output), onOutput);
  }
  let leaderExited = false;
  let groupWatch: GroupWatch | null = null;
  let resolveDone: (outcome: RunOutcome) => void = () => undefined;
  const done = new Promise<RunOutcome>((resolvePromise) => (resolveDone = resolvePromise));
  let escalated: () => void = () => undefined;
  const escalation = new Promise<void>((resolveEscalation) => (escalated = resolveEscalation));

  const life = startLifecycle(
    { clock, timeoutMs: pid === null ? null : task.timeoutMs, killAfterMs: task.killAfterMs },
    {
      deliver: () => {
        if (pid === null) return;
        if (signalProcessGroup(pid, 'SIGTERM')) life.recordSignal('SIGTERM');
        groupWatch = watchGroup(pid);
      },
      escalate: () => {
        if (pid !== null && killGroupIfAlive(pid)) life.recordSignal('SIGKILL');
        escalated();
      },
    },
  );

  const finish = (fields: Pick<RunOutcome, 'status' | 'exitCode' | 'signal' | 'error'>): void => {
    if (life.ended) return;
    const { endedAt, stop } = life.end();
    groupWatch?.dispose();
    resolveDone({
      ...fields,
      startedAt: life.startedAt,
      endedAt,
      output: output.bytes(),
      outputTruncated: output.truncated,
      outputBytes: output.totalBytes,
      stop,
    });
  };

  child.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
    leaderExited = true;
    life.disarmTimeout();
    // A run that ends by itself leaves its background children alone (as cron does); a stopped
    // run ends only when its whole group is gone (or SIGKILLed), so nothing outlives a stop.
    const watch: GroupWatch | null = groupWatch;
    const groupGone = watch === null ? Promise.resolve() : Promise.race([watch.gone, escalation]);
    void Promise.all([groupGone, drainStreams(streams, DRAIN_AFTER_EXIT_MS)]).then(() => {
      const cause = life.stopCause;
      const status = cause === null ? (exitCode === 0 ? 'succeeded' : 'failed') : stoppedStatus(cause);
      finish({ status, exitCode, signal, error: null });
    });
  });
  // Without a pid the spawn itself failed; a later 'error' could only come from child.kill(),
  // which taskkit never calls, but a listener must exist: an unheard 'error' ends the daemon.
  child.on('error', (error: Error) => {
    if (pid !== null || leaderExited) return;
    for (const stream of streams) stream.destroy();
    finish({
      status: 'failed',
      exitCode: null,
      signal: null,
      error: describeStartFault(classifySpawnError(error, command.file, task.cwd)),
    });
  });

  return {
    pid,
    done,
    cancel: (reason) => {
      if (pid !== null && !leaderExited) life.stop(reason);
    },
  };
}
