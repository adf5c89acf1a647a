/**
 * Issue 20.3: the fast path of bin/taskkit (dist/bin/taskkit.cjs, src/cli/entry.ts) is one file that
 * loads neither commander, nor yaml, nor chalk (only for colour, as everywhere): proven from the
 * bundle's metafile (scripts/bundle.js writes it into dist/bin/meta.json) and on a real process.
 *
 * Issue 14.8: taskkit owns the cron grammar, so cron-parser, and luxon which only it brings in,
 * are never loaded by taskkit itself: not by the daemon computing and firing cron instants, not
 * by `taskkit next` or `validate`. Proven on real processes: test/fixtures/module-log/register.mjs
 * logs every ESM and CommonJS module a process loads. cron-parser stays a dependency as the
 * differential oracle of test/schedule (CONTRIBUTING.md, "Dependencies").
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { cliEnv, collect, killAll, runTaskkit, spawnTaskkit, waitForOutput } from '../support/cli-process.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const REGISTER = pathToFileURL(fileURLToPath(new URL('../fixtures/module-log/register.mjs', import.meta.url))).href;
const FOREIGN = /[/\\]node_modules[/\\](luxon|cron-parser)[/\\]/;
const dir = mkdtempSync(join(tmpdir(), 'taskkit-imports-'));
let logs = 0;

afterEach(() => killAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh module log and the environment that fills it. */
function logged(): { env: NodeJS.ProcessEnv; modules: () => string[] } {
  const log = join(dir, `modules-${++logs}.log`);
  const env = cliEnv({ NODE_OPTIONS: `--import ${REGISTER}`, TASKKIT_TEST_MODULE_LOG: log });
  return {
    env,
    modules: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line !== '')
        : [],
  };
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : [],
  );
}

describe('no source file imports cron-parser or luxon', () => {
  test('src/**/*.ts', () => {
    const importing = sourceFiles(SRC).filter((file) =>
      /from '(cron-parser|luxon)'|import\('(cron-parser|luxon)'\)/.test(readFileSync(file, 'utf8')),
    );
    expect(importing).toEqual([]);
  });
});

describe('the bundle of bin/taskkit (scripts/bundle.js) holds neither', () => {
  test('dist/bin/meta.json: every input esbuild put in it', () => {
    const meta = fileURLToPath(new URL('../../dist/bin/meta.json', import.meta.url));
    const { inputs } = JSON.parse(readFileSync(meta, 'utf8')) as { inputs: string[] };
    expect(inputs.some((input) => input.startsWith('src/daemon/'))).toBe(true);
    expect(inputs.filter((input) => /(^|[/\\])node_modules[/\\](luxon|cron-parser)[/\\]/.test(input))).toEqual([]);
  });
});

