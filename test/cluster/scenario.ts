/**
 * What the cluster scenarios share: a database per scenario on the file's throwaway PostgreSQL
 * cluster (with `synchronous_commit = on`, as the bar was measured: a crash restart must not lose a
 * committed claim), three daemons started together, the counted window, the figures printed as
 * `[cluster]` lines, and the bounds of CLUSTER.md section 12 the scenarios assert.
 */
import type { PgCluster } from '../support/pg-cluster.js';
import { LONG, sleep, type ClusterRig, type Daemon } from './harness.js';
import { summarize, type Lateness } from './counting.js';
import { TIMINGS } from './tasks-file.js';

/** The reaper runs every 1-2 s (with jitter): the most a detection may add past its trigger. */
export const REAPER_MS = 2000;

/** Detection bounds (CLUSTER.md 4): a process death within gone-after + reaper, a freeze within lease + reaper. */
export const BOUNDS = {
  processDeathMs: TIMINGS.goneAfterMs + REAPER_MS + 1000,
  freezeMs: TIMINGS.leaseMs + REAPER_MS + 1000,
  /** A frozen host keeps its lock: it must not be reaped before its lease (its last beat was at most a beat ago). */
  freezeAtLeastMs: TIMINGS.leaseMs - TIMINGS.beatMs,
  /** claim lateness targets: p50 < 50 ms, p99 < 500 ms (on a quiet machine; printed, asserted loosely). */
  latenessP99Ms: 500,
  holdPropagationP99Ms: 1000,
} as const;

/** Seconds a scenario lets pass between its steps: the CI form is bounded, the long form runs >= 60 s. */
export const PACE = LONG
  ? { warmMs: 10_000, afterMs: 15_000, cycles: 4, holdRounds: 50 }
  : { warmMs: 4000, afterMs: 5000, cycles: 1, holdRounds: 10 };

/** A scenario's database (a copy of the migrated template), as the rig needs it. */
export async function scenarioDatabase(server: PgCluster, name: string): Promise<ClusterRigDatabase> {
  const db = await server.createDatabase({ name: `c_${name}_${process.pid}` });
  server.sql(`ALTER DATABASE ${db} SET synchronous_commit = on`);
  return {
    url: server.url(db),
    restartFast: async () => server.restart('fast'),
    crash: async () => server.crash(),
    start: async () => server.start(),
  };
}

type ClusterRigDatabase = ClusterRig['db'];

/**
 * Daemons 1..3 started together (`env` per daemon); resolves with the start of the counted window,
 * 2 s after the last one answered with a live host row (CLUSTER.md 11).
 */
export async function startThree(
  rig: ClusterRig,
  options: { env?: (n: number) => Record<string, string>; config?: (n: number) => string | undefined } = {},
): Promise<number> {
  await Promise.all(
    [1, 2, 3].map((n) => rig.startDaemon(n, { env: options.env?.(n) ?? {}, config: options.config?.(n) })),
  );
  return Date.now() + 2000;
}

/** The daemon running a `running` row of one of `tasks` now (retried slow tasks: a kill interrupts it). */
export async function daemonRunning(rig: ClusterRig, tasks: readonly string[], timeoutMs = 5000): Promise<Daemon> {
  return await rig.until(`a daemon running one of ${tasks.join(', ')}`, timeoutMs, async () => {
    const hosts = await rig.hosts();
    const running = (await rig.runs()).filter((run) => run.status === 'running' && tasks.includes(run.task));
    for (const run of running) {
      const pid = hosts.find((host) => host.hostId === run.hostId && host.state === 'live')?.pid;
      const daemon = rig.daemons.find((d) => d.pid === pid);
      if (daemon !== undefined) return daemon;
    }
    return null;
  });
}

/** Runs won per daemon (by its host incarnations' pids), e.g. "1:40 2:38 3:41". */
export async function winsPerDaemon(rig: ClusterRig, from: number, to: number): Promise<string> {
  const hosts = await rig.hosts();
  const byHost = new Map(hosts.map((host) => [host.hostId, host.pid]));
  const wins = new Map<number, number>();
  for (const run of await rig.runs()) {
    if (run.attempt !== 1 || run.status === 'skipped' || run.scopeHost !== null) continue;
    if (run.scheduledAt === null || run.scheduledAt < from || run.scheduledAt > to) continue;
    const daemon = rig.daemons.find((d) => d.pid === byHost.get(run.hostId ?? ''));
    if (daemon !== undefined) wins.set(daemon.n, (wins.get(daemon.n) ?? 0) + 1);
  }
  return [...wins.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, count]) => `${n}:${count}`)
    .join(' ');
}

/** Let `ms` of cluster time pass. */
export const pass = sleep;

/** One figure line of the harness, in the test output. */
export function report(scenario: string, text: string): void {
  console.log(`[cluster] ${scenario}: ${text}`);
}

export function describeMs(samples: readonly number[]): { text: string; summary: Lateness } {
  const summary = summarize(samples);
  return {
    summary,
    text: `p50/p99/max ${fmt(summary.p50)}/${fmt(summary.p99)}/${fmt(summary.max)} ms (n=${summary.n})`,
  };
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(ms < 10 ? 1 : 0) : 'n/a';
}
