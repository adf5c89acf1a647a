/**
 * Asking the store's claim (ports.ts RunClaim) before a run starts. A synchronous store answers
 * with a value and the run goes on in the same turn (no promise, no microtask: bench scenario 1);
 * a remote one answers with a promise. A claim that throws or rejects refuses the run: when the
 * store cannot say the run is ours, running it could run it twice.
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

/** A settled claim's value as a verdict: anything but `true` or `{ refused }` refuses the run. */
export function checkVerdict(value: unknown): ClaimVerdict {
  if (value === true) return true;
  const refused = (value as { refused?: unknown } | null)?.refused;
  return { refused: typeof refused === 'string' ? refused : 'the claim gave no verdict' };
}
