/**
 * A throwaway PostgreSQL cluster for one test file (../shared/CLUSTER.md section 11): initdb into
 * a temporary directory, a server on a Unix socket in that directory only (no TCP: no port
 * clashes, nothing reaches a system-wide PostgreSQL), databases made from a migrated template,
 * and a stop by data directory that removes it all. As root, every PostgreSQL command runs as the
 * `postgres` user (initdb refuses root).
 *
 *   const pg = skipWithoutPg ? null : await startPgCluster();
 *   describe.skipIf(skipWithoutPg)('...', () => { ... pg.createDatabase() ... });
 *
 * Without PostgreSQL the suites skip, printing why; with CI=true they fail instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient } from '../../src/store/postgres/connect.js';
import { migrate } from '../../src/store/postgres/migrations.js';

/** The template every createDatabase() copies: migrated once for the cluster name `taskkit`. */
export const PG_TEMPLATE = 'tk_template';

/**
 * Where Debian's binaries are: TASKKIT_PG_BIN if set (a missing folder there: PostgreSQL is
 * absent, to check the skip and the CI failure), else pg_config --bindir, else the newest
 * /usr/lib/postgresql/N/bin.
 */
function findBinDir(): string | null {
  const chosen = process.env.TASKKIT_PG_BIN;
  if (chosen !== undefined && chosen !== '') return existsSync(join(chosen, 'pg_ctl')) ? chosen : null;
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = fromConfig.status === 0 ? fromConfig.stdout.trim() : '';
  if (dir !== '' && existsSync(join(dir, 'pg_ctl'))) return dir;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = versions[versions.length - 1];
  return newest === undefined ? null : join(root, newest, 'bin');
}

/**
 * Where clusters live: TASKKIT_PG_DIR, else /dev/shm (tmpfs) where there is one, else the temp
 * dir. On the shared, I/O-loaded 2-core machine, initdb took 3.4-6.9 s on disk and 0.55 s on
 * tmpfs, CREATE DATABASE from the template 0.5-1.3 s against 0.07 s.
 */
