/**
 * The multi-daemon cluster harness (../shared/CLUSTER.md section 11): real `taskkit start -f`
 * processes, each with its own state dir, socket and log (and, when root, its own host name in a
 * UTS namespace, so `$(hostname)` and `scope: host` rows tell them apart), sharing one tasks file
 * and one database of a throwaway PostgreSQL cluster. Kills a daemon with its task process groups,
 * freezes and thaws one, reads the `run` and `host` tables, and counts. Everything it starts is
 * stopped by pid in `close()`, also when a scenario fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname as machineName, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connectControl, type ControlClient } from '../../src/control/client.js';
import { TASKKIT_BIN, cliEnv, runTaskkit, type CliResult } from '../support/cli-process.js';
import { isAlive, waitUntil } from '../support/process-state.js';
import { countRuns, parseEffects, type CountInput, type CountResult, type HostRow, type RunRow } from './counting.js';
import { COUNTED_TASKS, TIMINGS, clusterTasksFile, type KnownKeys } from './tasks-file.js';

/** Long form (`TASKKIT_CLUSTER_LONG=1`): each scenario runs at least 60 s and repeats its fault. */
export const LONG = process.env['TASKKIT_CLUSTER_LONG'] === '1';

/** What the harness needs of the throwaway PostgreSQL cluster (test/support/pg-cluster.ts). */
export interface ClusterDatabase {
  /** `postgresql://` URL (no password) of this scenario's database. */
  readonly url: string;
  restartFast(): Promise<void>;
  crash(): Promise<void>;
  start(): Promise<void>;
}

export interface Daemon {
  readonly n: number;
  readonly pid: number;
  readonly socket: string;
  readonly logPath: string;
  readonly hostname: string;
  readonly child: ChildProcess;
}

const ROOT = process.getuid?.() === 0;

export class ClusterRig {
  readonly dir: string;
  readonly effectsPath: string;
  readonly configPath: string;
  readonly daemons: Daemon[] = [];
  private readonly sql: pg.Pool;
  private readonly trackedGroups = new Set<number>();

