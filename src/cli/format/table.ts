/**
 * Aligned text columns for list-like output; widths come from the plain text, colour is applied
 * after. Every cell is escaped (escapeControl): a newline in a task's error text must not forge a row.
 */
import { escapeControl } from '../../escape-control.js';

export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Colour a cell after padding (so escape codes never upset alignment). */
  readonly paint?: (text: string, row: Row) => string;
  readonly align?: 'left' | 'right';
}

/** Render rows as lines: a header, then one line per row, columns separated by two spaces. */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string[] {
  const cells = rows.map((row) => columns.map((column) => escapeControl(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)),
  );
  const renderLine = (values: readonly string[], row?: Row): string =>
    values
      .map((value, index) => {
        const column = columns[index];
        const width = widths[index] ?? 0;
        const padded = column?.align === 'right' ? value.padStart(width) : value.padEnd(width);
        return row !== undefined && column?.paint !== undefined ? column.paint(padded, row) : padded;
      })
      .join('  ')
      .trimEnd();
  return [
    renderLine(columns.map((column) => column.header)),
    ...cells.map((line, index) => renderLine(line, rows[index])),
  ];
}
