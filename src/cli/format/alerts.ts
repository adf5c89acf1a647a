/** `taskkit alerts`: one aligned row per delivery, newest first. */
import type { DeliveryView } from '../../control/delivery-view.js';
import type { Painter } from '../io.js';
import { renderTable } from './table.js';
import { LOCAL_ZONE, formatInstantShort, parseIso } from './time.js';

/** Longest notifier target shown in the table (`--json` has it whole). */
const TARGET_WIDTH = 40;

/** ID, DECIDED (local time), TASK, EVENT, RUN, NOTIFIER, STATUS, TRIES, ERROR (last: it can be long). */
export function renderAlerts(deliveries: readonly DeliveryView[], now: number, paint: Painter): string[] {
  return renderTable(deliveries, [
    { header: 'ID', value: (row) => String(row.id), align: 'right' },
    { header: 'DECIDED', value: (row) => formatInstantShort(parseIso(row.decidedAt), LOCAL_ZONE, now) },
    { header: 'TASK', value: (row) => row.task, paint: (text) => paint.bold(text) },
    { header: 'EVENT', value: (row) => row.event },
    { header: 'RUN', value: (row) => (row.runId === null ? '-' : String(row.runId)), align: 'right' },
    { header: 'NOTIFIER', value: (row) => `${row.notifier}: ${shorten(row.target)}` },
    { header: 'STATUS', value: (row) => row.status, paint: (text, row) => paintDelivery(paint, row, text) },
    { header: 'TRIES', value: (row) => String(row.attempts), align: 'right' },
    { header: 'ERROR', value: (row) => row.error ?? '' },
  ]);
}

/** What `alerts` prints when there is no delivery. */
export function describeNoAlerts(task: string | undefined): string {
  return task === undefined ? 'no alerts sent yet' : `no alerts sent for ${task} yet`;
}

function paintDelivery(paint: Painter, row: DeliveryView, text: string): string {
  if (row.status === 'delivered') return paint.green(text);
  if (row.status === 'failed') return paint.red(text);
  return paint.yellow(text);
}

function shorten(text: string): string {
  return text.length <= TARGET_WIDTH ? text : `${text.slice(0, TARGET_WIDTH - 3)}...`;
}
