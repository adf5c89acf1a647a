/**
 * `taskkit run-now NAME --make [--wait | --dry-run]` (cs.taskqueue's make): the daemon runs NAME's
 * after-all prerequisites first, each once, in order, then NAME (control method `make`). Here: the
 * words. `--wait` streams every step's output to stdout, a line per step on stderr, and exits with
 * the first failure's exit code; `--dry-run` prints the order.
 */
import type { MakeView } from '../control/protocol.js';
import type { RunView } from '../control/views.js';
import type { GlobalOptions } from './context.js';
import { connectDaemon, withDaemon } from './connect.js';
import { streamDetachable } from './detachable-stream.js';
import { decodeOutputEvent } from '../control/protocol.js';
import { printError, printJson, printLine, writeOutput, type CliIo } from './io.js';

/** `--make` alone and `--make --dry-run`: the exit code. */
export async function runMake(io: CliIo, globals: GlobalOptions, name: string, dryRun: boolean): Promise<number> {
  const view = await withDaemon(io, globals, (client) => client.request('make', { name, dryRun }));
  if (globals.json === true) {
    printJson(io, view);
    return view.runs.some((run) => run.status === 'skipped') ? 1 : 0;
  }
  if (view.alone) printError(io, aloneNote(name));
  if (dryRun) {
    printLine(io, `make ${name}: ${view.order.length === 1 ? '1 step' : `${view.order.length} steps`}`);
    view.order.forEach((step, index) => printLine(io, `  ${index + 1}. ${step}`));
    return 0;
  }
  const { describeTriggered } = await import('./format/run.js');
  const first = view.runs[0] as RunView;
  const line = `make ${name}: ${view.order.join(', ')}; ${describeTriggered(first)}`;
  if (first.status === 'skipped') {
    printError(io, `taskkit: ${line}`);
    return 1;
  }
  printLine(io, line);
  return 0;
}

/** `--make --wait`: each step streams; the exit code is the first failure's (0 when every step succeeded). */
export async function runMakeAndWait(io: CliIo, globals: GlobalOptions, name: string): Promise<number> {
  const client = await connectDaemon(io, globals);
  const json = globals.json === true;
  const { describeFinished, describeRetrying } = await import('./format/run.js');
  let current: RunView | null = null;
  const streamed = await streamDetachable(io, client, 'make', { name, wait: true }, (event) => {
    if (event.event === 'started') {
      const run = event.data.run;
      if (!json && current?.task !== run.task) printError(io, `taskkit: make ${name}: ${run.task} #${run.id} started`);
      current = run;
    } else if (event.event === 'output') {
      if (!json) return writeOutput(io, decodeOutputEvent(event.data));
    } else if (!json) printError(io, `taskkit: ${describeRetrying(event.data)}`);
    return undefined;
  });
  if (streamed.detached) {
    const what =
      current === null ? `the make chain of ${name}` : `the make chain of ${name} (at ${describeAt(current)})`;
    printError(io, `taskkit: detached; ${what} goes on in the daemon ("taskkit list" to see it)`);
    return 130;
  }
  const view: MakeView = streamed.result;
  const { order } = view;
  const { exitCodeOfRun } = await import('./run-exit-code.js');
  if (json) printJson(io, view);
  else if (view.alone) printError(io, aloneNote(name));
  if (view.failed !== null) {
    const notRun = view.runs.filter((run) => run.status === 'skipped' && run.skipReason === 'prerequisite-failed');
    if (!json) {
      const rest = notRun.length === 0 ? '' : `; not run: ${notRun.map((run) => run.task).join(', ')}`;
      printError(io, `taskkit: make ${name}: ${describeFinished(view.failed)}${rest}`);
    }
    return exitCodeOfRun(view.failed);
  }
  if (view.error !== null) {
    if (!json) printError(io, `taskkit: make ${name}: ${view.error}`);
    return 1;
  }
  if (!json)
    printError(io, `taskkit: make ${name}: ${order.length === 1 ? '1 step' : `${order.length} steps`} succeeded`);
  return 0;
}

function describeAt(run: RunView): string {
  return `${run.task} #${run.id}`;
}

function aloneNote(name: string): string {
  return `taskkit: ${name} has no after-all prerequisites; --make runs it alone`;
}
