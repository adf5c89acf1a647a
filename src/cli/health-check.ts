/**
 * `taskkit status --check` (issue 16.6): a monitoring plugin. One line on stdout (or the same as
 * JSON with --json) and the plugin exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (no daemon,
 * or any other fault: a check that cannot tell must never look OK).
 */
import { HEALTH_EXIT_CODES } from '../control/health.js';
import { TaskkitError } from '../errors.js';
import { withDaemon } from './connect.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { printJson, printLine, readNow } from './io.js';

export interface CheckOptions {
  /** Names to leave out (repeatable). */
  readonly ignore?: readonly string[];
  /** Held tasks are OK, not a WARNING. */
  readonly heldOk?: boolean;
}

export async function runHealthCheck(
  context: CommandContext,
  options: CheckOptions,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const { renderHealthLine, renderUnknownLine } = await import('./format/health.js');
  const params = {
    ...(options.ignore === undefined || options.ignore.length === 0 ? {} : { ignore: [...options.ignore] }),
    ...(options.heldOk === true ? { heldOk: true } : {}),
  };
  try {
    const view = await withDaemon(io, globals, (client) => client.request('check', params));
    context.exitCode = HEALTH_EXIT_CODES[view.state];
    const line = renderHealthLine(view, readNow(io));
    if (globals.json === true) return printJson(io, { ...view, exitCode: context.exitCode, line });
    printLine(io, line);
  } catch (error) {
    const reason = error instanceof TaskkitError ? error.message : `internal error: ${String(error)}`;
    context.exitCode = HEALTH_EXIT_CODES.UNKNOWN;
    const line = renderUnknownLine(reason);
    if (globals.json === true) {
      return printJson(io, { state: 'UNKNOWN', exitCode: context.exitCode, line, error: reason });
    }
    printLine(io, line);
  }
}
