/**
 * The daemon_state table: facts about the daemon rather than a task, one value per key. Today only
 * `boot-id`: the boot whose `@reboot` tasks were fired (daemon/reboot-tasks.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Instant } from '../../schedule/types.js';

/** The keys of daemon_state (a new fact is a new key, not a migration). */
export type DaemonStateKey = 'boot-id';

export class DaemonStateTable {
  readonly #get: Statement<[string], { value: string }>;
  readonly #set: Statement<[string, string, number]>;

  constructor(db: Database) {
    this.#get = db.prepare('SELECT value FROM daemon_state WHERE key = ?');
    this.#set = db.prepare(
      'INSERT INTO daemon_state (key, value, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }

  get(key: DaemonStateKey): string | null {
    return this.#get.get(key)?.value ?? null;
  }

  set(key: DaemonStateKey, value: string, at: Instant): void {
    this.#set.run(key, value, at);
  }
}