describe('the fast path of bin/taskkit (src/cli/entry.ts, scripts/bundle.js)', () => {
  const meta = (): { fastPath: { inputs: string[]; imports: { path: string; kind: string }[] } } =>
    JSON.parse(readFileSync(fileURLToPath(new URL('../../dist/bin/meta.json', import.meta.url)), 'utf8')) as {
      fastPath: { inputs: string[]; imports: { path: string; kind: string }[] };
    };

  test('dist/bin/taskkit.cjs: its own code only, no package inside', () => {
    const { inputs } = meta().fastPath;
    expect(inputs).toContain('src/cli/fast-path.ts');
    // A part is a stub that requires its own file (scripts/bundle.js FAST_PATH_PARTS).
    expect(inputs.filter((input) => !input.startsWith('src/'))).toEqual([
      'fast-path-part:taskkit-socket-file',
      'fast-path-part:taskkit-task-list',
    ]);
    expect(inputs.filter((input) => /^src\/cli\/(main|commands\/)/.test(input))).toEqual([]);
  });

  test('it imports no package at start: chalk only for colour, the commander program only when declining', () => {
    const { imports } = meta().fastPath;
    expect(imports.filter((entry) => entry.kind === 'import-statement' && !entry.path.startsWith('node:'))).toEqual([]);
    const own = imports.filter((entry) => !entry.path.startsWith('node:'));
    expect(own.map((entry) => `${entry.kind} ${entry.path}`).sort()).toEqual([
      'dynamic-import ./taskkit-full.js',
      'dynamic-import chalk',
      // Required, not import()ed: Node's ES module loader would start for them (+40 ms).
      'require-call ./taskkit-socket-file.cjs',
      'require-call ./taskkit-task-list.cjs',
    ]);
  });

  test('its parts (dist/bin/taskkit-*.cjs): config/ and the table there only, no package, nothing imported', () => {
    const { fastPath, fastPathParts } = meta() as ReturnType<typeof meta> & {
      fastPathParts: Record<string, { inputs: string[]; imports: { path: string; kind: string }[] }>;
    };
    expect(Object.keys(fastPathParts).sort()).toEqual(['taskkit-socket-file', 'taskkit-task-list']);
    // A start given the socket compiles neither config/ nor the table.
    const elsewhere =
      /^src\/config\/(plain-settings|settings|key-table)\.ts$|^src\/cli\/format\/(task-list|table|time)\.ts$/;
    expect(fastPath.inputs.filter((input) => elsewhere.test(input))).toEqual([]);
    expect(fastPathParts['taskkit-socket-file']?.inputs).toContain('src/config/plain-settings.ts');
    // settings.ts's ical.js (200 kB) stubbed: no plain settings block names a calendar file (scripts/bundle.js).
    expect(fastPathParts['taskkit-socket-file']?.inputs).toContain('fast-path-stub:ical.js');
    expect(fastPathParts['taskkit-task-list']?.inputs).toContain('src/cli/format/task-list.ts');
    for (const part of Object.values(fastPathParts)) {
      expect(part.inputs.filter((input) => !input.startsWith('src/') && input !== 'fast-path-stub:ical.js')).toEqual(
        [],
      );
      expect(part.inputs.filter((input) => /^src\/cli\/(main|commands\/|fast-path)/.test(input))).toEqual([]);
      expect(part.imports.filter((entry) => !entry.path.startsWith('node:'))).toEqual([]);
    }
  });

  test('a real `taskkit list`: bin/taskkit and dist/bin/taskkit.cjs, no other own file, no package', async () => {
    const { env, modules } = logged();
    const list = await runTaskkit(['list', '--socket', join(dir, 'none.sock')], { cwd: dir, env });
    expect(list.code).toBe(3);
    const own = modules().filter((line) => !/^(esm|cjs) (node:)?[a-z_/]+$/.test(line));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    // The probe sees the CommonJS main twice: resolved as the entry (esm) and loaded by Module._load (cjs).
    const files = new Set(own.map((line) => line.replace(/^(esm|cjs) (file:\/\/)?/, '').replace(root, '')));
    expect([...files]).toEqual(['bin/taskkit', 'dist/bin/taskkit.cjs']);
  });
  test('a real `taskkit list` finding its socket in the tasks file: the part required, no ES module', async () => {
    const { env, modules } = logged();
    const file = join(dir, 'plain.yaml');
    writeFileSync(file, `settings:\n  socket: ${join(dir, 'none.sock')}\ntasks:\n  a:\n    run: "true"\n`);
    const list = await runTaskkit(['list', '--config', file], { cwd: dir, env });
    expect(list.code).toBe(3);
    expect(list.stderr).toContain(join(dir, 'none.sock'));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const own = modules()
      .filter((line) => !/^(esm|cjs) (node:)?[a-z_/]+$/.test(line))
      .map((line) => line.replace(root, '').replace('file://', ''));
    expect(own.filter((line) => !line.endsWith('bin/taskkit'))).toEqual([
      'cjs dist/bin/taskkit.cjs',
      'cjs dist/bin/taskkit-socket-file.cjs',
    ]);
  });
});

describe('real processes never load them', () => {
  test('the probe sees luxon when a process does load cron-parser', async () => {
    const { env, modules } = logged();
    const child = spawn(process.execPath, ['--input-type=module', '-e', "await import('cron-parser')"], {
      cwd: SRC,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const probe = await collect(child, 15_000);
    expect(probe.code).toBe(0);
    expect(
      modules()
        .filter((line) => FOREIGN.test(line))
        .some((line) => line.includes('luxon')),
    ).toBe(true);
  });

  test('taskkit next --cron and taskkit validate', async () => {
    const { env, modules } = logged();
    const next = await runTaskkit(['next', '--cron', '0 6 * * 0,7', '-n', '3', '--from', '2026-01-01T00:00'], {
      cwd: dir,
      env,
    });
    expect(next.stderr).toBe('');
    expect(next.stdout).toContain('2026-01-04 06:00:00');
    const file = join(dir, 'validate.yaml');
    writeFileSync(
      file,
      'tasks:\n  weekend:\n    cron: "0 22 * * fri-sun"\n    run: "true"\n  paydays:\n    cron: ' +
        '"0 9 15W,LW * *"\n    run: "true"\n',
    );
    const validated = await runTaskkit(['validate', file], { cwd: dir, env });
    expect(validated.code).toBe(0);
    expect(modules().length).toBeGreaterThan(20);
    expect(modules().filter((line) => FOREIGN.test(line))).toEqual([]);
  });

  test('the daemon, firing a cron task every second and answering next', async () => {
    const { env, modules } = logged();
    const file = join(dir, 'daemon.yaml');
    const state = join(dir, 'state');
    writeFileSync(
      file,
      `settings:\n  state-dir: ${state}\ntasks:\n  tick:\n    cron: "*/1,0 * * * * *"\n    run: "true"\n`,
    );
    const daemon = spawnTaskkit(['start', '--foreground', '--config', file], { cwd: dir, env });
    await waitForOutput(daemon, /tick #2 succeeded/, 20_000);
    const next = await runTaskkit(['next', 'tick', '-n', '2', '--config', file], { cwd: dir, env });
    expect(next.code).toBe(0);
    if (daemon.pid !== undefined) process.kill(daemon.pid, 'SIGTERM');
    await collect(daemon, 10_000);
    // The probe saw the daemon's own code: the bundle's chunks (scripts/bundle.js), not one file a module.
    expect(modules().some((line) => line.includes('/dist/bin/chunk-'))).toBe(true);
    expect(modules().filter((line) => FOREIGN.test(line))).toEqual([]);
  });
});
