#!/usr/bin/env node
// npm's `prepare` (issue 18.6): build dist/ wherever npm installs taskkit from its sources, so
// bin/taskkit never meets a checkout without it. npm runs `prepare` after `npm install` and
// `npm ci` in a checkout (CI included), for `npm install -g .` and `npm link`, while packing a git
// dependency, and before `npm pack` and `npm publish`; never for an install from a tarball or the
// registry, which carries the dist/ packed here (CONTRIBUTING "Build").
//   - making a package (npm pack, npm publish, a git dependency being packed): the full build,
//     `npm run build` (tsc: the library's declarations) into a clean dist/, so nothing stale or
//     only transpiled is packed;
//   - a checkout's own install: the JavaScript only, scripts/transpile.js (esbuild, under a second
//     where tsc takes 12-40 s), which is all the CLI and the daemon run; `npm test` rebuilds the
//     same way and `npm run build` adds the declarations.
//   - devDependencies not installed (`npm install --omit=dev` in a checkout): a dist/ already built
//     is kept; without one the install fails saying what to run.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);
const env = process.env;
// npm_command is the npm command that runs this script. When pacote runs `prepare` to pack a
// directory (a git dependency's clone, npm pack), npm_package_resolved is that directory; for a
// checkout's install it is unset or "null".
const packing =
  env.npm_command === 'pack' || env.npm_command === 'publish' || isThisDirectory(env.npm_package_resolved);

if (!hasBuildTools()) {
  if (!packing && existsSync(`${root}dist/bin/taskkit.cjs`)) {
    console.error('taskkit: prepare: devDependencies not installed; keeping the dist/ already built');
    process.exit(0);
  }
  console.error('taskkit: prepare: cannot build dist/: devDependencies (typescript, esbuild) are not installed;');
  console.error('  run "npm ci" in the checkout first (it installs them and builds dist/)');
  process.exit(1);
}

if (packing) {
  rmSync(`${root}dist`, { recursive: true, force: true });
  // npm_execpath: the npm (or other client) running this script, else npm from PATH.
  const [client, ...clientArgs] = env.npm_execpath ? [process.execPath, env.npm_execpath] : ['npm'];
  const build = spawnSync(client, [...clientArgs, 'run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
} else {
  await import('./transpile.js');
}

function isThisDirectory(path) {
  try {
    return path !== undefined && isAbsolute(path) && realpathSync(path) === realpathSync(root);
  } catch {
    return false;
  }
}

function hasBuildTools() {
  try {
    require.resolve('esbuild');
    require.resolve('typescript/bin/tsc');
    return true;
  } catch {
    return false;
  }
}
