/** `deadline:` how late a scheduled or catch-up run may still start (DESIGN.md task options). */
import { formatDuration } from '../../schedule/duration.js';
import type { Instant } from '../../schedule/types.js';
import type { Trigger } from '../../task-context.js';

/** Why the run may no longer start, or null when it may. Only instant-bound triggers have deadlines. */
export function checkDeadline(
  trigger: Trigger,
  scheduledAt: Instant | null,
  deadlineMs: number | null,
  now: Instant,
): string | null {
  if (deadlineMs === null || scheduledAt === null) return null;
  if (trigger !== 'schedule' && trigger !== 'catch-up') return null;
  const late = now - scheduledAt;
  if (late <= deadlineMs) return null;
  return `would start ${formatDuration(late)} after its instant, past its deadline of ${formatDuration(deadlineMs)}`;
}
