#!/usr/bin/env node
// Second half of `npm run build` (after tsc): esbuild bundles every Node entry point taskkit starts
// into dist/bin/ (issue 20.3, issue 14.7). A fresh process then reads a few files instead of ~100
// modules of dist/ and node_modules, so a verb starts close to `node -e 0`.
//   taskkit.js       what bin/taskkit imports: the CLI, and the daemon (`start --foreground`)
//   load-child.js    the daemon's isolated tasks-file loader (daemon/load-isolated.ts forks it)
//   module-worker.js the worker thread of a `module:` task (runner/module.ts)
// Code splitting keeps what a verb imports lazily (yaml, the engine, better-sqlite3's wrapper, chalk)
// in chunks loaded only when that verb runs. All outputs sit in one folder at the depth of dist/cli/,
// so runner/worker-script.ts finds the worker beside its caller and `../../package.json` and
// `../../bin/taskkit` resolve as they do from dist/. better-sqlite3 stays external (a native addon).
// dist/bin/meta.json lists every input of the bundle: test/architecture/hot-path-imports.test.ts
// proves from it that cron-parser and luxon are not inside.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = `${root}dist/bin`;
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    taskkit: 'src/cli/main.ts',
    'load-child': 'src/daemon/load-child.ts',
    'module-worker': 'src/runner/module-worker.ts',
  },
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.11',
  external: ['better-sqlite3'],
  // CommonJS dependencies (commander, yaml) call require(); an ES module has none of its own.
  banner: {
    js: [
      "import { createRequire as __taskkitRequire } from 'node:module';",
      'const require = __taskkitRequire(import.meta.url);',
    ].join('\n'),
  },
  preserveSymlinks: true,
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(`${outdir}/meta.json`, JSON.stringify({ inputs: Object.keys(result.metafile.inputs).sort() }, null, 1));