function clusterParent(): string {
  const chosen = process.env.TASKKIT_PG_DIR;
  if (chosen !== undefined && chosen !== '') return chosen;
  try {
    accessSync('/dev/shm', constants.W_OK | constants.X_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

const isRoot = process.getuid?.() === 0;
const BIN = findBinDir();

function unavailableReason(): string | null {
  if (BIN === null)
    return 'PostgreSQL is not installed (no pg_ctl under pg_config --bindir or /usr/lib/postgresql/*/bin)';
  if (!existsSync(join(BIN, 'initdb'))) return `no initdb in ${BIN}`;
  if (isRoot && spawnSync('id', ['-u', 'postgres']).status !== 0)
    return 'running as root and there is no postgres user';
  return null;
}

/** Why the PostgreSQL suites cannot run here, or null when they can. */
export const pgUnavailable: string | null = unavailableReason();

/** Whether PostgreSQL is there to test against. */
export const pgAvailable = pgUnavailable === null;

/**
 * Skip the suites without PostgreSQL, saying why once; never under CI=true, where they run and
 * fail (startPgCluster throws the reason) so a CI machine without PostgreSQL cannot pass silently.
 */
export const skipWithoutPg = pgUnavailable !== null && process.env.CI !== 'true';
if (skipWithoutPg) console.warn(`[pg] PostgreSQL suites skipped: ${pgUnavailable} (with CI=true they fail)`);

export interface PgCluster {
  /** The temporary directory: the socket lives here, the data in `data/`, the log in `log`. */
  readonly dir: string;
  /** PGHOST: the socket directory. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** PGHOST, PGPORT, PGUSER for a child process (PGDATABASE is the caller's choice). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Milliseconds spent: making this process's seed (initdb, start, migrated template, stop; 0 when
   * an earlier cluster made it), copying it, pg_ctl start, the first query.
   */
  readonly timings: Readonly<{ initdb: number; copy: number; start: number; firstQuery: number }>;
  /** A postgres:// URL to database `db` over the socket (no password: trust authentication). */
  url(db: string): string;
  /** A new database, a copy of the migrated template (or empty, `{ empty: true }`); returns its name. */
  createDatabase(options?: { name?: string; empty?: boolean }): Promise<string>;
  /** One statement as the superuser in `db` (default `postgres`), rows of text. */
  sql(text: string, db?: string): string;
  restart(mode?: 'fast' | 'smart'): void;
  /** Immediate stop: no shutdown checkpoint, every backend killed (a crash, for the server). */
  crash(): void;
  /** Fast stop (pg_ctl -m fast), the data kept: start() brings it back (an outage, for clients). */
  halt(): void;
  start(): void;
  /** Stops the server by its data directory and removes the directory. Idempotent. */
  stop(): void;
}

function as(cmd: string, args: readonly string[]): { cmd: string; args: string[] } {
  return isRoot ? { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] } : { cmd, args: [...args] };
}

/** Runs a PostgreSQL binary (as postgres when root); throws with its output when it fails. */
function run(bin: string, args: readonly string[], fromBin = true): string {
  const { cmd, args: argv } = as(fromBin ? join(BIN ?? '', bin) : bin, args);
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${bin} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

const live = new Set<PgCluster>();
let exitHookInstalled = false;

/** A process ending normally between files still removes its clusters (pg_ctl fast stop + rm). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const cluster of live) cluster.stop();
  });
}

/**
 * vitest ends its workers with a signal, so no 'exit' handler runs: a detached shell per cluster
 * waits for this process to go, then stops the server (immediate: nobody needs its data) and
 * removes the directory. stop() kills it by its pid.
 */
function startWatchdog(dir: string): number | undefined {
  const { cmd, args } = as(join(BIN ?? '', 'pg_ctl'), ['-D', join(dir, 'data'), '-w', '-m', 'immediate', 'stop']);
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; shift 2; "$@" >/dev/null 2>&1; rm -rf "$DIR"';
  const child = spawn('sh', ['-c', script, 'pg-watchdog', String(process.pid), dir, cmd, ...args], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DIR: dir },
  });
  child.unref();
  return child.pid;
}

let sequence = 0;

/** A new directory for a cluster, owned by postgres when root. */
function newDir(prefix: string): string {
  const dir = mkdtempSync(join(clusterParent(), prefix));
  if (isRoot) {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    chownSync(dir, Number(uid), Number(gid));
  }
  return dir;
}

/** The cluster in `dir` (its data in `dir/data`, made by the caller), not started. */
function clusterIn(dir: string, timings: PgCluster['timings']): PgCluster {
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  // Only the socket file's name carries the port; a random one keeps two clusters' names apart anyway.
  const port = 20_000 + Math.floor(Math.random() * 40_000);
  const options =
    `-k ${dir} -c listen_addresses='' -p ${port} ` + '-c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  let stopped = false;
  const cluster: PgCluster = {
    dir,
    host: dir,
    port,
    user: 'postgres',
    env: { PGHOST: dir, PGPORT: String(port), PGUSER: 'postgres' },
    timings,
    url: (db) => `postgres:///${db}?host=${encodeURIComponent(dir)}&port=${port}&user=postgres`,
    createDatabase: (opts) => createDatabase(cluster, opts),
    sql: (text, db = 'postgres') =>
      run('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', db, '-X', '-Atqc', text]).trim(),
    start: () => void run('pg_ctl', ['-D', data, '-l', log, '-w', '-o', options, 'start']),
    restart: (mode = 'fast') => void run('pg_ctl', ['-D', data, '-l', log, '-w', '-m', mode, '-o', options, 'restart']),
    crash: () => void run('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']),
    halt: () => void run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']),
    stop: () => {
      if (stopped) return;
      stopped = true;
      live.delete(cluster);
      if (existsSync(join(data, 'postmaster.pid'))) {
        const { cmd, args } = as(join(BIN ?? '', 'pg_ctl'), ['-D', data, '-w', '-m', 'fast', 'stop']);
        spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
      }
      rmSync(dir, { recursive: true, force: true });
      if (watchdog !== undefined) {
        try {
          process.kill(watchdog);
        } catch {
          // already gone
        }
      }
    },
  };
  live.add(cluster);
  installExitHook();
  const watchdog = startWatchdog(dir);
  return cluster;
}

