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

/**
 * Render rows as lines: a header, then one line per row, columns separated by two spaces. Plain loops, not
 * map/join per row: the daemon draws `taskkit list` of 1,000 rows for every call (issue 20.3).
 */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string[] {
  const widths = columns.map((column) => column.header.length);
  const cells = rows.map((row) => {
    const line = new Array<string>(columns.length);
    for (let index = 0; index < columns.length; index++) {
      const text = escapeControl((columns[index] as Column<Row>).value(row));
      line[index] = text;
      if (text.length > (widths[index] as number)) widths[index] = text.length;
    }
    return line;
  });
  const renderLine = (values: readonly string[], row?: Row): string => {
    let line = '';
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index] as Column<Row>;
      const value = values[index] as string;
      const width = widths[index] as number;
      const padded = column.align === 'right' ? value.padStart(width) : value.padEnd(width);
      const cell = row !== undefined && column.paint !== undefined ? column.paint(padded, row) : padded;
      line = index === 0 ? cell : `${line}  ${cell}`;
    }
    return line.trimEnd();
  };
  const lines = [renderLine(columns.map((column) => column.header))];
  for (let index = 0; index < rows.length; index++) lines.push(renderLine(cells[index] as string[], rows[index]));
  return lines;
}
