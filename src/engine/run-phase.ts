/**
 * The phases of a run the engine is responsible for, and every transition between them, in one
 * table: a move the table does not list is an engine bug, caught where it happens.
 *
 *   created --> delayed (jitter, retry backoff) --> ready
 *   created --> serial (behind the task's other runs) --> ready
 *   created --> ready (waits for a max-concurrent slot, or starts at once)
 *   ready --> grouped (its concurrency group is full: waits for a place, holding no slot) --> claiming | running
 *   grouped --> ready (a reload moved its task to another group)
 *   ready --> claiming (the store's claim is a promise) --> running
 *   ready --> running
 *   ready | grouped | claiming --> delayed (the claim said `retryAt`: asked again then, holding no slot)
 *   any waiting phase --> ended (dropped, skipped past its deadline, claim refused or yielded)
 *   running --> ended (the runner's outcome)
 *
 * A retry is a new run (a new id) that starts in `delayed`.
 */
export type RunPhase = 'created' | 'delayed' | 'serial' | 'ready' | 'grouped' | 'claiming' | 'running' | 'ended';

export const RUN_TRANSITIONS: { readonly [From in RunPhase]: readonly RunPhase[] } = {
  created: ['delayed', 'serial', 'ready'],
  delayed: ['ready', 'ended'],
  serial: ['ready', 'ended'],
  ready: ['grouped', 'claiming', 'running', 'delayed', 'ended'],
  grouped: ['ready', 'claiming', 'running', 'delayed', 'ended'],
  claiming: ['running', 'delayed', 'ended'],
  running: ['ended'],
  ended: [],
};

/** Not yet handed to the runner, not ended: the run still holds what it reserved (max-runs budget). */
export function isWaiting(phase: RunPhase): boolean {
  return phase !== 'running' && phase !== 'ended';
}

/** Whether a phase takes one of the max-concurrent slots. */
export function takesSlot(phase: RunPhase): boolean {
  return phase === 'running' || phase === 'claiming';
}
