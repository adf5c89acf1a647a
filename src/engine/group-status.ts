/** A task's concurrency group as its status tells it (task-status-of.ts; `list`, `show`). */
import type { RunPhase } from './run-phase.js';
import type { GroupLookup, GroupStatus } from './task-state.js';

/** Null without a group (or for a group without a limit, which only a bare engine test can make). */
export function describeTaskGroup(
  name: string | undefined,
  runs: readonly { readonly phase: RunPhase }[],
  places: GroupLookup,
): GroupStatus | null {
  const found = name === undefined ? undefined : places(name);
  if (name === undefined || found === undefined) return null;
  let waiting = 0;
  for (const run of runs) if (run.phase === 'grouped') waiting++;
  return { name, limit: found.limit, running: found.running, waiting };
}
