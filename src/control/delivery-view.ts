/**
 * A delivery of an alert as JSON (`taskkit alerts --json`, issue 16.1): the stored record with
 * instants as ISO-8601 UTC strings, like the runs of views.ts.
 */
import type { AlertEvent, NotifyTarget } from '../config/types.js';
import type { DeliveryRecord, DeliveryStatus } from '../store/store.js';
import { formatIso } from './views.js';

export interface DeliveryView {
  readonly id: number;
  readonly task: string;
  readonly event: AlertEvent;
  readonly runId: number | null;
  readonly failures: number;
  readonly overdueSince: string | null;
  readonly notifier: NotifyTarget['kind'];
  /** The notifier's command, URL (without user:password) or address. */
  readonly target: string;
  readonly decidedAt: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export function toDeliveryView(record: DeliveryRecord): DeliveryView {
  return {
    id: record.id,
    task: record.task,
    event: record.event,
    runId: record.runId,
    failures: record.failures,
    overdueSince: formatIso(record.overdueSince),
    notifier: record.notifier,
    target: record.target,
    decidedAt: formatIso(record.decidedAt) ?? '',
    status: record.status,
    attempts: record.attempts,
    finishedAt: formatIso(record.finishedAt),
    error: record.error,
  };
}
