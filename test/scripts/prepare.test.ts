/**
 * scripts/prepare.js (npm's `prepare`, issue 18.6) chooses its build by what npm is doing: the full
 * `npm run build` into a clean dist/ when a package is made (npm pack or publish, pacote packing
 * this directory for a git dependency), the JavaScript only (scripts/transpile.js) for a checkout's
 * own install; without devDependencies it keeps a built dist/ or fails saying to run `npm ci`.
 * Run in a temporary tree whose build steps only leave a mark, so each choice shows.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';

const PREPARE = fileURLToPath(new URL('../../scripts/prepare.js', import.meta.url));

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** A tree with prepare.js, a stale dist/ file, and build steps that write dist/<name>.mark. */
function tree(options: { buildTools: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'taskkit-prepare-'));
  trees.push(root);
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'stale.js'), '');
  copyFileSync(PREPARE, join(root, 'scripts', 'prepare.js'));
  const mark = (name: string): string =>
    [
      "import { mkdirSync, writeFileSync } from 'node:fs';",
      "mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });",
      `writeFileSync(new URL('../dist/${name}.mark', import.meta.url), '');`,
    ].join('\n');
  writeFileSync(join(root, 'scripts', 'transpile.js'), mark('transpile'));
  writeFileSync(join(root, 'scripts', 'full-build.js'), mark('full-build'));
  // Stands in for the npm running prepare (npm_execpath): `run build` runs the full build.
  const client = "if (process.argv.slice(2).join(' ') === 'run build') await import('./full-build.js');\n";
  writeFileSync(join(root, 'scripts', 'npm-cli.js'), client);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  if (options.buildTools) {
    for (const [dir, file] of [
      ['node_modules/esbuild', 'index.js'],
      ['node_modules/typescript/bin', 'tsc'],
    ] as const) {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, file), '');
    }
    writeFileSync(join(root, 'node_modules/esbuild/package.json'), '{"name":"esbuild","main":"index.js"}');
    writeFileSync(join(root, 'node_modules/typescript/package.json'), '{"name":"typescript"}');
  }
  return root;
}

function prepare(root: string, env: Record<string, string>): { status: number | null; stderr: string; dist: string[] } {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'prepare.js')], {
    cwd: root,
    env: { ...inherited, npm_execpath: join(root, 'scripts', 'npm-cli.js'), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const dist = existsSync(join(root, 'dist')) ? readdirSync(join(root, 'dist')).sort() : [];
  return { status: result.status, stderr: result.stderr, dist };
}

test.each([
  ['npm ci in a checkout', { npm_command: 'ci' }],
  ['npm install in a checkout (npm install -g . links it)', { npm_command: 'install', npm_package_resolved: 'null' }],
])('%s: the JavaScript only, dist/ kept', (_, env) => {
  expect(prepare(tree({ buildTools: true }), env)).toEqual({
    status: 0,
    stderr: '',
    dist: ['stale.js', 'transpile.mark'],
  });
});

test.each(['pack', 'publish'])('npm %s: the full build into a clean dist/', (command) => {
  const result = prepare(tree({ buildTools: true }), { npm_command: command });
  expect([result.status, result.dist]).toEqual([0, ['full-build.mark']]);
});

test('pacote packing this directory (a git dependency): the full build', () => {
  const root = tree({ buildTools: true });
  const result = prepare(root, { npm_command: 'install', npm_package_resolved: root });
  expect([result.status, result.dist]).toEqual([0, ['full-build.mark']]);
});

test('no devDependencies and no dist/bin/taskkit.cjs: fails naming npm ci', () => {
  const result = prepare(tree({ buildTools: false }), { npm_command: 'install' });
  expect(result).toEqual({
    status: 1,
    stderr:
      'taskkit: prepare: cannot build dist/: devDependencies (typescript, esbuild) are not installed;\n' +
      '  run "npm ci" in the checkout first (it installs them and builds dist/)\n',
    dist: ['stale.js'],
  });
});

test('no devDependencies but a built dist/: kept, the install goes on', () => {
  const root = tree({ buildTools: false });
  mkdirSync(join(root, 'dist', 'bin'));
  writeFileSync(join(root, 'dist', 'bin', 'taskkit.cjs'), '');
  expect(prepare(root, { npm_command: 'install' })).toEqual({
    status: 0,
    stderr: 'taskkit: prepare: devDependencies not installed; keeping the dist/ already built\n',
    dist: ['bin', 'stale.js'],
  });
});
