/**
 * This host's copy of the cluster's `task` rows (../shared/CLUSTER.md sections 5 and 6): what the
 * claims send (`schedule_rev`), what control changes are compared with, the highest revision seen
 * (resync asks for rows after it), and which tasks' published definition differs from this host's
 * (`status`: "definition differs from the cluster's, published by host-b at 12:03").
 */
import type { TaskSpec } from '../../config/types.js';
import type { Instant } from '../../schedule/types.js';
import type { TaskRow } from './cluster-db.js';

/** A task whose cluster definition is not this host's: it does not run here. */
export interface SplitDefinition {
  readonly task: string;
  readonly publishedBy: string | null;
  readonly publishedAt: Instant;
}

export class TaskRows {
  readonly #rows = new Map<string, TaskRow>();
  #revision = 0;

  constructor(private readonly fingerprintOf: (spec: TaskSpec) => string) {}

  get(name: string): TaskRow | undefined {
    return this.#rows.get(name);
  }

  /** The highest `revision` seen: resync reads rows changed after it. */
  revision(): number {
    return this.#revision;
  }

  /** Take `row` if it is not older than the one known; true when it is new to this host. */
  put(row: TaskRow): boolean {
    const known = this.#rows.get(row.name);
    if (row.revision > this.#revision) this.#revision = row.revision;
    if (known !== undefined && known.revision > row.revision) return false;
    this.#rows.set(row.name, row);
    return known === undefined || known.revision !== row.revision;
  }

  /** The tasks of `specs` whose published definition is another host's. */
  splits(specs: readonly TaskSpec[]): SplitDefinition[] {
    const split: SplitDefinition[] = [];
    for (const spec of specs) {
      const row = this.#rows.get(spec.name);
      if (row !== undefined && row.fingerprint !== this.fingerprintOf(spec))
        split.push({
          task: spec.name,
          publishedBy: row.publishedByHostname ?? row.publishedBy,
          publishedAt: row.publishedAt,
        });
    }
    return split;
  }
}
