/** Where a worker thread's (or helper process's) entry script is, from the module that starts it. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled entry `name` (e.g. "module-worker") beside `fromUrl`. Under vitest the caller runs
 * from src/ as .ts, and a Worker cannot load the .ts sibling, so use the build at the same place
 * under dist/ (`npm test` builds first).
 */
export function resolveWorkerScript(fromUrl: string, name: string): URL {
  if (!existsSync(fileURLToPath(new URL(`./${name}.ts`, fromUrl)))) return new URL(`./${name}.js`, fromUrl);
  const srcDir = fileURLToPath(new URL('../', import.meta.url)).replace(/\/$/, '');
  const own = fileURLToPath(new URL(`./${name}.ts`, fromUrl));
  const relative = own.slice(srcDir.length + 1).replace(/\.ts$/, '.js');
  return new URL(`../../dist/${relative}`, import.meta.url);
}
