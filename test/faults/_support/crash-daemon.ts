/** Driving the crash suite's daemon: detached start (as a user does), SIGKILL, and the CLI's view of holds. */
import type { TaskView } from '../../../src/control/views.js';
import type { DaemonDir } from '../../e2e/_daemon.js';
import { isAlive, waitUntil } from '../../support/process-state.js';

/** `taskkit start` (detached); returns the daemon's pid, or throws with what start printed. */
export async function startDetached(d: DaemonDir): Promise<number> {
  const started = await d.taskkit(['start'], { timeoutMs: 20_000 });
  const pid = d.readPid();
  if (started.code !== 0 || pid === null || !isAlive(pid)) {
    throw new Error(`taskkit start failed (exit ${started.code}):\n${started.stdout}${started.stderr}`);
  }
  return pid;
}

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
