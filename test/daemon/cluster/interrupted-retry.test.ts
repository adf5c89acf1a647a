/**
 * Retry of a dead host's run (issue 21, ../shared/CLUSTER.md section 4), end to end: two real
 * daemons through bin/taskkit on one tasks file and a throwaway PostgreSQL. `kill -9` of the host
 * running both `retried` (retry: { attempts: 1, interrupted: true }) and `plain` (no opt-in), and
 * of its runs' process groups: the survivor reaps it, takes the queued retry (take_queued_v1) and
 * runs attempt 2 of the same instant, never before the dead host's lease_until + kill-after (+ the
 * retry delay); `plain`'s interrupted run is not retried. Daemons and process groups killed by pid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ClusterHosts, type ClusterHost } from '../../support/cluster-hosts.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { waitUntil } from '../../support/process-state.js';

let pg: PgCluster | null = null;
const daemons = new ClusterHosts();

beforeAll(async () => {
  if (!skipWithoutPg) pg = await startPgCluster();
}, 60_000);
afterAll(() => pg?.stop());
afterEach(() => daemons.killAll());

const TASKS = [
  '  retried:',
  '    every: 2s',
  '    overlap: skip',
  '    kill-after: 1s',
  '    retry: { attempts: 1, delay: 1s, interrupted: true }',
  '    run: echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $TASKKIT_ATTEMPT $HOSTLABEL $$" >> effects.log; exec sleep 3',
  '  plain:',
  '    every: 2s',
  '    overlap: skip',
  '    kill-after: 1s',
  '    retry: { attempts: 1, delay: 1s }',
  '    run: echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $TASKKIT_ATTEMPT $HOSTLABEL $$" >> effects.log; exec sleep 3',
];

async function makeCluster(labels: readonly string[]) {
  const { dir, hosts, sql } = await daemons.start(pg as PgCluster, TASKS, labels);
  return { hosts, effects: join(dir, 'effects.log'), sql };
}

/** The effects file's lines as [task, instant, attempt, host, pid]. */
function effects(path: string): string[][] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split(' '));
}

const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::bigint`;

describe.skipIf(skipWithoutPg)('retry of a dead host run (retry.interrupted)', () => {
  test(
    'the survivor runs attempt 2 of the same instant after lease end + kill-after; plain is not retried',
    { timeout: 60_000 },
    async () => {
      const { hosts, effects: path, sql } = await makeCluster(['a', 'b']);
      // A reaper is trusted once its liveness connection has been up a full lease (5 s).
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      // Wait for a moment when one host runs both tasks (claims go to either host): it is the victim.
      let victimHostId = '';
      await waitUntil(
        () => {
          victimHostId = sql(
            `SELECT host_id FROM taskkit.run WHERE status = 'running' AND task IN ('retried', 'plain')
            GROUP BY host_id HAVING count(DISTINCT task) = 2 LIMIT 1`,
          );
          return victimHostId !== '';
        },
        20_000,
        'one host to run both tasks',
      );
      const victimPid = Number(sql(`SELECT pid FROM taskkit.host WHERE host_id = '${victimHostId}'`));
      const victim = hosts.find((host) => host.pid() === victimPid) as ClusterHost;
      const survivor = hosts.find((host) => host !== victim) as ClusterHost;
      const running = sql(
        `SELECT task || ' ' || id || ' ' || ${epochMs('scheduled_at')} || ' ' || coalesce(pid, 0) FROM taskkit.run
        WHERE status = 'running' AND host_id = '${victimHostId}' ORDER BY task`,
      )
        .split('\n')
        .map((line) => line.split(' '));
      process.kill(victimPid, 'SIGKILL');
      const killedAt = Date.now();
      // Its runs' process groups die with it (a machine gone): the retry must not meet a live copy.
      for (const [, , , pid] of running) {
        daemons.track(Number(pid));
        try {
          process.kill(-Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
      const [plainRun, retriedRun] = running as [string[], string[]];
      expect(plainRun[0]).toBe('plain');
      expect(retriedRun[0]).toBe('retried');
      const instant = retriedRun[2] as string;
      const statusOf = (id: string) => sql(`SELECT status FROM taskkit.run WHERE id = ${id}`);
      await waitUntil(() => statusOf(retriedRun[1] as string) === 'interrupted', 15_000, 'the run to be interrupted');
      const reapedMs = Date.now() - killedAt;
      expect(statusOf(plainRun[1] as string)).toBe('interrupted');
      // Attempt 2 of the same instant: queued by the reaper, taken and run by the survivor.
      const attempt2 = () =>
        sql(
          `SELECT status || ' ' || coalesce(hostname, '') || ' ' || coalesce(${epochMs('started_at')}, 0) || ' ' ||
                ${epochMs('due_at')} || ' ' || coalesce(host_id::text, '') FROM taskkit.run
          WHERE task = 'retried' AND attempt = 2 AND ${epochMs('scheduled_at')} = ${instant}`,
        ).split(' ');
      await waitUntil(() => attempt2()[0] === 'succeeded', 25_000, 'attempt 2 to succeed').catch((error: Error) => {
        const rows = sql(
          `SELECT id, task, attempt, status, hostname, scheduled_at, due_at FROM taskkit.run ORDER BY id`,
        );
        throw new Error(`${error.message}\n${rows}\n${survivor.log()}`);
      });
      const [, , startedAt, dueAt, runHost] = attempt2();
      const leaseUntil = Number(
        sql(`SELECT ${epochMs('lease_until')} FROM taskkit.host WHERE host_id = '${victimHostId}'`),
      );
      const killAfterMs = 1_000;
      const retryDelayMs = 1_000;
      expect(Number(dueAt)).toBeGreaterThanOrEqual(leaseUntil + killAfterMs + retryDelayMs);
      expect(Number(startedAt)).toBeGreaterThanOrEqual(leaseUntil + killAfterMs);
      expect(Number(startedAt)).toBeGreaterThanOrEqual(Number(dueAt));
      expect(runHost).not.toBe(victimHostId);
      expect(sql(`SELECT state FROM taskkit.host WHERE host_id = '${victimHostId}'`)).toBe('dead');
      // The survivor ran it (its own effects line), once; plain's interrupted instant has no attempt 2.
      const instantIso = new Date(Number(instant)).toISOString();
      const lines = effects(path).filter((e) => e[0] === 'retried' && Date.parse(e[1] ?? '') === Number(instant));
      expect(lines.map((e) => [e[2], e[3]])).toEqual([
        ['1', victim.label],
        ['2', survivor.label],
      ]);
      for (const e of effects(path)) daemons.track(Number(e[4]));
      expect(sql(`SELECT count(*) FROM taskkit.run WHERE task = 'plain' AND attempt > 1`)).toBe('0');
      expect(survivor.log()).toMatch(
        new RegExp(`run #\\d+ of retried \\(${instantIso}, attempt 2\\) taken from the queue`),
      );
      process.stdout.write(
        `[cluster] kill -9: reaped after ${reapedMs} ms; attempt 2 due ${Number(dueAt) - leaseUntil} ms after ` +
          `lease_until, started ${Number(startedAt) - leaseUntil} ms after it ` +
          `(${Number(startedAt) - killedAt} ms after the kill)\n`,
      );
    },
  );
});