  private constructor(
    readonly db: ClusterDatabase,
    sql: pg.Pool,
    readonly keys: KnownKeys,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'tk-cluster-'));
    this.effectsPath = join(this.dir, 'effects.log');
    this.configPath = this.writeFile('tasks.yaml', this.tasksFile());
    this.sql = sql;
  }

  /** The harness's tasks file for this rig (`variant`: the split scenario's second file). */
  tasksFile(variant = false): string {
    return clusterTasksFile({ effects: this.effectsPath, variant, keys: this.keys });
  }

  static async open(db: ClusterDatabase): Promise<ClusterRig> {
    // A pool, not a client: a PostgreSQL restart scenario drops its connection, the next query opens one.
    const sql = new pg.Pool({ connectionString: db.url, max: 1 });
    sql.on('error', () => undefined);
    await sql.query('SELECT 1');
    return new ClusterRig(db, sql, await probeKeys());
  }

  /** A file in the rig's dir (a second tasks file). */
  writeFile(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /**
   * `taskkit start -f` as daemon N (env N; state in dir/hN; log hN.log) and wait until it answers on
   * its socket and its host row is live. `env`: more variables (TASKKIT_TEST_CLOCK_OFFSET_MS).
   */
  async startDaemon(n: number, options: { config?: string; env?: Record<string, string> } = {}): Promise<Daemon> {
    const home = join(this.dir, `h${n}`);
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const logPath = join(this.dir, `h${n}.log`);
    const log = openSync(logPath, 'a');
    const hostname = ROOT ? `tk-box-${n}` : machineName();
    const argv = [TASKKIT_BIN, 'start', '--foreground', '--config', options.config ?? this.configPath];
    // As root, a UTS namespace gives the daemon its own host name; exec keeps the pid.
    const [command, args] = ROOT
      ? ['unshare', ['--uts', 'sh', '-c', `hostname ${hostname} && exec "$0" "$@"`, process.execPath, ...argv]]
      : [process.execPath, argv];
    const child = spawn(command, args, {
      cwd: this.dir,
      env: cliEnv({
        N: String(n),
        XDG_STATE_HOME: home,
        TASKKIT_TEST_PG_URL: this.db.url,
        ...options.env,
      }),
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`daemon ${n} did not start`);
    const daemon: Daemon = {
      n,
      pid: child.pid,
      socket: join(home, 'taskkit', 'taskkit.sock'),
      logPath,
      hostname,
      child,
    };
    this.daemons.push(daemon);
    await this.waitReady(daemon);
    return daemon;
  }

  /** Until the daemon answers hello and has a live host row. */
  private async waitReady(daemon: Daemon): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!isAlive(daemon.pid)) throw new Error(`daemon ${daemon.n} exited:\n${this.logOf(daemon)}`);
      const live = await this.liveHostOf(daemon).catch(() => null);
      if (live !== null && (await this.answers(daemon))) return;
      if (Date.now() > deadline) throw new Error(`daemon ${daemon.n} not ready after 30 s:\n${this.logOf(daemon)}`);
      await sleep(100);
    }
  }

  private async answers(daemon: Daemon): Promise<boolean> {
    try {
      (await connectControl({ socket: daemon.socket, timeoutMs: 2000 })).close();
      return true;
    } catch {
      return false;
    }
  }

  /** The daemon's log so far (its last `lines` lines). */
  logOf(daemon: Daemon, lines = 40): string {
    try {
      return readFileSync(daemon.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** A control connection to daemon N (closed by the caller). */
  control(daemon: Daemon): Promise<ControlClient> {
    return connectControl({ socket: daemon.socket, timeoutMs: 5000 });
  }

  /** `taskkit ARGS` against daemon N's socket. */
  taskkit(daemon: Daemon, args: readonly string[]): Promise<CliResult> {
    return runTaskkit(['--socket', daemon.socket, ...args], {
      cwd: this.dir,
      env: cliEnv({ TASKKIT_TEST_PG_URL: this.db.url }),
      timeoutMs: 20_000,
    });
  }

  /**
   * `kill -9` the daemon and its task process groups, as a machine dying: stopped first, so that
   * no child starts between reading its children and the kill. Returns the time of the kill.
   */
  kill9(daemon: Daemon): number {
    signal(daemon.pid, 'SIGSTOP');
    const groups = childrenOf(daemon.pid);
    signal(daemon.pid, 'SIGKILL');
    const at = Date.now();
    for (const pid of groups) {
      signal(-pid, 'SIGKILL');
      signal(pid, 'SIGKILL');
    }
    return at;
  }

  /** `kill -STOP`: the process freezes; its running tasks go on. */
  freeze(daemon: Daemon): number {
    for (const pid of childrenOf(daemon.pid)) this.trackedGroups.add(pid);
    signal(daemon.pid, 'SIGSTOP');
    return Date.now();
  }

  thaw(daemon: Daemon): number {
    signal(daemon.pid, 'SIGCONT');
    return Date.now();
  }

  /** SIGTERM every daemon still alive and wait for them (a graceful stop drains its runs). */
  async stopAll(timeoutMs = 20_000): Promise<void> {
    const alive = this.daemons.filter((daemon) => isAlive(daemon.pid));
    for (const daemon of alive) {
      for (const pid of childrenOf(daemon.pid)) this.trackedGroups.add(pid);
      signal(daemon.pid, 'SIGTERM');
    }
    for (const daemon of alive) await waitUntil(() => !isAlive(daemon.pid), timeoutMs, `daemon ${daemon.n} to stop`);
  }

  /** The live host row of the daemon's current incarnation, or null. */
  async liveHostOf(daemon: Daemon): Promise<HostRow | null> {
    const hosts = await this.hosts();
    return hosts.find((host) => host.pid === daemon.pid && host.state === 'live') ?? null;
  }

  /** Until `probe` answers (polled every `pollMs`); returns its answer. */
  async until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined>, pollMs = 50): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => null);
      if (value !== null && value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(pollMs);
    }
  }

  async runs(): Promise<RunRow[]> {
    const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${column}`;
    const result = await this.sql.query<Record<string, unknown>>(
      `SELECT id::float8 AS id, task, trigger, ${ms('scheduled_at')}, attempt, status, host_id::text AS host_id,
              scope_host, ${ms('created_at')}, ${ms('started_at')}
         FROM taskkit.run`,
    );
    return result.rows.map((row) => ({
      id: Number(row['id']),
      task: String(row['task']),
      trigger: String(row['trigger']),
      scheduledAt: numberOrNull(row['scheduled_at']),
      attempt: Number(row['attempt']),
      status: String(row['status']),
      hostId: (row['host_id'] as string | null) ?? null,
      scopeHost: (row['scope_host'] as string | null) ?? null,
      createdAt: Number(row['created_at']),
      startedAt: numberOrNull(row['started_at']),
    }));
  }

  async hosts(): Promise<HostRow[]> {
    const result = await this.sql.query<Record<string, unknown>>(
      `SELECT host_id::text AS host_id, pid, state, end_reason,
              (extract(epoch FROM lease_until) * 1000)::float8 AS lease_until,
              (extract(epoch FROM ended_at) * 1000)::float8 AS ended_at
         FROM taskkit.host ORDER BY started_at`,
    );
    return result.rows.map((row) => ({
      hostId: String(row['host_id']),
      pid: Number(row['pid']),
      state: String(row['state']),
      leaseUntil: Number(row['lease_until']),
      endedAt: numberOrNull(row['ended_at']),
      endReason: (row['end_reason'] as string | null) ?? null,
    }));
  }

  /** The verdict over [from, to] of effects.log and the tables (see counting.ts). */
  async count(options: Omit<CountInput, 'tasks' | 'effects' | 'runs' | 'hosts'>): Promise<CountResult> {
    const { lines, malformed } = parseEffects(readText(this.effectsPath));
    if (malformed.length > 0) throw new Error(`torn lines in effects.log: ${malformed.slice(0, 3).join(' | ')}`);
    return countRuns({
      tasks: COUNTED_TASKS,
      effects: lines,
      runs: await this.runs(),
      hosts: await this.hosts(),
      killAfterMs: TIMINGS.killAfterMs,
      ...options,
    });
  }

  /** Start lines of effects.log per writer (`HOSTNAME-N`), for one task or all. */
  startsBy(task?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of parseEffects(readText(this.effectsPath)).lines) {
      if (task === undefined || line.task === task) counts.set(line.who, (counts.get(line.who) ?? 0) + 1);
    }
    return counts;
  }

  /** Kill by pid every daemon and task process group started, close the connection, remove the dir. */
  async close(): Promise<void> {
    for (const daemon of this.daemons) {
      if (!isAlive(daemon.pid)) continue;
      signal(daemon.pid, 'SIGCONT');
      for (const pid of childrenOf(daemon.pid)) this.trackedGroups.add(pid);
      signal(daemon.pid, 'SIGKILL');
    }
    for (const pid of this.trackedGroups) signal(-pid, 'SIGKILL');
    for (const daemon of this.daemons) await waitUntil(() => !isAlive(daemon.pid), 5000, `daemon ${daemon.n} gone`);
    await this.sql.end().catch(() => undefined);
    if (process.env['TASKKIT_CLUSTER_KEEP'] === '1') console.log(`[cluster] kept ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

let knownKeys: KnownKeys | undefined;

/**
 * Which cluster task keys the built taskkit accepts (`taskkit validate` of a one-task file). A key
 * not there yet is left out of the tasks file and printed once, so the rest of a scenario still runs.
 */
async function probeKeys(): Promise<KnownKeys> {
  if (knownKeys !== undefined) return knownKeys;
  const dir = mkdtempSync(join(tmpdir(), 'tk-keys-'));
  try {
    const file = join(dir, 'tasks.yaml');
    writeFileSync(
      file,
      "tasks:\n  a:\n    every: 1s\n    run: 'true'\n    retry: { attempts: 1, interrupted: true }\n    scope: host\n",
    );
    const result = await runTaskkit(['validate', '--config', file], { cwd: dir, env: cliEnv(), timeoutMs: 20_000 });
    const said = result.stdout + result.stderr;
    knownKeys = { retryInterrupted: !/unknown key "interrupted"/.test(said), scope: !/unknown key "scope"/.test(said) };
    const missing = Object.entries(knownKeys).filter(([, known]) => !known);
    if (missing.length > 0) console.log(`[cluster] not in this build, left out: ${missing.map(([k]) => k).join(', ')}`);
    return knownKeys;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A pause in real time: the harness lets wall-clock seconds of a cluster pass on purpose. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Direct children of `pid` (each task runs in its own process group, led by the child). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone between readdir and read
    }
  }
  return children;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
