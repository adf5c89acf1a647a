/**
 * `list-table` (issue 20.3): `taskkit list` drawn by the daemon, whose table code is warm, so that
 * the CLI only connects, asks and writes the bytes (a fresh process spent 24-36 ms drawing 1,000
 * rows in code not yet compiled, and 8-12 ms parsing them). The drawing is the CLI's own
 * (cli/format/task-list.ts drawTaskList), given by the daemon (daemon/list-table.ts): this layer
 * formats nothing. The client says what its own drawing would depend on: colour (its TTY,
 * NO_COLOR, FORCE_COLOR), its now, and its $TZ (local times and which zone names a cell shows). A
 * daemon in another $TZ answers `table: null` and the client draws `list-rows` itself; a daemon
 * older than the method answers BAD_REQUEST, the same (cli/daemon-verbs.ts).
 */
import type { ListTableResult, TaskListRowAt } from './list-rows.js';
import { badRequest, readOptionalBoolean, readParams } from './params.js';

/** How the daemon draws the table: the CLI's code, in this process's zone. */
export interface TaskListDrawer {
  /** This process's $TZ (null: unset): local times are drawn in it. */
  tz(): string | null;
  draw(
    rows: readonly TaskListRowAt[],
    options: { readonly color: boolean; readonly now: number },
  ): string | Promise<string>;
}

/** The answer to `list-table`; `rows(here)` is list-rows' answer. Without a drawer the method is refused. */
export function answerListTable(
  params: unknown,
  rows: (here: boolean) => readonly TaskListRowAt[],
  drawer: TaskListDrawer | undefined,
): ListTableResult | Promise<ListTableResult> {
  const checked = readParams('list-table', params, ['here', 'color', 'tz', 'now']);
  const here = readOptionalBoolean('list-table', checked, 'here') ?? false;
  const color = readOptionalBoolean('list-table', checked, 'color');
  const { tz, now } = checked;
  if (color === undefined) throw badRequest('list-table', 'param "color" must be a boolean; it is missing');
  if (tz !== null && typeof tz !== 'string') throw badRequest('list-table', 'param "tz" must be a string or null');
  if (typeof now !== 'number' || !Number.isFinite(now)) throw badRequest('list-table', 'param "now" must be a number');
  if (drawer === undefined) throw badRequest('list-table', 'this daemon does not draw tables');
  if (tz !== drawer.tz()) return { table: null };
  const drawn = drawer.draw(rows(here), { color, now });
  return typeof drawn === 'string' ? { table: drawn } : drawn.then((table) => ({ table }));
}
