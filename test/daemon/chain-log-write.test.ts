// A chain of short runs through the daemon's spawner (bench scenario 5 at max-concurrent 1): the
// spawner tells a run's pid, exit and end in one read, and the daemon then writes that run's start
// and end lines in one write, after the next run's request, not its start line before the request
// and its end line after it (a pipe write that wakes the log's reader, on the chain's critical path).
// The engine, the runner's spawned runs and the daemon logger are the real ones; the spawner is a
// recording fake that answers each request as one read (SpawnSink in order: pid, exit, end).
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createDaemonLogger } from '../../src/daemon/log.js';
import { logEngineEvents } from '../../src/daemon/run-log.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { createRunner } from '../../src/runner/runner.js';
import type { Spawner, SpawnOrder, SpawnSink } from '../../src/runner/spawner-client.js';
import { FakeClock } from '../support/fake-clock.js';
import { flush } from '../support/fake-runner.js';
import { makeTask } from '../support/task-spec.js';

/** What happened, in order: `request TASK` (a request written to the spawner), `log` (a write of log lines). */
type Step = string;

function recordingSpawner(steps: Step[], sinks: SpawnSink[]): Spawner {
  let held: SpawnOrder[] | null = null;
  const write = (orders: readonly SpawnOrder[]): void => {
    for (const order of orders) steps.push(`request ${order.env['TASKKIT_TASK'] ?? '?'}`);
  };
  return {
    spawn(order, sink) {
      sinks.push(sink);
      if (held === null) write([order]);
      else held.push(order);
    },
    together(work, beforeWrite) {
      held = [];
      const orders = held;
      work();
      held = null;
      beforeWrite?.();
      write(orders);
    },
    pid: 1,
    setLog: () => undefined,
    close: () => undefined,
  };
}

test("a short run's start and end lines go out in one write, after the next run's request", async () => {
  const steps: Step[] = [];
  const sinks: SpawnSink[] = [];
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString('utf8'));
      steps.push('log');
      done();
    },
  });
  const clock = new FakeClock('2026-12-04T12:00:00.000Z');
  const log = createDaemonLogger(stream, () => clock.now());
  const scheduler = new Scheduler({
    clock,
    runner: createRunner({ clock, spawner: recordingSpawner(steps, sinks) }),
    claim: () => true,
    claimCommit: () => void steps.push('commit'),
    log,
  });
  logEngineEvents(scheduler, log);
  scheduler.add(makeTask('first', { onSuccess: ['second'] }));
  scheduler.add(makeTask('second'));
  scheduler.start();
  scheduler.runNow('first');
  await flush();
  expect(steps).toEqual(['commit', 'request first']);
  steps.length = 0;
  writes.length = 0;

  // The spawner's one read for `first`: its pid, exit and end (the pid held for the exit).
  const first = sinks[0] as SpawnSink;
  first.started(4242, true);
  first.exit(0, null);
  first.end('', false, 0);
  await flush();

  expect(steps).toEqual(['commit', 'request second', 'log']);
  expect(writes).toHaveLength(1);
  const lines = (writes[0] as string).trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/first #1 started \(manual, pid 4242\)$/);
  expect(lines[1]).toMatch(/first #1 succeeded in /);
  const second = sinks[1] as SpawnSink;
  second.started(4243, true);
  second.exit(0, null);
  second.end('', false, 0);
  await flush();
  await scheduler.stop({ graceMs: 0 });
});
