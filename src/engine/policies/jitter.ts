/** `jitter:` a random start delay that spreads tasks sharing an instant (DESIGN.md task options). */

/** A whole number of ms in [0, jitterMs) from an injected source of [0, 1) numbers. */
export function computeJitterDelay(jitterMs: number, random: () => number): number {
  if (jitterMs <= 0) return 0;
  // Clamp: a misbehaving source (returning 1 or NaN) must not push a run past its jitter window.
  const draw = random();
  const unit = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(unit * jitterMs);
}
