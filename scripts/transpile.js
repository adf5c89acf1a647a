#!/usr/bin/env node
// `npm run build:test` (the `pretest` of `npm test`): the JavaScript of `npm run build` without its
// type check and declarations. esbuild transpiles each file of src/ to dist/ on its own (no
// bundling: dist/ keeps one module per source, as tsc emits it), then scripts/bundle.js bundles as
// in `npm run build`. Tests run dist/ JavaScript, never its .d.ts; types are checked by
// `npm run check` (CI runs it before the tests). tsc emit took ~6 s of an idle 2-core machine,
// this takes well under one (CONTRIBUTING "Build").
// Safe because the sources use nothing whose output needs the type checker: no enums, no
// namespaces, no decorators, `verbatimModuleSyntax` (type-only imports say so) and per-file
// `isolatedModules`-style code; esbuild reads tsconfig.json for target, class fields and imports.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Every .ts under src/, relative to the root (tsconfig.build.json: `"include": ["src"]`). */
function sources(dir) {
  return readdirSync(`${root}${dir}`, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

await build({
  absWorkingDir: root,
  entryPoints: sources('src'),
  outbase: 'src',
  outdir: `${root}dist`,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  tsconfig: `${root}tsconfig.build.json`,
  sourcemap: true,
  logLevel: 'warning',
});
await import('./bundle.js');
