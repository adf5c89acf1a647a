/**
 * `make` (`run-now NAME --make`): start the chain of NAME's after-all prerequisites (engine/make-chain.ts)
 * and, with `wait`, stream every run of it to the client as `run-now --wait` does one run's (started,
 * output, retrying), until the chain ends. The client is a spectator: when it goes away the chain goes on.
 */
import type { MakeResult } from '../engine/make-chain.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { RequestContext } from './connection.js';
import type { MakeView } from './protocol.js';
import { emitRunEvent, type FollowedRunEvent as ChainEvent } from './run-wait.js';
import { untilAbandoned } from './until-abandoned.js';
import { toRunView } from './views.js';

/** The chain's view: without wait, as triggered; with wait, once it has ended (or the client left). */
export async function answerMake(
  scheduler: Scheduler,
  request: { name: string; wait: boolean; dryRun: boolean },
  context: RequestContext,
): Promise<MakeView> {
  const order = scheduler.makeOrder(request.name);
  const base = { order, alone: order.length === 1, dryRun: request.dryRun, failed: null, error: null };
  if (request.dryRun) return { ...base, runs: [] };
  if (!request.wait) return { ...base, runs: [toRunView(scheduler.runMake(request.name).first)] };

  // The first step may start (and print) inside runMake, before the chain's ids are known: hold the
  // events of the chain's tasks until then, and keep the chain's own.
  let early: ChainEvent[] | null = [];
  let ids: Set<number> | null = null;
  let following = true;
  const deliver = (event: ChainEvent): void => {
    if (!following) return;
    // The retry of a step is the chain's too: its events are delivered.
    if (event.kind === 'retrying') ids?.add(event.retry.id);
    if (!emitRunEvent(scheduler, context, event)) stopFollowing();
  };
  const receive = (event: ChainEvent): void => {
    if (early !== null) {
      if (order.includes(event.run.task)) early.push(event);
    } else if (ids?.has(event.run.id) === true) deliver(event);
    // A later step starts inside the chain's trigger, which learns its id right after: look again then.
    else if (order.includes(event.run.task)) queueMicrotask(() => ids?.has(event.run.id) === true && deliver(event));
  };
  const unsubscribers = [
    scheduler.on('run-started', (run) => receive({ kind: 'started', run })),
    // Kept (a copy: never the pipe's chunk) only while it may wait for its run's id.
    scheduler.on('run-output', (run, chunk) =>
      receive({ kind: 'output', run, chunk: ids?.has(run.id) === true ? chunk : Buffer.from(chunk) }),
    ),
    scheduler.on('run-retrying', (run, retry, at) => receive({ kind: 'retrying', run, retry, at })),
  ];
  function stopFollowing(): void {
    following = false;
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  }
  try {
    const { chain, first } = scheduler.runMake(request.name);
    ids = chain.runIds;
    const held = early;
    early = null;
    for (const event of held) if (ids.has(event.run.id)) deliver(event);
    const partial = (): MakeResult => ({ order, steps: [first], failed: null, error: 'the client went away' });
    const result = await untilAbandoned(chain.done, context, partial);
    return {
      ...base,
      runs: result.steps.map((run) => toRunView(run)),
      failed: result.failed === null ? null : toRunView(result.failed, { withOutput: true }),
      error: result.error,
    };
  } finally {
    stopFollowing();
  }
}
