/**
 * What the page showed, as one short string: a hash of what the task list says of each task. A
 * page carries the version it was rendered at (<body data-version>), and the events stream sends
 * the version when it opens, so a change that happened between the page's render and the stream's
 * start (a short run ending meanwhile) still reloads the page.
 */
import { createHash } from 'node:crypto';
import type { TaskView } from '../../control/views.js';

export function pageVersion(tasks: readonly TaskView[]): string {
  const hash = createHash('sha256');
  for (const task of tasks) {
    const last = task.lastRun;
    hash.update(
      JSON.stringify([
        task.name,
        task.state,
        task.nextAt,
        task.holdNote,
        task.heldUntil,
        task.running,
        task.queued,
        task.failing,
        task.overdueSince,
        task.schedule,
        last?.id ?? null,
        last?.status ?? null,
      ]),
    );
  }
  return hash.digest('base64url').slice(0, 16);
}
