/**
 * The daemon's side of `list-table` (control/list-table.ts): `taskkit list` drawn with the CLI's own
 * code (cli/format/task-list.ts), warm in this long-lived process, so a fresh CLI process writes the
 * bytes instead of compiling and running the table code for 1,000 rows (issue 20.3).
 */
import { drawTaskList } from '../cli/format/task-list.js';
import { colourPainter, PLAIN_PAINTER, type Painter } from '../cli/io.js';
import type { TaskListDrawer } from '../control/list-table.js';

export function createTaskListDrawer(): TaskListDrawer {
  let colour: Promise<Painter> | undefined;
  return {
    // Read at each request, as cli/format/time.ts reads it at each cell.
    tz: () => process.env['TZ'] ?? null,
    draw: (rows, { color, now }) =>
      color
        ? (colour ??= colourPainter()).then((paint) => drawTaskList(rows, now, paint))
        : drawTaskList(rows, now, PLAIN_PAINTER),
  };
}
