/** `overlap:` what a trigger does while a run of the same task is running or waiting (DESIGN.md). */
import type { OverlapPolicy } from '../../config/types.js';
import type { RunStatus } from '../run.js';

/** `overlap: queue` keeps at most this many runs waiting per task; later triggers are skipped. */
export const MAX_QUEUED_PER_TASK = 100;

export type OverlapDecision =
  | { readonly action: 'start' }
  | { readonly action: 'queue' }
  | { readonly action: 'replace' }
  | { readonly action: 'skip'; readonly reason: string };

/** The task's run that a new trigger collides with: its running one, else its oldest waiting one. */
export interface ActiveRun {
  readonly id: number;
  readonly status: RunStatus;
}

/** Decide a new trigger's fate from the policy, the colliding run (null: none) and the queue length. */
export function decideOverlap(policy: OverlapPolicy, active: ActiveRun | null, waiting: number): OverlapDecision {
  if (active === null || policy === 'allow') return { action: 'start' };
  switch (policy) {
    case 'skip': {
      const state = active.status === 'running' ? 'running' : 'queued';
      return { action: 'skip', reason: `previous run #${active.id} still ${state} (overlap: skip)` };
    }
    case 'queue':
      return waiting >= MAX_QUEUED_PER_TASK
        ? { action: 'skip', reason: `${MAX_QUEUED_PER_TASK} runs already waiting (overlap: queue)` }
        : { action: 'queue' };
    case 'replace':
      return { action: 'replace' };
  }
}
