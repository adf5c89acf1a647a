/**
 * `taskkit alerts [NAME] [-n N]`: the deliveries of alerts to notifiers, newest first (issue 16.1).
 * Read like `history`: the database of the daemon answering on the chosen socket, else the tasks
 * file's state dir, read-only, so it answers with the daemon stopped too.
 */
import { toDeliveryView } from '../control/delivery-view.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { describeNoAlerts, renderAlerts } from './format/alerts.js';
import { readHistoryRows } from './history-db.js';
import { announceDatabase } from './history-source.js';
import { loadPainter, printJson, printLine, printLines, readNow } from './io.js';
import { parsePositiveInt } from './parse-options.js';

/** Deliveries listed when no `-n` is given. */
export const DEFAULT_ALERT_LIMIT = 50;

export interface AlertsOptions {
  readonly count?: string;
}

/** Print the deliveries as a table, or `--json` as {database, deliveries}. */
export async function runAlerts(
  context: CommandContext,
  name: string | undefined,
  options: AlertsOptions,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  const now = readNow(io);
  const limit = parsePositiveInt(options.count, '-n') ?? DEFAULT_ALERT_LIMIT;
  const { rows: deliveries, source } = await readHistoryRows(io, globals, name, (store) =>
    store.listDeliveries({ ...(name === undefined ? {} : { task: name }), limit }).map(toDeliveryView),
  );
  if (globals.json === true) return printJson(io, { database: source, deliveries });
  announceDatabase(io, globals, source);
  if (deliveries.length === 0) return printLine(io, describeNoAlerts(name));
  printLines(io, renderAlerts(deliveries, now, await loadPainter(io)));
}
