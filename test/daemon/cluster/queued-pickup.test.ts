// The queued pickup (src/daemon/cluster/queued-pickup.ts) against a fake take_queued_v1: it takes
// due runs while this host may claim and has a free slot, one round at a time, at once on a
// `host-dead` notification, and a run that cannot start is logged, not retried.
import { afterEach, describe, expect, test } from 'vitest';
import type { TakenRun } from '../../../src/engine/ports.js';
import { startQueuedPickup, type QueuedPickup } from '../../../src/daemon/cluster/queued-pickup.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
let pickup: QueuedPickup | null = null;
afterEach(() => pickup?.stop());

function fixture(queue: TakenRun[], state: { live: boolean; free: number }) {
  const asked: string[][] = [];
  const started: number[] = [];
  const logs: string[] = [];
  pickup = startQueuedPickup({
    db: {
      takeQueued: (hostId, hostname, tasks) => {
        asked.push([hostId, hostname, ...tasks]);
        return Promise.resolve(queue.shift() ?? null);
      },
    },
    liveness: { hostId: () => 'h1', canClaim: () => state.live },
    hostname: 'vm',
    tasks: () => ['retried'],
    freeSlot: () => state.free > 0,
    start: (taken) => {
      if (taken.task === 'gone') throw new Error('no task named "gone"');
      state.free--;
      started.push(taken.runId);
    },
    log: (_level, message) => logs.push(message),
  });
  return { asked, started, logs, pickup };
}

const run = (runId: number, task = 'retried'): TakenRun => ({ runId, task, scheduledAt: 0, attempt: 2 });

describe('queued pickup', () => {
  test('on host-dead: takes due runs while slots are free, then stops asking', async () => {
    const state = { live: true, free: 2 };
    const { asked, started, pickup: p } = fixture([run(7), run(8), run(9)], state);
    p.notified(JSON.stringify({ k: 'host-dead', host: 'x' }));
    await settle();
    expect(started).toEqual([7, 8]);
    expect(asked).toEqual([
      ['h1', 'vm', 'retried'],
      ['h1', 'vm', 'retried'],
    ]);
  });

  test('asks nothing while fenced, nor on other notifications', async () => {
    const state = { live: false, free: 1 };
    const { asked, started, pickup: p } = fixture([run(7)], state);
    p.notified(JSON.stringify({ k: 'host-dead' }));
    p.notified(JSON.stringify({ k: 'task', name: 'retried' }));
    p.notified('not json');
    await settle();
    expect(asked).toEqual([]);
    state.live = true;
    p.poke();
    await settle();
    // One ask: the run taken fills the only slot.
    expect(asked).toHaveLength(1);
    expect(started).toEqual([7]);
  });

  test('a taken run that cannot start is logged and the next is taken', async () => {
    const state = { live: true, free: 1 };
    const { started, logs, pickup: p } = fixture([run(5, 'gone'), run(6)], state);
    p.poke();
    await settle();
    expect(started).toEqual([6]);
    expect(logs.some((line) => /run #5 of gone was taken but could not start/.test(line))).toBe(true);
    expect(logs.some((line) => /run #6 of retried \(1970-01-01T00:00:00.000Z, attempt 2\) taken/.test(line))).toBe(
      true,
    );
  });
});
