/**
 * Where an rrule's wall times fall on the timeline: the fixed-time DST rules `daily` follows
 * (wall-stepper.ts, DESIGN.md "Schedule semantics"). A wall time fires at its first instant;
 * one in a spring-forward gap fires when the gap ends (the transition); one lost to a zone
 * change (a forward jump of 3 hours or more, zoned.ts isZoneChange) does not fire at all.
 * Put otherwise: the first instant whose local wall time is at or after it. That is monotone
 * in the wall time, so wall order is instant order (equal instants collapse into one).
 */
import { isZoneChange, MAX_OFFSET_MS, offsetAt, transitionsBetween } from './zoned.js';
import type { Instant } from './types.js';

/** The instant a wall time (ms on the local axis) fires at in `tz`, or null when a zone change lost it. */
export function wallInstant(wall: number, tz: string): Instant | null {
  const changes = transitionsBetween(wall - MAX_OFFSET_MS, wall + MAX_OFFSET_MS, tz);
  if (changes.length === 0) return wall - offsetAt(wall, tz);
  // The wall clock cut into pieces of one offset each, in instant order: the first piece that
  // shows `wall` or a later time has the answer.
  let start = -Infinity;
  for (let i = 0; i <= changes.length; i++) {
    const change = changes[i];
    const previous = changes[i - 1];
    const offset = change === undefined ? (previous?.after ?? 0) : change.before;
    const end = change === undefined ? Infinity : change.at;
    const candidate = wall - offset;
    if (candidate >= end) {
      start = end;
      continue;
    }
    if (candidate >= start) return candidate;
    // In the gap the transition at `start` opened: DST fires at its end; a zone change not at all.
    return previous !== undefined && isZoneChange(previous) ? null : start;
  }
  /* c8 ignore next */
  return null;
}
