/**
 * A task whose publisher is gone runs again (src/daemon/cluster/publish.ts startOrphanRepublish):
 * a host whose definition differs from the cluster's offers its own without force when poked (a
 * host was reaped) and every 30 s; publish_v1 (faked here) takes it only when its publisher is no
 * longer live. Nothing is said while the publisher lives.
 */
import { describe, expect, test } from 'vitest';
import type { PublishRequest, TaskRow } from '../../../src/daemon/cluster/cluster-db.js';
import { startOrphanRepublish } from '../../../src/daemon/cluster/publish.js';
import { TaskRows } from '../../../src/daemon/cluster/task-rows.js';
import { waitUntil } from '../../support/process-state.js';
import { makeTask } from '../../support/task-spec.js';

function row(fingerprint: string, publishedBy: string): TaskRow {
  return {
    name: 'sync',
    fingerprint,
    publishedBy,
    publishedByHostname: publishedBy,
    publishedAt: 0,
    held: false,
    heldUntil: null,
    holdNote: null,
    heldAt: null,
    reschedule: null,
    scheduleRev: 1,
    lastScheduledAt: null,
    scheduledRuns: 0,
    revision: 1,
  };
}

describe('orphan republish', () => {
  test("offers this host's definition when poked; taken only once the publisher is gone", async () => {
    const spec = makeTask('sync');
    const rows = new TaskRows(() => 'mine');
    rows.put(row('theirs', 'host-b'));
    let publisherLive = true;
    const asked: PublishRequest[] = [];
    const logs: string[] = [];
    const db = {
      publish: (request: PublishRequest) => {
        asked.push(request);
        return Promise.resolve(publisherLive ? 'theirs' : request.fingerprint);
      },
      readTask: () => Promise.resolve(publisherLive ? row('theirs', 'host-b') : row('mine', 'host-a')),
    };
    const orphans = startOrphanRepublish(
      {
        db,
        rows,
        hostId: 'host-a',
        fingerprintOf: () => 'mine',
        isHostScoped: () => false,
        log: (_l, m) => logs.push(m),
      },
      () => [spec],
    );
    try {
      orphans.poke();
      await waitUntil(() => asked.length === 1, 2_000, 'the first offer');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(asked[0]).toMatchObject({ task: 'sync', fingerprint: 'mine', force: false });
      expect(rows.get('sync')?.fingerprint).toBe('theirs');
      expect(logs).toEqual([]);
      publisherLive = false;
      orphans.poke();
      await waitUntil(() => rows.get('sync')?.fingerprint === 'mine', 2_000, "this host's definition in force");
      expect(logs).toEqual([
        "cluster: sync: the host that published its definition is gone; this host's is the cluster's now",
      ]);
      // In force now: nothing more to offer.
      orphans.poke();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(asked).toHaveLength(2);
    } finally {
      orphans.stop();
    }
  });
});
