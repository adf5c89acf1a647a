/** `make`'s result (control/protocol.ts, ControlMethods.make); its own file to keep protocol.ts short. */
import type { RunView } from './views.js';

/**
 * `make` (`taskkit run-now NAME --make`): NAME's after-all prerequisites first, each once, in
 * dependency order, then NAME; fail-fast (engine/make-chain.ts). With `wait`, the events of every
 * run of the chain are streamed as `run-now`'s are (each `started` names its task).
 */
export interface MakeView {
  /** The steps, in the order they run (or would, with dryRun): NAME last. */
  readonly order: readonly string[];
  /** NAME has no after-all: it runs alone (the CLI says so). */
  readonly alone: boolean;
  /** Nothing was run: the order only. */
  readonly dryRun: boolean;
  /**
   * Without wait: the first step's run as triggered. With wait: each step's last record in order (a
   * step's last attempt, or the skipped row, reason `prerequisite-failed`, of a step after the failure).
   */
  readonly runs: readonly RunView[];
  /** With wait: the step that failed the chain (its last attempt, with `output`), else null. */
  readonly failed: RunView | null;
  /** With wait: why the chain stopped without a step to blame (a task of it removed), else null. */
  readonly error: string | null;
}
