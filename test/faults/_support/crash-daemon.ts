/** Driving the crash suite's daemon: SIGKILL, and the CLI's view of holds (start: e2e/_daemon.ts's startDetached). */
import type { TaskView } from '../../../src/control/views.js';
import type { DaemonDir } from '../../e2e/_daemon.js';
import { isAlive, waitUntil } from '../../support/process-state.js';

/** SIGKILL the daemon; returns when it was sent, once the process is gone. */
export async function killDaemon(pid: number): Promise<number> {
  const at = Date.now();
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !isAlive(pid), 5_000, `daemon ${pid} to die`);
  return at;
}

/** Null when `list --json` shows `held` held with `note` and `moved` rescheduled to `every`; else what it shows. */
export async function checkHoldsByCli(
  d: DaemonDir,
  held: string,
  note: string,
  moved: string,
  every: string,
): Promise<string | null> {
  const listed = await d.taskkit(['list', '--json']);
  if (listed.code !== 0) return `taskkit list --json exited ${listed.code}: ${listed.stderr}`;
  const tasks = JSON.parse(listed.stdout) as TaskView[];
  const heldView = tasks.find((task) => task.name === held);
  const movedView = tasks.find((task) => task.name === moved);
  const seen = {
    held: [heldView?.held, heldView?.holdNote, heldView?.state],
    moved: [movedView?.rescheduled, movedView?.schedule],
  };
  const heldOk = heldView?.held === true && heldView.holdNote === note && heldView.state === 'held';
  const ok = heldOk && movedView?.rescheduled === true && movedView.schedule === `every ${every}`;
  return ok ? null : `list --json: ${JSON.stringify(seen)}`;
}
