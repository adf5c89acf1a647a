/**
 * The engine's clock in cluster mode (../shared/CLUSTER.md section 7): the host's wall clock plus
 * the offset to the database's, measured at each beat. Hosts then compute the same instants at
 * the same moment, and claims are not refused `early` for a host whose clock runs fast. Timers
 * stay on the monotonic clock (createSystemClock). `TASKKIT_TEST_CLOCK_OFFSET_MS` (tests only)
 * shifts this host's own clock, to simulate skew without libfaketime.
 */
import { createSystemClock, type Clock } from '../../engine/clock.js';
import type { Instant } from '../../schedule/types.js';

/** Above this (ms either way) the log and `status` warn: the host's NTP is off. */
export const CLOCK_OFFSET_WARN_MS = 1_000;

export interface ClusterClock extends Clock {
  /** The host's own wall clock (Date.now(), shifted by the test variable). */
  hostNow(): Instant;
  /** Host clock minus database clock, as last measured (0 before the first beat). */
  offsetMs(): number;
  /** A beat sent at host time `sentAt`, answered at `receivedAt`, read `dbNow` on the database. */
  measure(sentAt: Instant, receivedAt: Instant, dbNow: Instant): number;
}

/** The test-only shift of this host's clock, from the environment (0 when unset or unreadable). */
export function testClockShift(env: NodeJS.ProcessEnv): number {
  const raw = env['TASKKIT_TEST_CLOCK_OFFSET_MS'];
  if (raw === undefined || raw.trim() === '') return 0;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.trunc(value) : 0;
}

export function createClusterClock(shiftMs: number, base: Clock = createSystemClock()): ClusterClock {
  let offset = 0;
  const hostNow = (): Instant => base.now() + shiftMs;
  return {
    now: () => hostNow() - offset,
    monotonic: () => base.monotonic(),
    setTimer: (delayMs, fn) => base.setTimer(delayMs, fn),
    clearTimer: (handle) => base.clearTimer(handle),
    hostNow,
    offsetMs: () => offset,
    measure(sentAt, receivedAt, dbNow) {
      // The database read its clock somewhere in the round trip: assume its middle.
      offset = Math.round((sentAt + receivedAt) / 2 - dbNow);
      return offset;
    },
  };
}
