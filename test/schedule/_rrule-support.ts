// Shared by the rrule tests: a wall time written "2026-03-29T02:30:00" (as rrule-oracle.py writes them).
import type { WallTime } from '../../src/schedule/types.js';

export function wallOf(text: string): WallTime {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = text.split(/[-T:]/).map(Number);
  return { year, month, day, hour, minute, second };
}
