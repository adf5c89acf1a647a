// A throwaway PostgreSQL cluster for the cluster scenario (../shared/CLUSTER.md section 11): initdb
// into a temporary directory, a server on a Unix socket there only (no TCP), databases migrated by
// taskkit's own migrations, and a stop by data directory that removes it all. The tests have their
// own (test/support/pg-cluster.ts, TypeScript); the bench runs plain JavaScript against dist/.
// Unlike the tests' cluster, this one keeps fsync and synchronous_commit on: claims are measured as
// a production server commits them (the bar of CLUSTER.md section 12 was measured so).
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isRoot = process.getuid?.() === 0;

function findBinDir() {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = fromConfig.status === 0 ? fromConfig.stdout.trim() : '';
  if (dir !== '' && existsSync(join(dir, 'pg_ctl'))) return dir;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'pg_ctl')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return versions.length === 0 ? null : join(root, versions[versions.length - 1], 'bin');
}

const BIN = findBinDir();

/** Why there is no PostgreSQL to measure here, or null. */
export function pgUnavailable() {
  if (BIN === null)
    return 'PostgreSQL is not installed (no pg_ctl under pg_config --bindir or /usr/lib/postgresql/*/bin)';
  if (isRoot && spawnSync('id', ['-u', 'postgres']).status !== 0)
    return 'running as root and there is no postgres user';
  return null;
}

function run(bin, args) {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args]] : [join(BIN, bin), args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** initdb + start; `stop()` removes everything (also called on exit). */
export function startPg() {
  const reason = pgUnavailable();
  if (reason !== null) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'tk-bench-pg-'));
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = 20_000 + Math.floor(Math.random() * 40_000);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(data, 'postmaster.pid'))) {
      const args = ['-D', data, '-w', '-m', 'fast', 'stop'];
      const [cmd, argv] = isRoot
        ? ['runuser', ['-u', 'postgres', '--', join(BIN, 'pg_ctl'), ...args]]
        : [join(BIN, 'pg_ctl'), args];
      spawnSync(cmd, argv, { stdio: 'ignore', timeout: 30_000 });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-k ${dir} -c listen_addresses='' -p ${port}`,
      'start',
    ]);
  } catch (error) {
    stop();
    throw error;
  }
  const sql = (text, db = 'postgres') =>
    run('psql', ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', db, '-X', '-Atqc', text]).trim();
  return {
    dir,
    port,
    url: (db) => `postgres:///${db}?host=${encodeURIComponent(dir)}&port=${port}&user=postgres`,
    /** A new database with taskkit's cluster schema (`taskkit`), migrated by dist/store/postgres. */
    async createDatabase(name) {
      sql(`CREATE DATABASE ${name}`);
      const { default: pg } = await import('pg');
      const { migrate } = await import('../dist/store/postgres/migrations.js');
      const client = new pg.Client({ connectionString: this.url(name) });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await migrate(client, 'taskkit');
      } finally {
        await client.end();
      }
      return name;
    },
    sql,
    stop,
  };
}
