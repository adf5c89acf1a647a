/**
 * Real cluster daemons for glue tests (issue 21): `hosts` daemons started through bin/taskkit on ONE
 * tasks file and a fresh database of a throwaway PostgreSQL, each with its own state dir and socket
 * (XDG_STATE_HOME). `killAll()` ends every daemon and task process group it saw, by pid.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runTaskkit, type CliResult } from './cli-process.js';
import type { PgCluster } from './pg-cluster.js';
import { isAlive, waitUntil } from './process-state.js';

export interface ClusterHost {
  readonly label: string;
  readonly stateDir: string;
  taskkit(args: readonly string[]): Promise<CliResult>;
  /** The daemon's pid from its pid file. */
  pid(): number;
  log(): string;
}

export interface ClusterOptions {
  /** settings.cluster.lease (default 5s). */
  readonly lease?: string;
  /** false: the daemons are made but not started; `TestCluster.start(host)` starts one. */
  readonly start?: boolean;
}

export interface TestCluster {
  readonly dir: string;
  readonly db: string;
  readonly hosts: readonly ClusterHost[];
  sql(text: string): string;
  /** Starts `host`'s daemon; throws with its output and log when the start fails. */
  start(host: ClusterHost): Promise<void>;
}

export class ClusterHosts {
  readonly #dirs: string[] = [];
  readonly #pids = new Set<number>();

  /** A pid to kill at the end (a task's process group leader). */
  track(pid: number): void {
    this.#pids.add(pid);
  }

  /** `labels` daemons on one tasks file (its `tasks:` lines) and a fresh database of `pg`. */
  async start(
    pg: PgCluster,
    tasks: readonly string[],
    labels: readonly string[],
    options: ClusterOptions = {},
  ): Promise<TestCluster> {
    const db = await pg.createDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'tk-cc-'));
    this.#dirs.push(dir);
    const settings = ['settings:', '  timezone: UTC', '  shutdown-grace: 2s', '  cluster:'];
    const cluster = [
      '    store: $TASKKIT_TEST_PG',
      '    beat: 1s',
      '    gone-after: 2s',
      `    lease: ${options.lease ?? '5s'}`,
    ];
    writeFileSync(join(dir, 'tasks.yaml'), [...settings, ...cluster, 'tasks:', ...tasks].join('\n') + '\n');
    const hosts = labels.map((label): ClusterHost => {
      const xdg = join(dir, label);
      mkdirSync(xdg);
      const stateDir = join(xdg, 'taskkit');
      const env = cliEnv({ XDG_STATE_HOME: xdg, TASKKIT_TEST_PG: pg.url(db), HOSTLABEL: label });
      return {
        label,
        stateDir,
        taskkit: async (args) => {
          const result = await runTaskkit(['-c', join(dir, 'tasks.yaml'), ...args], {
            cwd: dir,
            env,
            timeoutMs: 30_000,
          });
          const started = /taskkit started \(pid (\d+),/.exec(result.stdout);
          if (started?.[1] !== undefined) this.#pids.add(Number(started[1]));
          return result;
        },
        pid: () => Number(readFileSync(join(stateDir, 'taskkit.pid'), 'utf8').trim()),
        log: () => {
          const path = join(stateDir, 'taskkit.log');
          return existsSync(path) ? readFileSync(path, 'utf8') : '';
        },
      };
    });
    const start = async (host: ClusterHost): Promise<void> => {
      const started = await host.taskkit(['start']);
      if (started.code !== 0)
        throw new Error(`start of ${host.label} failed:\n${started.stdout}${started.stderr}\n${host.log()}`);
    };
    if (options.start !== false) for (const host of hosts) await start(host);
    return { dir, db, hosts, sql: (text) => pg.sql(text, db), start };
  }

  async killAll(): Promise<void> {
    for (const pid of this.#pids) {
      for (const target of [pid, -pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    for (const pid of this.#pids) await waitUntil(() => !isAlive(pid), 5_000, `pid ${pid} to be gone`);
    this.#pids.clear();
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
