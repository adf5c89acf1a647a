/** What every command handler gets: the injected I/O and the exit code it may set. */
import type { CliIo } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly version: string;
  /** Set by a handler when the verb's outcome is not success (e.g. `exec` of a failing task). */
  exitCode: number;
}

/** Options every verb accepts (declared on the program, read with optsWithGlobals()). */
export interface GlobalOptions {
  readonly config?: string;
  readonly socket?: string;
  readonly json?: boolean;
}
