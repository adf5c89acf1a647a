/**
 * In-process CLI tests against a real control server over a fake-clock engine
 * (test/support/control-fixture.ts): `runCli` with a memory io whose "now" is the engine's clock,
 * so relative times are exact.
 */
import { runCli } from '../../src/cli/main.js';
import type { ControlFixture } from '../support/control-fixture.js';
import { createMemoryIo } from '../support/memory-io.js';

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `taskkit ARGS --socket <fixture's socket>`, in-process. */
export async function runAgainst(
  fixture: ControlFixture,
  args: readonly string[],
  options: { isTTY?: boolean } = {},
): Promise<CliOutcome> {
  const io = {
    ...createMemoryIo({ env: { PATH: process.env['PATH'], HOME: '/home/tester' }, isTTY: options.isTTY ?? false }),
    now: () => fixture.clock.now(),
  };
  const code = await runCli([...args, '--socket', fixture.socket], io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}
