/**
 * Issue 18 point 6, "works as installed": the package as `npm pack` makes it, installed as a user
 * installs it (`npm install -g ./taskkit-*.tgz`) into a temporary prefix, then run from there.
 * - `npm pack` runs in a copy of the checkout's sources (node_modules linked), so `prepare`'s full
 *   build (tsc, into a clean dist/) happens there and never touches the dist/ other suites run;
 * - the tarball holds dist/ with its declarations, bin, man and schema, and no src/ or test/;
 * - the install runs every install script. better-sqlite3's (prebuild-install, else a compile)
 *   gets this checkout's own better_sqlite3.node as a local prebuilt binary, the file a download
 *   of a matching one would give (this machine reaches no download host): a compile from source
 *   takes about a minute of a core (README "Install"). With `npm run test:faults -- --long` the
 *   install compiles it, as a machine without a matching prebuilt binary does;
 * - PREFIX/bin/taskkit --version prints the version; `man` finds taskkit(1) through
 *   MANPATH=PREFIX/share/man and renders it; the installed taskkit starts a daemon (better-sqlite3
 *   loads: its history database), answers `status` and stops.
 * Minutes, not seconds (a tsc build and an npm install): this tier, not `npm test`'s.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, test } from 'vitest';
import { cleanUpDaemons, makeDaemonDir } from '../e2e/_daemon.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const FROM_SOURCE = process.env['TASKKIT_FAULTS_LONG'] === '1';
/** What `npm pack` reads: package.json's `files`, what `prepare` builds from, and the README. */
const SOURCES = [
  'package.json',
  'README.md',
  'bin',
  'man',
  'schema',
  'scripts',
  'src',
  'tsconfig.json',
  'tsconfig.build.json',
];

const figures: string[] = [];
afterEach(cleanUpDaemons);
afterAll(() => console.log(`[faults] install: ${figures.length === 0 ? 'not run' : figures.join('; ')}`));

/** The environment of a user's shell: npm's own variables of the `npm run` that started vitest left out. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, NO_COLOR: '1', ...extra };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 540_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

function timed<T>(what: string, action: () => T): T {
  const start = Date.now();
  const result = action();
  figures.push(`${what} ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

/** A folder holding this checkout's better_sqlite3.node under the name prebuild-install looks for. */
function localPrebuilt(dir: string): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('better-sqlite3/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const stage = join(dir, 'stage');
  mkdirSync(join(stage, 'build', 'Release'), { recursive: true });
  cpSync(
    join(packageJson, '..', 'build', 'Release', 'better_sqlite3.node'),
    join(stage, 'build/Release/better_sqlite3.node'),
  );
  // prebuild-install's name for it (glibc Linux: no libc part).
  const target = `node-v${process.versions.modules}-${process.platform}-${process.arch}`;
  const name = `better-sqlite3-v${version}-${target}.tar.gz`;
  run('tar', ['-czf', join(dir, name), '-C', stage, 'build'], dir, userEnv());
  return dir;
}

test(
  'npm pack, then npm install -g of the tarball into a prefix: taskkit --version, man taskkit, a daemon',
  { timeout: 600_000 },
  () => {
    const work = makeDaemonDir().dir;
    const checkout = join(work, 'checkout');
    for (const source of SOURCES) cpSync(join(ROOT, source), join(checkout, source), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));

    timed('npm pack (prepare: tsc build)', () => run('npm', ['pack', '--pack-destination', work], checkout, userEnv()));
    // Not `--json`: prepare's build writes to the same standard output.
    const filename = `taskkit-${VERSION}.tgz`;
    expect(readdirSync(work).filter((name) => name.endsWith('.tgz'))).toEqual([filename]);
    const entries = run('tar', ['-tzf', join(work, filename)], work, userEnv()).stdout.split('\n');
    for (const entry of ['bin/taskkit', 'dist/bin/taskkit.cjs', 'dist/index.js', 'dist/index.d.ts', 'man/taskkit.1']) {
      expect(entries).toContain(`package/${entry}`);
    }
    expect(entries.filter((entry) => /^package\/(src|test|node_modules)\//.test(entry))).toEqual([]);

    const prefix = join(work, 'prefix');
    const prebuilt: Record<string, string> = FROM_SOURCE
      ? {}
      : { npm_config_better_sqlite3_local_prebuilds: localPrebuilt(join(work, 'prebuilt')) };
    const installArgs = [
      'install',
      '-g',
      `./${filename}`,
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ];
    timed(`npm install -g (better-sqlite3 ${FROM_SOURCE ? 'compiled' : 'prebuilt'})`, () =>
      run('npm', installArgs, work, userEnv(prebuilt)),
    );
    const native = join(prefix, 'lib', 'node_modules', 'taskkit', 'node_modules', 'better-sqlite3', 'build');
    // A compile leaves its object files beside the addon; the prebuilt tarball has the addon alone.
    expect([
      existsSync(join(native, 'Release', 'better_sqlite3.node')),
      existsSync(join(native, 'Release', 'obj.target')),
    ]).toEqual([true, FROM_SOURCE]);

    const taskkit = join(prefix, 'bin', 'taskkit');
    expect(run(taskkit, ['--version'], work, userEnv()).stdout).toBe(`${VERSION}\n`);

    const page = join(prefix, 'share', 'man', 'man1', 'taskkit.1');
    expect(readFileSync(page, 'utf8')).toBe(readFileSync(join(ROOT, 'man', 'taskkit.1'), 'utf8'));
    if (spawnSync('man', ['--version']).status === 0) {
      const manEnv = userEnv({ MANPATH: join(prefix, 'share', 'man'), MANPAGER: 'cat', MANWIDTH: '100' });
      // man -w names the file the link in share/man points to, the package's own page.
      expect(run('man', ['-w', 'taskkit'], work, manEnv).stdout).toBe(`${realpathSync(page)}\n`);
      expect(run('man', ['-l', page], work, manEnv).stdout).toMatch(/^NAME\n\s+taskkit - /m);
    } else {
      figures.push('man not installed: rendering not checked');
    }

    const d = makeDaemonDir();
    writeFileSync(
      join(d.dir, 'tasks.yaml'),
      ['settings:', '  state-dir: ./state', 'tasks:', '  tick:', '    every: 1h', '    run: "true"', ''].join('\n'),
    );
    const started = run(taskkit, ['start'], d.dir, userEnv());
    const pid = Number(/taskkit started \(pid (\d+),/.exec(started.stdout)?.[1]);
    d.track(pid);
    const status = JSON.parse(run(taskkit, ['status', '--json'], d.dir, userEnv()).stdout) as { pid: number };
    expect(status.pid).toBe(pid);
    expect(existsSync(join(d.stateDir, 'taskkit.db'))).toBe(true);
    expect(run(taskkit, ['stop'], d.dir, userEnv()).stdout).toBe(`taskkit stopped (pid ${pid})\n`);
  },
);
