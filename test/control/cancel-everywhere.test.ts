/**
 * `cancel NAME` in cluster mode (control/cluster-control.ts cancelEverywhere) against fake hooks:
 * this host's runs come first, then each of the task's runs on another host, asked to stop (its end,
 * or listed in requestedElsewhere when it still runs after the wait); PostgreSQL not answering: this
 * host's runs and clusterPending; on a single host (no hooks): this host's runs, as always.
 */
import { describe, expect, test } from 'vitest';
import { cancelEverywhere, type HostedRun } from '../../src/control/cluster-control.js';
import type { RunRecord } from '../../src/engine/run.js';

const run = (id: number, status: RunRecord['status'], host?: string): HostedRun => ({
  id,
  task: 'backup',
  trigger: 'manual',
  status,
  scheduledAt: null,
  createdAt: 0,
  startedAt: 0,
  endedAt: null,
  exitCode: null,
  signal: null,
  attempt: 1,
  pid: null,
  output: Buffer.alloc(0),
  outputTruncated: false,
  outputBytes: 0,
  stop: null,
  error: null,
  ...(host === undefined ? {} : { host }),
});

const here = [run(1, 'running')];

describe('cancel NAME across hosts', () => {
  test("this host's runs, then the others' with their end or still running", async () => {
    const asked: number[] = [];
    const reply = await cancelEverywhere(
      {
        runningElsewhere: () => Promise.resolve([run(7, 'running', 'b'), run(9, 'running', 'c')]),
        cancelElsewhere: (other) => {
          asked.push(other.id);
          return Promise.resolve(other.id === 7 ? { ...other, status: 'cancelled' } : null);
        },
      },
      'backup',
      here,
    );
    expect(asked).toEqual([7, 9]);
    expect(reply.runs.map((view) => [view.id, view.status, view.host])).toEqual([
      [1, 'running', undefined],
      [7, 'cancelled', 'b'],
      [9, 'running', 'c'],
    ]);
    expect(reply.requestedElsewhere).toEqual([9]);
  });

  test("PostgreSQL away: this host's runs and why the others were not asked", async () => {
    const reply = await cancelEverywhere(
      {
        runningElsewhere: () => Promise.reject(new Error('connection refused')),
        cancelElsewhere: () => Promise.resolve(null),
      },
      'backup',
      here,
    );
    expect(reply.runs.map((view) => view.id)).toEqual([1]);
    expect(reply.clusterPending).toBe("backup's runs on other hosts were not asked to stop: connection refused");
  });

  test('a single host: its runs, at once', () => {
    const reply = cancelEverywhere({}, 'backup', here);
    expect(reply).toEqual({ runs: [expect.objectContaining({ id: 1 })] });
  });
});
