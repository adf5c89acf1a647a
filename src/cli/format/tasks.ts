/** Human output of the offline task verbs (`validate`, `next`). */
import { printLine, type CliIo, type Painter } from '../io.js';
import { formatInstant, formatRelative } from './time.js';
import { renderTable } from './table.js';
import type { Instant } from '../../schedule/types.js';

/** One task's upcoming instants, as `next` reports them. */
export interface UpcomingEntry {
  readonly task: string;
  readonly schedule: string;
  readonly timezone: string;
  /** Held (by the daemon, or `hold: true` in the file): its instants pass without running. */
  readonly held: boolean;
  readonly instants: readonly Instant[];
}

export interface ValidationReport {
  readonly file: string;
  readonly valid: boolean;
  readonly tasks: number | null;
  /** Warnings printed above (the file stays valid). */
  readonly warnings: number;
}

/** "tasks.yaml: 5 tasks, valid", "tasks.yaml: 5 tasks, valid, 1 warning". */
export function printValidation(io: CliIo, paint: Painter, report: ValidationReport): void {
  const count = report.tasks === 1 ? '1 task' : `${report.tasks ?? 0} tasks`;
  const warnings =
    report.warnings === 0 ? '' : `, ${paint.yellow(`${report.warnings} warning${report.warnings === 1 ? '' : 's'}`)}`;
  printLine(io, `${report.file}: ${count}, ${paint.green('valid')}${warnings}`);
}

/** One schedule: a header line and its instants; merged: a table of task and instant. */
export function printUpcoming(
  io: CliIo,
  paint: Painter,
  entries: readonly UpcomingEntry[],
  now: number,
  single: boolean,
): void {
  if (single) {
    const [entry] = entries;
    if (entry === undefined) return;
    const held = entry.held ? ` ${paint.yellow('(held: its instants pass without running)')}` : '';
    printLine(io, `${paint.bold(`${entry.task === '' ? '' : `${entry.task}: `}${entry.schedule}`)}${held}`);
    if (entry.instants.length === 0) printLine(io, '  no upcoming instant');
    for (const at of entry.instants) {
      printLine(
        io,
        `  ${formatInstant(at, entry.timezone)}  ` +
          `${paint.dim(formatRelative(at, now))}${entry.held ? `  ${paint.yellow('held')}` : ''}`,
      );
    }
    return;
  }
  const rows = entries.map((entry) => ({ entry, at: entry.instants[0] ?? 0 }));
  const lines = renderTable(rows, [
    { header: 'WHEN', value: (row) => formatInstant(row.at, row.entry.timezone) },
    { header: 'IN', value: (row) => formatRelative(row.at, now), paint: (text) => paint.dim(text) },
    { header: 'TASK', value: (row) => row.entry.task, paint: (text) => paint.bold(text) },
    { header: 'SCHEDULE', value: (row) => (row.entry.held ? `${row.entry.schedule} (held)` : row.entry.schedule) },
  ]);
  for (const line of lines) printLine(io, line);
}
