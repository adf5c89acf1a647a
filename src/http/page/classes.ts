/**
 * Colours on the page are CSS classes chosen by the terminal's own colour rules: this Painter
 * returns a class name instead of painting text, so paintStatus and paintTaskState (cli/format)
 * decide green/red/grey for `list`, `history` and the page alike, and cannot drift apart.
 */
import type { RunView, TaskView } from '../../control/views.js';
import { paintStatus } from '../../cli/format/history.js';
import { paintTaskState } from '../../cli/format/task-list.js';
import type { Painter } from '../../cli/io.js';

/** green -> ok, red -> bad, yellow -> warn, cyan -> live, dim -> idle (assets.ts styles each). */
const CLASS_PAINTER: Painter = Object.freeze({
  bold: () => 'bold',
  dim: () => 'idle',
  green: () => 'ok',
  red: () => 'bad',
  yellow: () => 'warn',
  cyan: () => 'live',
});

/** A run's class by how it ended: ok, bad, warn (skipped, cancelled) or live (running, queued). */
export function runClass(run: Pick<RunView, 'status'>): string {
  return paintStatus(CLASS_PAINTER, run, '');
}

/** A task's last result: its run's class, or idle (grey) when it has not run. */
export function lastRunClass(run: RunView | null): string {
  return run === null ? 'idle' : runClass(run);
}

/** A task's state: bad when failing or overdue, else by state (as `list` paints STATE). */
export function taskStateClass(task: TaskView): string {
  return paintTaskState(CLASS_PAINTER, task, '');
}
