#!/usr/bin/env node
// Second half of `npm run build` (after tsc): esbuild bundles every Node entry point taskkit starts
// into dist/bin/ (issue 20.3, issue 14.7). A fresh process then reads a few files instead of ~100
// modules of dist/ and node_modules, so a verb starts close to `node -e 0`. Two builds:
//   taskkit.cjs      what bin/taskkit requires (src/cli/entry.ts), ONE CommonJS file without chunks: the
//                    fast path of `list`, `run-now NAME`, `__complete tasks` (src/cli/fast-path.ts), which
//                    loads no commander, yaml or chalk (packages stay external: chalk is imported for colour only);
//                    anything else imports ./taskkit-full.js, the second build, at run time. CommonJS, so
//                    that a fast verb never starts Node's ES module loader nor the ES facades of node:fs and
//                    node:net (each loads every lazy export: fs's streams): 52 -> 39 ms of CPU for
//                    `taskkit run-now` (`node -e 0`: 25 ms)
//   taskkit-*.cjs    the fast path's parts that only some starts need (FAST_PATH_PARTS below), each required
//                    when its import() runs
//   taskkit-full.js  the commander program (src/cli/main.ts), and the daemon (`start --foreground`)
//   load-child.js    the daemon's isolated tasks-file loader (daemon/load-isolated.ts forks it)
//   module-worker.js the worker thread of a `module:` task (runner/module.ts)
//   spawner.cjs      the daemon's spawner process (runner/spawner-client.ts forks it), a third build: ONE
//                    CommonJS file, so that its message listener exists before its loop first reads the
//                    channel (an ES module loads asynchronously: spawn requests that came before were lost)
// In the second build code splitting keeps what a verb imports lazily (yaml, the engine,
// better-sqlite3's wrapper, chalk) in chunks loaded only when that verb runs. All outputs sit in
// one folder at the depth of dist/cli/, so runner/worker-script.ts finds the worker beside its
// caller and `../../package.json` and `../../bin/taskkit` resolve as they do from dist/.
// better-sqlite3 stays external (a native addon).
// dist/bin/meta.json lists every input of the bundle, and of taskkit.cjs and each part alone with its imports:
// test/architecture/hot-path-imports.test.ts proves from it that cron-parser and luxon are not
// inside, and that the fast path holds no commander, yaml or chalk.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = `${root}dist/bin`;
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    'taskkit-full': 'src/cli/main.ts',
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
  // pg is an optional dependency, loaded only in cluster mode (its pg-native require is optional too).
  external: ['better-sqlite3', 'pg'],
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
// The fast entry: one file; its one way into the full program is entry.ts's import('./main.js').
const fullProgram = {
  name: 'full-program',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
      args.importer.endsWith('src/cli/entry.ts') ? { path: './taskkit-full.js', external: true } : undefined,
    );
  },
};
// settings.ts validates calendars with ical.js (statically imported by config/ics-dates.ts), which
// the fast path never runs: a `{file: x.ics}` calendar is a nested map, never a plain settings block
// (config/plain-settings.ts), and any other block is left to the full program. A stub keeps its 200 kB
// out of every start; used anyway, it throws, and hot-path-imports.test.ts checks the stub is there.
const noIcal = {
  name: 'no-ical-on-the-fast-path',
  setup(plugin) {
    plugin.onResolve({ filter: /^ical\.js$/ }, () => ({ path: 'ical.js', namespace: 'fast-path-stub' }));
    plugin.onLoad({ filter: /.*/, namespace: 'fast-path-stub' }, () => ({
      contents:
        "export default new Proxy({}, { get() { throw new Error('taskkit: ical.js is not in the fast path'); } });",
      loader: 'js',
    }));
  },
};
// Parts of the fast path that only some starts need, each its own CommonJS file beside taskkit.cjs, required
// when the import() of its source runs: a start compiles only the code it may run. Each part holds its own
// copies of what it imports (no chunks in CommonJS), so a part is one that shares no live state or class
// identity with the rest: the tasks-file route to the socket (config/, ~90 kB, catches its own errors), and
// the table the CLI draws itself when the daemon does not (`list-table`, pure formatting).
const FAST_PATH_PARTS = {
  'taskkit-socket-file': 'src/cli/socket-from-file.ts',
  'taskkit-task-list': 'src/cli/format/task-list.ts',
};
// The import() of a part becomes a require() of its file, through a stub module bundled in: an import() left to
// Node would start its ES module loader for a CommonJS file (cjs-module-lexer parses all of it): +40 ms.
const fastPathParts = {
  name: 'fast-path-parts',
  setup(plugin) {
    const byPath = new Map(Object.entries(FAST_PATH_PARTS).map(([name, path]) => [`${root}${path}`, name]));
    plugin.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.path.startsWith('.')) return undefined;
      const part = byPath.get(join(dirname(args.importer), args.path).replace(/\.js$/, '.ts'));
      return part === undefined ? undefined : { path: part, namespace: 'fast-path-part' };
    });
    plugin.onLoad({ filter: /.*/, namespace: 'fast-path-part' }, (args) => ({
      contents: `module.exports = require('./${args.path}.cjs');`,
      loader: 'js',
    }));
    plugin.onResolve({ filter: /^\.\/taskkit-[a-z-]+\.cjs$/ }, (args) => ({ path: args.path, external: true }));
  },
};
/** Both bundles are one CommonJS file each in dist/bin, for Node 20.11. */
const commonJsBundle = {
  absWorkingDir: root,
  outdir,
  entryNames: '[name]',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  // import() of the full program, of the parts and of chalk stays import() (CommonJS has it), resolved from this file.
  format: 'cjs',
  platform: 'node',
  target: 'node20.11',
  // Packages stay imports: the fast path's one is dynamic (chalk, for colour), resolved from
  // node_modules only if it runs; a static one fails hot-path-imports.test.ts.
  packages: 'external',
  preserveSymlinks: true,
  metafile: true,
  logLevel: 'warning',
};
const fast = await build({
  ...commonJsBundle,
  entryPoints: { taskkit: 'src/cli/entry.ts', ...FAST_PATH_PARTS },
  plugins: [fullProgram, fastPathParts, noIcal],
});
const spawner = await build({ ...commonJsBundle, entryPoints: { spawner: 'src/runner/spawner-main.ts' } });
const describeOutput = (output) => ({
  inputs: Object.keys(output.inputs).sort(),
  imports: output.imports.map(({ path, kind, external }) => ({ path, kind, external: external === true })),
});
writeFileSync(
  `${outdir}/meta.json`,
  JSON.stringify(
    {
      inputs: [...new Set([result, fast, spawner].flatMap((built) => Object.keys(built.metafile.inputs)))].sort(),
      fastPath: describeOutput(fast.metafile.outputs['dist/bin/taskkit.cjs']),
      fastPathParts: Object.fromEntries(
        Object.keys(FAST_PATH_PARTS).map((name) => [
          name,
          describeOutput(fast.metafile.outputs[`dist/bin/${name}.cjs`]),
        ]),
      ),
    },
    null,
    1,
  ),
);
