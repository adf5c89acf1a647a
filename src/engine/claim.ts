/**
 * Asking the store's claim (ports.ts RunClaim) before a run starts. A synchronous store answers
 * with a value and the run goes on in the same turn (no promise, no microtask: bench scenario 1);
 * a remote one answers with a promise. A claim that throws or rejects refuses the run: when the
 * store cannot say the run is ours, running it could run it twice. What each verdict does to the
 * run: ports.ts ClaimVerdict, applied by run-flow.ts.
 */
import { describeError } from './launch.js';
import type { ClaimVerdict, RunClaim } from './ports.js';
import type { RunRecord } from './run.js';

/** The claim's answer for `started` (the run as it will be stored once started). */
export function askClaim(claim: RunClaim, started: RunRecord): ClaimVerdict | PromiseLike<ClaimVerdict> {
  try {
    return claim(started);
  } catch (error) {
    return claimFailed(error);
  }
}

export function isPendingClaim(answer: ClaimVerdict | PromiseLike<ClaimVerdict>): answer is PromiseLike<ClaimVerdict> {
  return answer !== true && typeof (answer as Partial<PromiseLike<ClaimVerdict>>).then === 'function';
}

/** The verdict of a claim that threw or rejected. */
export function claimFailed(error: unknown): ClaimVerdict {
  return { refused: `the claim failed: ${describeError(error)}` };
}

/**
 * A settled claim's value as a verdict: `true`, `{ refused }` or `{ yielded }` with a string, or
 * `{ retryAt }` with a finite instant; anything else refuses the run.
 */
export function checkVerdict(value: unknown): ClaimVerdict {
  if (value === true) return true;
  const answer = (value ?? {}) as { refused?: unknown; yielded?: unknown; retryAt?: unknown };
  if (typeof answer.refused === 'string') return { refused: answer.refused };
  if (typeof answer.yielded === 'string') return { yielded: answer.yielded };
  if (typeof answer.retryAt === 'number' && Number.isFinite(answer.retryAt)) return { retryAt: answer.retryAt };
  return { refused: 'the claim gave no verdict' };
}
