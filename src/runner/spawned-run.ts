/**
 * One run of a shell or argv task started by the daemon's spawner process (spawner-client.ts),
 * with process.ts's contract: own process group, the timeout, stop and kill-after signalled from
 * here to the whole group (kill-tree.ts), output head and tail kept (by the spawner), never a throw.
 * What differs: the pid arrives a round trip after start() (whenPid), so a stop asked before it is
 * delivered when it comes; and the spawner may die, which ends the run `interrupted`, its group
 * killed (the run's exit can no longer be learnt), or left alone if its pid never came.
 */
import type { Clock } from '../engine/clock.js';
import { runEnvironmentOverlay } from './environment.js';
import { killGroupIfAlive, signalProcessGroup, watchGroup, type GroupWatch } from './kill-tree.js';
import { createNotStartedHandle, startLifecycle, stoppedStatus, type RunLifecycle } from './lifecycle.js';
import { describeStartFault, type StartFault } from './outcome.js';
import { createOutputBuffer, type OutputBuffer } from './output-buffer.js';
import { pickCommand } from './spawn-command.js';
import type { SpawnSink, Spawner } from './spawner-client.js';
import type { OutputListener, OutputStream, RunHandle, RunOutcome, RunRequest } from './types.js';

/** Start one run through `spawner`; never throws, and `done` never rejects. */
export function startSpawnedRun(
  request: RunRequest,
  onOutput: OutputListener | undefined,
  clock: Clock,
  spawner: Spawner,
): RunHandle {
  const { task } = request;
  const command = pickCommand(task.action);
  if (command === null)
    return createNotStartedHandle(clock.now(), `task "${task.name}" runs a ${task.action.kind}, not a process`);
  const run = new SpawnedRun(request, onOutput, clock);
  spawner.spawn(
    {
      file: command.file,
      args: command.args,
      cwd: task.cwd,
      env: runEnvironmentOverlay(request),
      outputLimitBytes: request.outputLimitBytes,
      ...(request.trigger === 'manual' ? { pidAtOnce: true } : {}),
    },
    run,
  );
  return run;
}

class SpawnedRun implements RunHandle, SpawnSink {
  pid: number | null = null;
  readonly done: Promise<RunOutcome>;
  readonly #life: RunLifecycle;
  readonly #onOutput: OutputListener | undefined;
  /** What came live: the output kept should the spawner die before it sends the run's own. */
  #live: OutputBuffer | null = null;
  readonly #outputLimitBytes: number;
  #resolveDone: (outcome: RunOutcome) => void = () => undefined;
  #pidListener: ((pid: number) => void) | null = null;
  #exit: { readonly exitCode: number | null; readonly signal: string | null } | null = null;
  /** A stop (SIGTERM) or its escalation (SIGKILL) came before the pid: sent when it comes. */
  #deliverOnPid = false;
  #killOnPid = false;
  #groupWatch: GroupWatch | null = null;
  /** Made with the stop's group watch (most runs are never stopped: no promise for them). */
  #escalation: { readonly done: Promise<void>; readonly resolve: () => void } | null = null;
  #escalatedEarly = false;

