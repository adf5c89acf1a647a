/**
 * `taskkit status --check`: one monitoring plugin line (Nagios plugin guidelines), e.g.
 * `TASKKIT CRITICAL - 2 of 14 tasks failing: backup (exit 3, 2h ago), sync (timed out, 5m ago) | tasks=14
 * failing=2 held=1 overdue=1 running=0`. Text before the `|`, perfdata after; never a `|` in the text.
 */
import type { HealthProblem, HealthView } from '../../control/health.js';
import { escapeControl } from '../../escape-control.js';
import { formatAge, formatRelative, parseIso } from './time.js';

/** The plugin line of a check the daemon answered. */
export function renderHealthLine(view: HealthView, now: number): string {
  const { counts } = view;
  const failing = view.problems.filter((problem) => problem.kind === 'failing');
  const overdue = view.problems.filter((problem) => problem.kind === 'overdue');
  const autoHeld = view.problems.filter((problem) => problem.kind === 'auto-held');
  const held = view.problems.filter((problem) => problem.kind === 'held');
  const parts: string[] = [];
  if (failing.length > 0) {
    parts.push(`${failing.length} of ${describeCount(counts.tasks)} failing: ${list(failing, now)}`);
  }
  if (overdue.length > 0) {
    const what = `${overdue.length} of ${describeCount(counts.tasks)} overdue: ${list(overdue, now)}`;
    parts.push(parts.length > 0 ? `${overdue.length} overdue: ${list(overdue, now)}` : what);
  }
  if (autoHeld.length > 0) {
    const what = `${autoHeld.length} of ${describeCount(counts.tasks)} auto-held: ${list(autoHeld, now)}`;
    parts.push(parts.length > 0 ? `${autoHeld.length} auto-held: ${list(autoHeld, now)}` : what);
  }
  if (held.length > 0) {
    const what = `${held.length} of ${describeCount(counts.tasks)} held: ${list(held, now)}`;
    parts.push(parts.length > 0 ? `${held.length} held: ${list(held, now)}` : what);
  }
  if (parts.length === 0) parts.push(`${describeCount(counts.tasks)}, none failing`);
  const { tasks, failing: failed, held: holds, overdue: late, running } = counts;
  const perfdata = `tasks=${tasks} failing=${failed} held=${holds} overdue=${late} running=${running}`;
  return `TASKKIT ${view.state} - ${parts.join('; ')} | ${perfdata}`;
}

/** The plugin line when there is no answer (no daemon, a refused request): UNKNOWN. */
export function renderUnknownLine(reason: string): string {
  return `TASKKIT UNKNOWN - ${clean(reason)}`;
}

function describeCount(tasks: number): string {
  return tasks === 1 ? '1 task' : `${tasks} tasks`;
}

function list(problems: readonly HealthProblem[], now: number): string {
  return problems.map((problem) => `${clean(problem.task)} (${describeProblem(problem, now)})`).join(', ');
}

/** "exit 3, 2h ago", "timed out, 5m ago"; "until 14:00" (when), "held" for a hold; "3 failures" for an auto-hold. */
function describeProblem(problem: HealthProblem, now: number): string {
  if (problem.kind === 'overdue') return `overdue ${formatAge(now - parseIso(problem.overdueSince))}`;
  if (problem.kind === 'auto-held') {
    const since = problem.heldAt === null ? '' : `, ${formatRelative(parseIso(problem.heldAt), now)}`;
    return `${problem.failures} consecutive failures${since}`;
  }
  if (problem.kind === 'held') {
    return problem.heldUntil === null ? 'until resume' : `until ${formatRelative(parseIso(problem.heldUntil), now)}`;
  }
  const { run } = problem;
  const how =
    run.status === 'timed-out'
      ? 'timed out'
      : run.status === 'interrupted'
        ? 'interrupted'
        : run.exitCode !== null
          ? `exit ${run.exitCode}`
          : run.signal !== null
            ? `killed by ${run.signal}`
            : 'failed';
  const when = run.endedAt ?? run.startedAt ?? run.createdAt;
  return `${how}, ${formatRelative(parseIso(when), now)}`;
}

/** One line, no `|` (it starts the perfdata), no control characters. */
function clean(text: string): string {
  return escapeControl(text).replace(/[|\n\r]/g, ' ');
}
