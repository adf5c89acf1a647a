/** How the SQLite store is opened and tuned (sqlite-store.ts openSqliteStore). */
import type { LogFunction } from '../../engine/ports.js';
import type { Instant } from '../../schedule/types.js';
import type { Migration } from './migrations.js';
import type { StoreWrite } from './store-write.js';
import type { WriteBatcherOptions } from './write-batcher.js';

export interface SqliteStoreOptions {
  /** The database file, normally `<state-dir>/taskkit.db` (DATABASE_FILE_NAME). */
  readonly path: string;
  readonly readOnly?: boolean;
  /** Failed writes and dropped changes are reported here; default: nowhere. */
  readonly log?: LogFunction;
  /** The daemon's clock, for task_state.updated_at (SavedTaskState.savedAt); default Date.now. */
  readonly now?: () => Instant;
  /** Tuning of the write batcher (delay, max items, retry, timers for tests). */
  readonly batch?: Omit<WriteBatcherOptions<StoreWrite>, 'write' | 'log' | 'label'>;
  /** Tests only: another schema. */
  readonly migrations?: readonly Migration[];
}