  constructor(request: RunRequest, onOutput: OutputListener | undefined, clock: Clock) {
    const { task } = request;
    this.#onOutput = onOutput;
    this.#outputLimitBytes = request.outputLimitBytes;
    this.done = new Promise<RunOutcome>((resolve) => (this.#resolveDone = resolve));
    this.#life = startLifecycle(
      { clock, timeoutMs: task.timeoutMs, killAfterMs: task.killAfterMs },
      { deliver: () => this.#deliver(), escalate: () => this.#escalate() },
    );
  }

  whenPid(listener: (pid: number) => void): void {
    if (this.pid !== null) listener(this.pid);
    else this.#pidListener = listener;
  }

  cancel(reason: Parameters<RunHandle['cancel']>[0]): void {
    if (this.#exit === null) this.#life.stop(reason);
  }

  started(pid: number, endFollows = false): void {
    this.pid = pid;
    const listener = this.#pidListener;
    this.#pidListener = null;
    // A run that ended already (its end in the same read, no stop asked) tells its pid a step after
    // `done` settles: still before the engine finishes it (launch.ts reads `done` a step later), and
    // nothing is logged before, so the daemon writes the run's start and end lines in one write after
    // the next run's request, not one before it and one after (bench scenario 5 at max-concurrent 1).
    if (listener !== null && endFollows && this.#life.stopCause === null) void this.done.then(() => listener(pid));
    else listener?.(pid);
    if (this.#deliverOnPid) this.#deliver();
    if (this.#killOnPid && killGroupIfAlive(pid)) this.#life.recordSignal('SIGKILL');
  }

  fault(fault: StartFault): void {
    this.#finish({ status: 'failed', exitCode: null, signal: null, error: describeStartFault(fault) }, null);
  }

  output(text: string, stream: OutputStream): void {
    const chunk = Buffer.from(text, 'latin1');
    (this.#live ??= createOutputBuffer(this.#outputLimitBytes)).write(chunk);
    this.#tell(chunk, stream);
  }

  exit(exitCode: number | null, signal: string | null): void {
    this.#exit = { exitCode, signal };
    this.#life.disarmTimeout();
  }

  end(output: string, outputTruncated: boolean, outputBytes: number): void {
    // A run that ends by itself leaves its background children alone (as cron does); a stopped
    // run ends only when its whole group is gone (or SIGKILLed), so nothing outlives a stop.
    const watch = this.#groupWatch;
    const escalation = this.#escalation;
    const groupGone =
      watch === null || this.#escalatedEarly || escalation === null
        ? Promise.resolve()
        : Promise.race([watch.gone, escalation.done]);
    void groupGone.then(() => {
      const cause = this.#life.stopCause;
      const exitCode = this.#exit?.exitCode ?? null;
      const status = cause === null ? (exitCode === 0 ? 'succeeded' : 'failed') : stoppedStatus(cause);
      this.#finish(
        { status, exitCode, signal: this.#exit?.signal ?? null, error: null },
        {
          output: Buffer.from(output, 'latin1'),
          outputTruncated,
          outputBytes,
        },
      );
    });
  }

  lost(why: string): void {
    if (this.#life.ended) return;
    const pid = this.pid;
    let error: string;
    if (pid === null) error = `${why} before it told whether the process started; if it did, it was left running`;
    else {
      const killed = killGroupIfAlive(pid);
      if (killed) this.#life.recordSignal('SIGKILL');
      error = `${why} during the run; its process group ${pid} ${killed ? 'was killed (SIGKILL)' : 'had ended'}`;
    }
    this.#groupWatch?.dispose();
    this.#finish({ status: 'interrupted', exitCode: this.#exit?.exitCode ?? null, signal: null, error }, null);
  }

  #deliver(): void {
    const pid = this.pid;
    if (pid === null) {
      this.#deliverOnPid = true;
      return;
    }
    this.#deliverOnPid = false;
    if (signalProcessGroup(pid, 'SIGTERM')) this.#life.recordSignal('SIGTERM');
    this.#groupWatch = watchGroup(pid);
    let resolve: () => void = () => undefined;
    const done = new Promise<void>((settle) => (resolve = settle));
    this.#escalation = { done, resolve };
  }

  #escalate(): void {
    const pid = this.pid;
    if (pid === null) this.#killOnPid = true;
    else if (killGroupIfAlive(pid)) this.#life.recordSignal('SIGKILL');
    if (this.#escalation === null) this.#escalatedEarly = true;
    else this.#escalation.resolve();
  }

  #tell(chunk: Buffer, stream: OutputStream): void {
    if (this.#onOutput === undefined || chunk.length === 0) return;
    try {
      this.#onOutput(chunk, stream);
    } catch {
      // A broken listener (a client gone from `logs --follow`) must not end or fail the run.
    }
  }

  #finish(
    fields: Pick<RunOutcome, 'status' | 'exitCode' | 'signal' | 'error'>,
    output: Pick<RunOutcome, 'output' | 'outputTruncated' | 'outputBytes'> | null,
  ): void {
    if (this.#life.ended) return;
    const { endedAt, stop } = this.#life.end();
    this.#groupWatch?.dispose();
    const live = this.#live ?? createOutputBuffer(0);
    this.#resolveDone({
      ...fields,
      ...(output ?? { output: live.bytes(), outputTruncated: live.truncated, outputBytes: live.totalBytes }),
      startedAt: this.#life.startedAt,
      endedAt,
      stop,
    });
  }
}
