/**
 * PostgreSQL down (issue 21 point 7), with real daemons through bin/taskkit and a throwaway
 * PostgreSQL: (a) a daemon started while PostgreSQL is stopped starts anyway, answers `status`,
 * runs its `scope: host` task, says the outage once, and registers and runs cluster tasks once
 * PostgreSQL is started; (b) two daemons through a fast stop of PostgreSQL longer than the fence:
 * the `catch-up: all` task's instants of the outage run once each afterwards (counted from the
 * effects file), the task without catch-up leaves them out, and no daemon crashed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ClusterHosts, type ClusterHost } from '../../support/cluster-hosts.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { isAlive, waitUntil } from '../../support/process-state.js';

let pg: PgCluster | null = null;
const daemons = new ClusterHosts();

beforeAll(async () => {
  if (!skipWithoutPg) pg = await startPgCluster();
}, 60_000);
afterAll(() => pg?.stop());
afterEach(() => daemons.killAll());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hosts `labels` on one tasks file (its task lines) and a fresh database; not started. */
async function makeHosts(tasks: readonly string[], labels: readonly string[]) {
  // lease 3 s: the fence (last beat + lease - 1 s) passes within a 5 s outage.
  const { dir, hosts, start } = await daemons.start(pg as PgCluster, tasks, labels, { lease: '3s', start: false });
  return { dir, hosts, start, effects: () => effects(join(dir, 'effects.log')) };
}

/** The effects file's lines as [task, instant, attempt, host]. */
function effects(path: string): string[][] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split(' '));
}

const count = (text: string, pattern: RegExp): number => text.split('\n').filter((line) => pattern.test(line)).length;

const task = (name: string, extra: readonly string[] = []): string[] => [
  `  ${name}:`,
  '    every: 1s',
  ...extra,
  '    run: echo "$TASKKIT_TASK $TASKKIT_SCHEDULED_AT $TASKKIT_ATTEMPT $HOSTLABEL" >> effects.log',
];

describe.skipIf(skipWithoutPg)('PostgreSQL down', () => {
  test(
    'started while PostgreSQL is stopped: status answers, scope: host runs, said once; registers when it starts',
    { timeout: 45_000 },
    async () => {
      const cluster = pg as PgCluster;
      const {
        hosts,
        start,
        effects: lines,
      } = await makeHosts([...task('local', ['    scope: host']), ...task('shared')], ['a']);
      const a = hosts[0] as ClusterHost;
      cluster.halt();
      try {
        await start(a);
        const status = await a.taskkit(['status']);
        expect(status.code).toBe(0);
        await waitUntil(() => lines().filter((e) => e[0] === 'local').length >= 3, 10_000, '3 local runs');
      } finally {
        cluster.start();
      }
      expect(lines().filter((e) => e[0] === 'shared')).toEqual([]);
      const outageLog = a.log();
      expect(
        count(outageLog, /cluster: PostgreSQL at .* unreachable \(.*\); running scope: host tasks only, retrying/),
      ).toBe(1);
      expect(count(outageLog, /runs of cluster tasks yield while/)).toBe(1);
      await waitUntil(() => lines().filter((e) => e[0] === 'shared').length >= 2, 15_000, '2 shared runs');
      expect(a.log()).toMatch(/cluster "taskkit": registered as /);
      expect(isAlive(a.pid())).toBe(true);
      expect((await a.taskkit(['stop'])).code).toBe(0);
    },
  );

  test(
    'two daemons through a 5 s stop of PostgreSQL: catch-up: all runs each missed instant once, skip none',
    { timeout: 45_000 },
    async () => {
      const cluster = pg as PgCluster;
      const {
        hosts,
        start,
        effects: lines,
      } = await makeHosts([...task('every', ['    catch-up: all']), ...task('plain')], ['a', 'b']);
      for (const host of hosts) await start(host);
      const pidsBefore = hosts.map((host) => host.pid());
      await waitUntil(() => lines().filter((e) => e[0] === 'plain').length >= 2, 15_000, '2 runs before');
      const stoppedAt = Date.now();
      cluster.halt();
      await sleep(5_000);
      cluster.start();
      const startedAt = Date.now();
      // Well past the outage: the catch-up is done and a few instants ran as scheduled.
      await waitUntil(
        () => lines().filter((e) => e[0] === 'plain' && Date.parse(e[1] ?? '') > startedAt + 3_000).length >= 1,
        20_000,
        'plain to run after the outage',
      );
      await sleep(1_500);
      const lastAt = startedAt + 3_000;
      const instantsOf = (name: string): number[] =>
        lines()
          .filter((e) => e[0] === name)
          .map((e) => Date.parse(e[1] ?? ''))
          .filter((at) => at <= lastAt)
          .sort((x, y) => x - y);
      const every = instantsOf('every');
      const plain = instantsOf('plain');
      // Once each: no instant twice; catch-up all: no gap from the first to the last.
      expect(new Set(every).size).toBe(every.length);
      expect(new Set(plain).size).toBe(plain.length);
      for (let i = 1; i < every.length; i++) expect((every[i] ?? 0) - (every[i - 1] ?? 0)).toBe(1_000);
      const inOutage = (at: number): boolean => at > stoppedAt && at < startedAt;
      const missedPlain = every.filter((at) => inOutage(at) && !plain.includes(at));
      process.stdout.write(
        `[outage] every: ${every.filter(inOutage).length} outage instants run once each; ` +
          `plain left ${missedPlain.length} out\n`,
      );
      expect(every.filter(inOutage).length).toBeGreaterThanOrEqual(3);
      expect(missedPlain.length).toBeGreaterThanOrEqual(1);
      // No daemon crashed; each said the outage once.
      expect(hosts.map((host) => host.pid())).toEqual(pidsBefore);
      for (const host of hosts) {
        expect(isAlive(host.pid())).toBe(true);
        const log = host.log();
        expect(count(log, /runs of cluster tasks yield while/)).toBe(1);
        expect(count(log, /lost the PostgreSQL connection/)).toBeLessThanOrEqual(1);
      }
      expect(hosts.map((host) => host.log()).join('\n')).toMatch(
        /every: \d+ instant\(s\) due while PostgreSQL was away caught up/,
      );
      for (const host of hosts) expect((await host.taskkit(['stop'])).code).toBe(0);
    },
  );
});
