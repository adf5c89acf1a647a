/**
 * PostgreSQL down (issue 21 point 7), with real daemons through bin/taskkit and a throwaway
 * PostgreSQL: (a) a daemon started while PostgreSQL is stopped starts anyway, answers `status`,
 * runs its `scope: host` task, says the outage once, and registers and runs cluster tasks once
 * PostgreSQL is started; (b) two daemons through a fast stop of PostgreSQL longer than the fence:
 * the `catch-up: all` task's instants of the outage run once each afterwards (counted from the
 * effects file), the task without catch-up leaves them out, and no daemon crashed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cliEnv, runTaskkit, type CliResult } from '../../support/cli-process.js';
import { type PgCluster, skipWithoutPg, startPgCluster } from '../../support/pg-cluster.js';
import { isAlive, waitUntil } from '../../support/process-state.js';

let pg: PgCluster | null = null;
const dirs: string[] = [];
const pids = new Set<number>();

beforeAll(async () => {
  if (!skipWithoutPg) pg = await startPgCluster();
}, 60_000);
afterAll(() => pg?.stop());

afterEach(async () => {
  for (const pid of pids) {
    for (const target of [pid, -pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  for (const pid of pids) await waitUntil(() => !isAlive(pid), 5_000, `pid ${pid} to be gone`);
  pids.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Host {
  readonly label: string;
  readonly stateDir: string;
  taskkit(args: readonly string[]): Promise<CliResult>;
  pid(): number;
  log(): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hosts `labels` on one tasks file (its task lines) and a fresh database; not started. */
async function makeHosts(tasks: readonly string[], labels: readonly string[]) {
  const cluster = pg as PgCluster;
  const db = await cluster.createDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'tk-out-'));
  dirs.push(dir);
  // lease 3 s: the fence (last beat + lease - 1 s) passes within a 5 s outage.
  const settings = ['settings:', '  timezone: UTC', '  shutdown-grace: 2s', '  cluster:'];
  const cl = ['    store: $TASKKIT_TEST_PG', '    beat: 1s', '    gone-after: 2s', '    lease: 3s'];
  writeFileSync(join(dir, 'tasks.yaml'), [...settings, ...cl, 'tasks:', ...tasks].join('\n') + '\n');
  const hosts = labels.map((label): Host => {
    const xdg = join(dir, label);
    mkdirSync(xdg);
    const stateDir = join(xdg, 'taskkit');
    const env = cliEnv({ XDG_STATE_HOME: xdg, TASKKIT_TEST_PG: cluster.url(db), HOSTLABEL: label });
    return {
      label,
      stateDir,
      taskkit: async (args) => {
        const result = await runTaskkit(['-c', join(dir, 'tasks.yaml'), ...args], { cwd: dir, env, timeoutMs: 20_000 });
        const started = /taskkit started \(pid (\d+),/.exec(result.stdout);
        if (started?.[1] !== undefined) pids.add(Number(started[1]));
        return result;
      },
      pid: () => Number(readFileSync(join(stateDir, 'taskkit.pid'), 'utf8').trim()),
      log: () => {
        const path = join(stateDir, 'taskkit.log');
        return existsSync(path) ? readFileSync(path, 'utf8') : '';
      },
    };
  });
  const start = async (host: Host): Promise<void> => {
    const started = await host.taskkit(['start']);
    if (started.code !== 0) throw new Error(`start of ${host.label} failed:\n${started.stdout}${started.stderr}`);
  };
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
      const a = hosts[0] as Host;
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