/**
 * The data directory of a stopped cluster with the migrated template, made once per process
 * (initdb is most of a cluster's start): every cluster starts as a copy of it. Removed at the
 * process's end like a cluster.
 */
let seed: Promise<string> | null = null;

function seedData(): Promise<string> {
  seed ??= makeSeed().catch((error: unknown) => {
    seed = null;
    throw error;
  });
  return seed;
}

async function makeSeed(): Promise<string> {
  const cluster = clusterIn(newDir('tk-pg-seed-'), { initdb: 0, copy: 0, start: 0, firstQuery: 0 });
  const data = join(cluster.dir, 'data');
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    cluster.start();
    await makeTemplate(cluster);
    run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']);
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return data;
}

/**
 * A running cluster of its own, a copy of this process's seed (the first call makes the seed:
 * initdb, start, migrated template, stop). Measured at load average 14-16 on the 2 shared cores:
 * the seed 1.5-5 s (initdb is most of it), then copy + start + first query ~0.5 s.
 */
export async function startPgCluster(): Promise<PgCluster> {
  if (pgUnavailable !== null)
    throw new Error(`PostgreSQL is required for these tests (CI=true: no skipping): ${pgUnavailable}`);
  const clock = { t: Date.now() };
  const lap = (): number => {
    const now = Date.now();
    const ms = now - clock.t;
    clock.t = now;
    return ms;
  };
  const timings = { initdb: 0, copy: 0, start: 0, firstQuery: 0 };
  const source = await seedData();
  timings.initdb = lap();
  const cluster = clusterIn(newDir('tk-pg-'), timings);
  try {
    run('cp', ['-a', source, join(cluster.dir, 'data')], false);
    timings.copy = lap();
    cluster.start();
    timings.start = lap();
    cluster.sql('SELECT 1');
    timings.firstQuery = lap();
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return cluster;
}

/** tk_template, migrated for the cluster name `taskkit`; no connection stays open to it. */
async function makeTemplate(cluster: PgCluster): Promise<void> {
  cluster.sql(`CREATE DATABASE ${PG_TEMPLATE}`);
  const client = await connectClient({ url: cluster.url(PG_TEMPLATE) });
  try {
    await migrate(client, 'taskkit');
  } finally {
    await client.end();
  }
}

/** FILE_COPY (PostgreSQL 15+): a copy of the files and a checkpoint, faster than WAL_LOG here. */
let strategy: string | null = null;

function copyStrategy(): string {
  if (strategy === null) {
    const version = spawnSync(join(BIN ?? '', 'postgres'), ['--version'], { encoding: 'utf8' }).stdout;
    const major = Number(/(\d+)(?:\.\d+)?/.exec(version)?.[1] ?? 0);
    strategy = major >= 15 ? ' STRATEGY FILE_COPY' : '';
  }
  return strategy;
}

/** CREATE DATABASE copies of one template must not overlap (the template may have no other user). */
let creating: Promise<unknown> = Promise.resolve();

function createDatabase(cluster: PgCluster, options: { name?: string; empty?: boolean } = {}): Promise<string> {
  sequence += 1;
  const name = options.name ?? `t_${process.pid}_${sequence}`;
  const template = options.empty === true ? 'template0' : PG_TEMPLATE;
  const made = creating.then(() =>
    runAsync(cluster, `CREATE DATABASE ${name} TEMPLATE ${template}${copyStrategy()}`).then(() => name),
  );
  creating = made.catch(() => undefined);
  return made;
}

function runAsync(cluster: PgCluster, text: string): Promise<void> {
  const { cmd, args } = as(join(BIN ?? '', 'psql'), [
    ...['-h', cluster.host, '-p', String(cluster.port), '-U', 'postgres', '-d', 'postgres', '-X', '-Atqc', text],
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql -c ${text}: ${stderr}`))));
  });
}
