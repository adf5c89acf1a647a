/**
 * A Runner for engine tests: records each request, and a run ends only when the test says so
 * (finish) or when it is cancelled (by default it then ends as `cancelled`, as a real one would).
 */
import type {
  CancelReason,
  OutputListener,
  RunHandle,
  RunOutcome,
  RunRequest,
  Runner,
} from '../../src/runner/types.js';

interface FakeRun {
  readonly request: RunRequest;
  readonly onOutput: OutputListener | undefined;
  resolve(outcome: RunOutcome): void;
  reject(error: unknown): void;
  ended: boolean;
}

/** Let every pending promise callback run (a macrotask turn: all microtasks before it are done). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeRunner implements Runner {
  readonly requests: RunRequest[] = [];
  readonly cancels: { runId: number; reason: CancelReason }[] = [];
  /** When false, cancel() only records the reason and the run goes on until finish(). */
  finishOnCancel = true;
  /** When set, the next start() throws it (once). */
  throwOnStart: Error | null = null;
  /** When true, runs start without a pid and tell it later (tellPid), as through the daemon's spawner. */
  latePids = false;
  readonly #pidListeners = new Map<number, (pid: number) => void>();
  readonly #runs = new Map<number, FakeRun>();

  start(request: RunRequest, onOutput?: OutputListener): RunHandle {
    if (this.throwOnStart !== null) {
      const error = this.throwOnStart;
      this.throwOnStart = null;
      throw error;
    }
    this.requests.push(request);
    let resolve: (outcome: RunOutcome) => void = () => {};
    let reject: (error: unknown) => void = () => {};
    const done = new Promise<RunOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const run: FakeRun = { request, onOutput, resolve, reject, ended: false };
    this.#runs.set(request.runId, run);
    const late = this.latePids;
    return {
      pid: late ? null : 1000 + request.runId,
      ...(late
        ? { whenPid: (listener: (pid: number) => void) => void this.#pidListeners.set(request.runId, listener) }
        : {}),
      done,
      cancel: (reason) => {
        if (run.ended) return;
        this.cancels.push({ runId: request.runId, reason });
        if (this.finishOnCancel)
          this.finish(request.runId, {
            status: 'cancelled',
            exitCode: null,
            signal: 'SIGTERM',
            error: `cancelled (${reason})`,
          });
      },
    };
  }

  /** Run ids started and not yet ended, ascending. */
  running(): number[] {
    return [...this.#runs.values()].filter((run) => !run.ended).map((run) => run.request.runId);
  }

  /** The request of run `runId`. */
  request(runId: number): RunRequest {
    const run = this.#runs.get(runId);
    if (run === undefined) throw new Error(`FakeRunner: run #${runId} was never started`);
    return run.request;
  }

  /** End run `runId` (default: succeeded, exit 0). */
  finish(runId: number, outcome: Partial<RunOutcome> = {}): void {
    const run = this.#live(runId);
    run.ended = true;
    run.resolve({
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      startedAt: 0,
      endedAt: 0,
      output: Buffer.from(''),
      outputTruncated: false,
      outputBytes: 0,
      stop: null,
      error: null,
      ...outcome,
    });
  }

  /** Tell the pid of a run started with `latePids`. */
  tellPid(runId: number, pid: number): void {
    this.#pidListeners.get(runId)?.(pid);
    this.#pidListeners.delete(runId);
  }

  /** End run `runId` the way a broken runner would: `done` rejects. */
  rejectRun(runId: number, error: unknown): void {
    const run = this.#live(runId);
    run.ended = true;
    run.reject(error);
  }

  /** Output of a running run, as a runner gives it (text as its UTF-8 bytes, on stdout). */
  emitOutput(runId: number, text: string | Uint8Array): void {
    this.#live(runId).onOutput?.(typeof text === 'string' ? Buffer.from(text) : Buffer.from(text), 'stdout');
  }

  #live(runId: number): FakeRun {
    const run = this.#runs.get(runId);
    if (run === undefined || run.ended) throw new Error(`FakeRunner: run #${runId} is not running`);
    return run;
  }
}
