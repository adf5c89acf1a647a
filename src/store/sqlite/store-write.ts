/** What the SQLite store queues and what it writes back into a recreated database (sqlite-store.ts). */
import type { RunRecord } from '../../engine/run.js';
import type { DeliveryRecord, TaskStateRecord } from '../store.js';

/** What the daemon knows and a recreated database must get back: the runs in flight, every task's state. */
export interface RecoveryState {
  readonly runs: readonly RunRecord[];
  readonly tasks: readonly TaskStateRecord[];
}

/** One queued write. */
export type StoreWrite =
  | { readonly kind: 'run'; readonly run: RunRecord; readonly keep: number | undefined }
  | { readonly kind: 'forget-run'; readonly id: number }
  | { readonly kind: 'task'; readonly record: TaskStateRecord }
  | { readonly kind: 'delivery'; readonly record: DeliveryRecord };
