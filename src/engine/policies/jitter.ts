/** `jitter:` a start delay that spreads tasks sharing an instant (DESIGN.md task options). */
import type { Instant } from '../../schedule/types.js';

/** A whole number of ms in [0, jitterMs) from an injected source of [0, 1) numbers. */
export function computeJitterDelay(jitterMs: number, random: () => number): number {
  return jitterMs <= 0 ? 0 : jitterDelay(jitterMs, random());
}

/** A whole number of ms in [0, jitterMs) from one draw in [0, 1). */
export function jitterDelay(jitterMs: number, draw: number): number {
  if (jitterMs <= 0) return 0;
  // Clamp: a misbehaving source (returning 1 or NaN) must not push a run past its jitter window.
  const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(unit * jitterMs);
}

/** Where a scheduled run's jitter draw comes from (RunFlowOptions). */
export interface JitterSource {
  readonly random: () => number;
  /** A draw from (task, instant), used instead of `random` when given (SchedulerOptions.jitterOf). */
  readonly jitterOf: ((task: string, instant: Instant) => number) | null;
}

/** The jitter wait of a triggered run of `task` at `scheduledAt`: from (task, instant) when `jitterOf` is given. */
export function scheduledJitter(
  task: { readonly name: string; readonly jitterMs: number },
  scheduledAt: Instant | null,
  source: JitterSource,
): number {
  if (task.jitterMs <= 0) return 0;
  const { jitterOf } = source;
  return jitterDelay(
    task.jitterMs,
    jitterOf !== null && scheduledAt !== null ? jitterOf(task.name, scheduledAt) : source.random(),
  );
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/**
 * The jitter draw in [0, 1) of `task`'s run at `instant`, the same on every host and in every
 * version (CLUSTER.md 7: random jitter would hand the claim to whichever host drew the shortest
 * delay): FNV-1a (32 bits) over the UTF-8 bytes of `task + "\0" + instant` (the instant in ms as a
 * decimal integer), then murmur3's fmix32 so that instants a period apart spread over the whole
 * range, divided by 2^32. Changing it splits a cluster of mixed versions: test/engine/policies pins it.
 */
export function instantJitter(task: string, instant: Instant): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(`${task}\0${instant}`)) hash = Math.imul(hash ^ byte, FNV_PRIME);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
