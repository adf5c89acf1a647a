/**
 * The import graph of src/, read from the text of each file: static imports and re-exports
 * (type-only ones included) and dynamic `import('…')`. Shared by the layer and cycle tests.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

export interface SourceFile {
  readonly path: string;
  /** Path under src/, e.g. `cli/main.ts`. */
  readonly rel: string;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every .ts file under src/. */
export function listSourceFiles(): SourceFile[] {
  return listFiles(SRC).map((path) => ({ path, rel: relative(SRC, path) }));
}

/** The module specifiers `file` imports, as written. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern =
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** A relative specifier of `file` as a path under src/ (`.js` read as the `.ts` it compiles from). */
export function resolveUnderSrc(file: string, specifier: string): string {
  return relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** File -> the src/ files it imports (relative specifiers only). */
export function buildImportGraph(files: readonly SourceFile[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file.path)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveUnderSrc(file.path, specifier));
    graph.set(file.rel, [...new Set(targets)]);
  }
  return graph;
}
