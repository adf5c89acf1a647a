/**
 * The `logs` method: a run's output, from the engine while it runs (LiveOutput) and from the
 * history database once it has ended; with `follow`, a running run's output streamed until it
 * ends. Like `run-now --wait`, the client is a spectator: when it goes away, the run goes on.
 */
import type { RunRecord } from '../engine/run.js';
import type { Scheduler } from '../engine/scheduler.js';
import { fromHistory, type Answer } from './answer.js';
import type { RequestContext } from './connection.js';
import { ControlError, encodeOutputEvent, type LogsParams, type ResultOf } from './protocol.js';
import type { LiveOutput } from './live-output.js';
import { toRetryingEvent } from './run-wait.js';
import { untilAbandoned } from './until-abandoned.js';
import { toRunView } from './views.js';

/** Where ended runs are looked up (the daemon's store, maybe remote); absent: only the engine's last run. */
export interface EndedRuns {
  findRun?(id: number): Answer<RunRecord | null>;
  latestRun?(task: string): Answer<RunRecord | null>;
}

/** `source`'s ended runs, a failed read said as such (fromHistory); absent methods stay absent. */
export function guardedEndedRuns(source: EndedRuns): EndedRuns {
  return {
    ...(source.findRun === undefined ? {} : { findRun: (id: number) => fromHistory(source.findRun?.(id) ?? null) }),
    ...(source.latestRun === undefined
      ? {}
      : { latestRun: (task: string) => fromHistory(source.latestRun?.(task) ?? null) }),
  };
}

export interface LogsDeps {
  readonly scheduler: Scheduler;
  readonly live: LiveOutput;
  readonly history: EndedRuns;
}

/** Answer `logs` for a task already known to exist (in the engine or in the history). */
export async function answerLogs(
  params: LogsParams,
  deps: LogsDeps,
  context: RequestContext,
): Promise<ResultOf<'logs'>> {
  const { scheduler, live } = deps;
  const running = findRunning(scheduler, params.name, params.runId);
  if (running !== null) {
    if (params.follow !== true)
      return { run: toRunView({ ...running, output: live.snapshot(running.id) }, { withOutput: true }) };
    return { run: toRunView(await followRun(deps, running, context), { withOutput: true }) };
  }
  const ended = await findEnded(deps, params.name, params.runId);
  // A run already over: --follow prints it (64 KiB per event) and ends (the stream's contract stays one shape).
  if (params.follow === true) emitStored(context, ended.output);
  return { run: toRunView(ended, { withOutput: true }) };
}

/** Bytes encoded per output event of a stored output: one pipe chunk's worth, never the whole output at once. */
const STORED_CHUNK_BYTES = 64 * 1024;

/** A stored output as output events, a chunk at a time, while the client keeps up. */
function emitStored(context: RequestContext, output: Uint8Array): void {
  for (let at = 0; at < output.length; at += STORED_CHUNK_BYTES) {
    if (!context.emit('output', encodeOutputEvent(output.subarray(at, at + STORED_CHUNK_BYTES)))) return;
  }
}

/** The run `runId` of `name` if it is running now; without an id, the task's newest running run. */
function findRunning(scheduler: Scheduler, name: string, runId: number | undefined): RunRecord | null {
  // A task a reload removed while it ran (an orphan) is followed like any other.
  const task = scheduler.has(name) ? scheduler.get(name) : scheduler.orphan(name);
  if (task === null) return null;
  const runs = task.running;
  if (runId !== undefined) return runs.find((run) => run.id === runId) ?? null;
  return runs.reduce<RunRecord | null>((newest, run) => (newest === null || run.id > newest.id ? run : newest), null);
}

async function findEnded(deps: LogsDeps, name: string, runId: number | undefined): Promise<RunRecord> {
  const { scheduler, history } = deps;
  const engineLast = scheduler.has(name) ? scheduler.get(name).lastRun : null;
  if (runId !== undefined) {
    const run = (await history.findRun?.(runId)) ?? (engineLast?.id === runId ? engineLast : null);
    if (run === null)
      throw new ControlError(
        'NOT_FOUND',
        `no run #${runId}${history.findRun === undefined ? ' known to the daemon' : ' in the history'}`,
      );
    if (run.task !== name)
      throw new ControlError('NOT_FOUND', `run #${runId} is a run of "${run.task}", not of "${name}"`);
    return run;
  }
  const run = (await history.latestRun?.(name)) ?? engineLast;
  if (run === null) throw new ControlError('NOT_FOUND', `"${name}" has no runs yet`);
  return run;
}

/**
 * Stream `run`'s output to the client from what it printed so far; resolve with its final record.
 * Only this run is followed: when it fails and a retry is due, a `retrying` event says so and the
 * stream ends with the run (`run-now --wait` is the verb that follows retries).
 */
async function followRun(deps: LogsDeps, run: RunRecord, context: RequestContext): Promise<RunRecord> {
  let following = true;
  const { snapshot, stop } = deps.live.follow(run.id, (chunk) => {
    if (following && !context.emit('output', encodeOutputEvent(chunk))) following = false;
  });
  const stopRetries = deps.scheduler.on('run-retrying', (failed, retry, at) => {
    if (following && failed.id === run.id) context.emit('retrying', toRetryingEvent(deps.scheduler, failed, retry, at));
  });
  try {
    if (snapshot.length > 0 && !context.emit('output', encodeOutputEvent(snapshot))) return run;
    return await untilAbandoned(deps.scheduler.waitForRun(run.id), context, () => run);
  } finally {
    stop();
    stopRetries();
  }
}
