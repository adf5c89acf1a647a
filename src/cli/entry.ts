/**
 * What bin/taskkit requires, bundled on its own into dist/bin/taskkit.cjs (scripts/bundle.js): the
 * fast path (fast-path.ts) for `list`, `run-now NAME` and `__complete tasks`, else the full
 * commander program (main.ts), which loads only then, from dist/bin/taskkit-full.js and its chunks.
 * Nothing here may import commander, chalk or yaml (test/architecture/hot-path-imports.test.ts).
 */
import { runFastPath } from './fast-path.js';
import type { CliIo } from './io.js';

export { createProcessIo } from './io.js';
export type { CliIo } from './io.js';

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const fast = await runFastPath(argv, io);
  if (fast !== undefined) return fast;
  const full = await import('./main.js');
  return await full.runCli(argv, io);
}
