/** `taskkit reload --dry-run` and `validate --against-daemon`: what a reload would do, one task a line. */
import type { KeyChangeView, PlannedRunView, ReloadPlanView, TaskPlanView } from '../../control/reload-plan-view.js';
import { escapeControl } from '../../escape-control.js';
import type { Painter } from '../io.js';
import { LOCAL_ZONE, formatInstantShort, parseIso } from './time.js';

/** Past this many characters a task's changed keys go one per line. */
const ONE_LINE_WIDTH = 80;

/**
 * "reload would:", a line per task (add, change, remove: name, what changes) with what becomes of its
 * runs beneath, the settings, then how many tasks stay as they are.
 */
export function renderReloadPlan(plan: ReloadPlanView, now: number, paint: Painter): string[] {
  const unchanged = `${plan.unchanged} task${plan.unchanged === 1 ? '' : 's'} unchanged`;
  const [file, daemonFile] = [escapeControl(plan.configPath), escapeControl(plan.daemonConfigPath)];
  const header =
    plan.configPath === plan.daemonConfigPath
      ? 'reload would'
      : `if the daemon ran ${file} instead of ${daemonFile}, reload would`;
  if (plan.tasks.length === 0 && plan.settings.length === 0) return [`${header} change nothing (${unchanged})`];
  const width = Math.max(...plan.tasks.map((task) => task.name.length), 0);
  const indent = ' '.repeat(2 + 'change  '.length + width + 2);
  const lines = [`${header}:`];
  const verb: Record<TaskPlanView['change'], string> = {
    add: paint.green('add   '),
    change: paint.yellow('change'),
    remove: paint.red('remove'),
  };
  for (const task of plan.tasks) {
    const head = `  ${verb[task.change]}  ${paint.bold(escapeControl(task.name).padEnd(width))}  `;
    const [first = '', ...more] = describeWhat(task);
    lines.push(`${head}${first}`.trimEnd());
    for (const line of [...more, ...describeEffects(task, now)]) lines.push(`${indent}${line}`);
  }
  for (const change of plan.settings) {
    const restart = change.needsRestart
      ? paint.yellow(' (a reload keeps the old value: it takes effect at the next start)')
      : '';
    lines.push(`  settings: ${describeKeyChange(change)}${restart}`);
  }
  lines.push(`nothing else changes (${unchanged})`);
  return lines;
}

/** The first line (and, when long, the next ones): the schedule of an added or removed task, a change's keys. */
function describeWhat(task: TaskPlanView): string[] {
  if (task.change !== 'change') return [`(${escapeControl(task.schedule)})`];
  if (task.keys.length === 0) return ['its definition changed'];
  const keys = task.keys.map(describeKeyChange);
  const joined = keys.join('; ');
  return joined.length <= ONE_LINE_WIDTH ? [joined] : keys;
}

/** "timeout: 5m -> 10m", "env.TOKEN: (secret) changed", "group: (none) -> db". */
export function describeKeyChange(change: KeyChangeView): string {
  const key = escapeControl(change.key);
  if (change.before !== null && change.before === change.after)
    return `${key}: ${escapeControl(change.before)} changed`;
  const value = (text: string | null): string => (text === null ? '(none)' : escapeControl(text));
  return `${key}: ${value(change.before)} -> ${value(change.after)}`;
}

/** What becomes of the task's runs, hold and reschedule, as the reload semantics decide. */
function describeEffects(task: TaskPlanView, now: number): string[] {
  const lines: string[] = [];
  const running = describeRuns(task.running, now);
  const waiting = task.waiting === 1 ? 'its waiting run' : `its ${task.waiting} waiting runs`;
  const one = task.running.length === 1;
  switch (task.change) {
    case 'add':
      if (running !== null)
        lines.push(`${running} (of the task removed earlier) become${one ? 's' : ''} its own: its overlap counts them`);
      break;
    case 'remove':
      if (running !== null)
        lines.push(
          `${running} ${one ? 'goes' : 'go'} on as orphaned ` +
            `(taskkit cancel ${escapeControl(task.name)} stops ${one ? 'it' : 'them'})`,
        );
      if (task.waiting > 0) lines.push(`${waiting} ${task.waiting === 1 ? 'is' : 'are'} dropped`);
      break;
    case 'change':
      if (!task.redefined)
        lines.push('only notify or calendar dates: it keeps its next instant, reschedule and alert state');
      if (running !== null)
        lines.push(
          `${running} ${one ? 'keeps the old definition until it ends' : 'keep the old definition until they end'}`,
        );
      if (task.waiting > 0 && task.hold !== 'begins')
        lines.push(`${waiting} ${task.waiting === 1 ? 'stays and starts' : 'stay and start'} with the new definition`);
      if (task.droppedReschedule !== null)
        lines.push(
          `its run-time reschedule (${escapeControl(task.droppedReschedule)}) is dropped: the file's schedule applies`,
        );
      lines.push(...describeHold(task));
      break;
  }
  return lines;
}

function describeHold(task: TaskPlanView): string[] {
  switch (task.hold) {
    case 'begins':
      return [
        task.waiting > 0
          ? 'held (hold: true): its scheduled runs not started yet are dropped; retries and run-now go on'
          : 'held (hold: true): its instants pass without running',
      ];
    case 'ends':
      return ['its hold ends (the file no longer says hold: true)'];
    case 'kept':
      return ['stays held (taskkit resume ends the hold)'];
    case null:
      return [];
  }
}

/** "its running run #41 (started 06:30:02)", "its running runs #41 (...), #42 (...)", or null. */
function describeRuns(runs: readonly PlannedRunView[], now: number): string | null {
  if (runs.length === 0) return null;
  const one = (run: PlannedRunView): string =>
    run.startedAt === null
      ? `#${run.id} (starting)`
      : `#${run.id} (started ${formatInstantShort(parseIso(run.startedAt), LOCAL_ZONE, now)})`;
  return `its running run${runs.length === 1 ? '' : 's'} ${runs.map(one).join(', ')}`;
}
