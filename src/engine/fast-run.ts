/**
 * One function run the fast path (fast-fire.ts) entered before the engine booked it: its task and
 * instant, the id it was given, the instants it started and ended at, and its outcome once over. It
 * is three things to three parties, so that a fire allocates one object for them:
 *  - to the run flow, the run's launch (PreEntered): the flow books it under this id and, instead of
 *    calling the runner, gets this as the LaunchedRun, whose enter() gives the outcome known already;
 *  - to the runner, the run's TaskHandle (ctx.handle): a call books every run entered so far first,
 *    then acts on the booked run, as the handle of a booked run does;
 *  - to the fast path, the state of a run entered but not booked yet.
 */
import type { Instant } from '../schedule/types.js';
import type { TaskHandle } from '../task-context.js';
import type { ActiveRun, PreEntered, Task } from './active-run.js';
import type { FirePlan } from './fire-plan.js';
import { guardedDone, type LaunchedRun } from './launch.js';
import type { CancelReason, RunHandle, RunOutcome, RunRequest } from './ports.js';
import type { TaskSpec } from '../config/types.js';
import type { PinnedClock } from './pinned-clock.js';
import type { Schedule } from '../schedule/types.js';

/** What a fast run needs of the fast path. */
export interface FastRunHost {
  readonly clock: PinnedClock;
  /** Book every run entered so far (and the first half of the one being entered): fast-fire.ts settle. */
  settle(): void;
  /** The handle a booked run's code gets (task-handle.ts). */
  createHandle(run: ActiveRun): TaskHandle;
}

export class FastRun implements PreEntered, LaunchedRun, RunRequest {
  // RunRequest: what ActiveRun.request() would hand the runner for this run (the constant fields are
  // getters: thousands of these are alive at once in a wake, the fewer fields the better).
  readonly task: TaskSpec;
  /**
   * The runner's handle of the run, entered at once and guarded here as launch.ts's GuardedRun guards
   * it (enterHandle, guardedDone), without that object: one less for each of 10,000 entries to reach.
   * Let go once the run is over.
   */
  inner: RunHandle | null = null;
  /** The function returned or threw: `outcome` and `endedAt` are known (outcome undefined: a promise). */
  returned = false;
  outcome: RunOutcome | undefined = undefined;
  endedAt: Instant = 0;
  /** The booked run, once the flow has launched it. */
  run: ActiveRun | null = null;
  /** Made ahead with what the fire's eligibility asks of its definition settled (fast-fire.ts #laneOpen). */
  lane = false;
  /** The host's dependentsVersion when `lane` was settled. */
  dependentsVersion = -1;
  /** Booked while its function was still going: what the rest of its fire needs (engine-loop.ts). */
  plan: FirePlan | null = null;
  schedule: Schedule | null = null;
  #handle: TaskHandle | null = null;
  #booked: TaskHandle | null = null;
  #output: ((chunk: Buffer) => void) | null = null;
  #done: Promise<RunOutcome> | null = null;
  readonly #host: FastRunHost;

  /** Its id and start, given when it is entered (begin): the run may be made ahead, in the booking before. */
  runId = 0;
  startedAt: Instant = NaN;

  constructor(
    host: FastRunHost,
    readonly entry: Task,
    readonly due: Instant,
  ) {
    this.#host = host;
    this.task = entry.spec;
  }

  /** It is entered now, as run `runId`. */
  begin(runId: number, startedAt: Instant): void {
    this.runId = runId;
    this.startedAt = startedAt;
  }

  get trigger(): 'schedule' {
    return 'schedule';
  }

  get scheduledAt(): Instant {
    return this.due;
  }

  get attempt(): number {
    return 1;
  }

  get upstream(): null {
    return null;
  }

  get outputLimitBytes(): number {
    return this.task.history.outputLimitBytes;
  }

  get callerEnters(): boolean {
    return true;
  }

  get startsAtEntry(): boolean {
    return true;
  }

  get pid(): null {
    return null;
  }

  /**
   * The run's handle on its task (ctx.handle), made when the task first asks: a call books every
   * run entered so far first, then acts on the booked run as a booked run's handle does. Own
   * functions, as task-handle.ts makes them, so that a task may pass them on detached.
   */
  get handle(): TaskHandle {
    return (this.#handle ??= {
      setPeriod: (period) => this.#bookedHandle().setPeriod(period),
      runOnCompletion: () => this.#bookedHandle().runOnCompletion(),
      hold: (note) => this.#bookedHandle().hold(note),
    });
  }

  /** A chunk of the run's output: nobody listens before booking (fast-fire.ts), the flow after. */
  output(chunk: Buffer): void {
    this.#output?.(chunk);
  }

  /**
   * The function is over for now: its outcome (undefined: it returned a promise), read at `endedAt`.
   * A run over at once needs its launch no more (nothing is left to cancel): let it go.
   */
  noteReturn(outcome: RunOutcome | undefined, endedAt: Instant): void {
    this.returned = true;
    this.outcome = outcome;
    this.endedAt = endedAt;
    if (outcome !== undefined) this.inner = null;
  }

  // PreEntered: the flow books the run.
  launch(run: ActiveRun, output: (chunk: Buffer) => void): LaunchedRun {
    this.run = run;
    this.#output = output;
    return this;
  }

  // LaunchedRun: what the flow holds of the run once booked.
  get done(): Promise<RunOutcome> {
    const { inner, outcome } = this;
    if (inner === null) return Promise.resolve(outcome as RunOutcome);
    const now = (): Instant => this.#host.clock.now();
    return (this.#done ??= guardedDone(inner, () => this.startedAt, now));
  }

  cancel(reason: CancelReason): void {
    this.inner?.cancel(reason);
  }

  /**
   * The booked run is entered: the outcome the function gave, or undefined (a promise, or still going). Once it
   * returned, the clock reads when it returned: what the fire does next (catch-up) came after that, a promise too.
   */
  enter(): RunOutcome | undefined {
    if (!this.returned) return undefined;
    this.#host.clock.pin(this.endedAt);
    return this.outcome;
  }

  #bookedHandle(): TaskHandle {
    this.#host.settle();
    const { run } = this;
    if (run === null) throw new Error(`internal: run #${this.runId} of ${this.entry.spec.name} was not booked`);
    return (this.#booked ??= this.#host.createHandle(run));
  }
}
