/** `taskkit show NAME`: one task's state, definition, next instants and recent runs. */
import type { ShowResult } from '../../control/protocol.js';
import type { ActionView, DefinitionView, RunStatsView, RunView, TaskView } from '../../control/views.js';
import { describeJoin } from '../../control/join-view.js';
import { formatDuration } from '../../schedule/duration.js';
import { formatElapsed } from '../../schedule/elapsed.js';
import { formatByteSize } from '../../schedule/byte-size.js';
import { escapeControl } from '../../escape-control.js';
import type { Painter } from '../io.js';
import { describeTaskCluster, hostColumns } from './host-column.js';
import { renderTable } from './table.js';
import { formatInstant, formatRelative, parseIso } from './time.js';
import { describeResult } from './run.js';
import { describeGroup, describeLast, describeNext, describeState, paintLast, paintTaskState } from './task-list.js';

/** The labelled lines of `show`, then the recent runs as a table. */
export function renderTaskDetail(result: ShowResult, now: number, paint: Painter): string[] {
  const { task, definition } = result;
  const rows: [string, string][] = [];
  // Escaped here, before any colour: descriptions, notes and paths come from users and tasks.
  const add = (label: string, value: string | null): void => {
    if (value !== null && value !== '') rows.push([label, escapeControl(value)]);
  };
  add('description', task.description);
  rows.push(['state', paintTaskState(paint, task, describeState(task))]);
  add('held', describeHeld(task, now));
  add('overdue', describeOverdueSince(task, now));
  add(
    'schedule',
    task.rescheduled ? `${task.schedule} (rescheduled at run time; the file says otherwise)` : task.schedule,
  );
  add('timezone', task.timezone);
  if (task.join !== null) add('join', describeJoin(task.join));
  add('group', describeGroup(task));
  if (task.cluster !== undefined) add('cluster', describeTaskCluster(task.cluster));
  add('action', describeAction(definition.action));
  add('cwd', definition.cwd);
  add('next', describeNext(task, now));
  add('last', paintLast(paint, task.lastRun, describeLast(task.lastRun, now)));
  if (task.lastRun?.result !== undefined) add('returned', describeResult(task.lastRun.result));
  if (result.stats !== undefined) add('success', describeSuccessRate(result.stats));
  add('options', describeOptions(definition));
  add('env', Object.keys(definition.env).join(', '));
  if (definition.source !== null)
    add('defined at', `${definition.source.file}:${definition.source.line}:${definition.source.column}`);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    paint.bold(escapeControl(task.name)),
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ];
  lines.push('', paint.bold('upcoming'));
  if (result.upcoming.length === 0) lines.push('  no upcoming instant');
  for (const iso of result.upcoming) {
    const at = parseIso(iso);
    lines.push(`  ${formatInstant(at, task.timezone)}  ${paint.dim(formatRelative(at, now))}`);
  }
  lines.push('', paint.bold('recent runs'));
  if (result.recentRuns.length === 0) lines.push('  none yet');
  else lines.push(...renderRunTable(result.recentRuns, task.timezone).map((line) => `  ${line}`));
  return lines;
}

/** `show`'s held line (the status page's too): "since 2026-... until ... (in 2h): the note"; null when not held. */
export function describeHeld(task: TaskView, now: number): string | null {
  if (!task.held) return null;
  const since = task.heldAt === null ? 'yes' : `since ${formatInstant(parseIso(task.heldAt), task.timezone)}`;
  const end = task.heldUntil === null ? null : parseIso(task.heldUntil);
  const until = end === null ? '' : ` until ${formatInstant(end, task.timezone)} (${formatRelative(end, now)})`;
  return task.holdNote === null ? `${since}${until}` : `${since}${until}: ${task.holdNote}`;
}

/** `show`'s overdue line: since when, and the last success; null when the task is not overdue. */
export function describeOverdueSince(task: TaskView, now: number): string | null {
  if (task.overdueSince === null) return null;
  const since = parseIso(task.overdueSince);
  const last = task.lastSuccessAt === null ? 'none known' : formatRelative(parseIso(task.lastSuccessAt), now);
  return `since ${formatInstant(since, task.timezone)} (${formatRelative(since, now)}); last success: ${last}`;
}

/** "95% (19 of 20 kept runs)": skipped, cancelled and running runs are not counted. */
export function describeSuccessRate(stats: RunStatsView): string {
  const counted = stats.succeeded + stats.failed;
  if (stats.successRate === null || counted === 0) return 'no finished runs yet';
  const percent = Math.round(stats.successRate * 1000) / 10;
  return `${percent}% (${stats.succeeded} of ${counted} kept run${counted === 1 ? '' : 's'} succeeded)`;
}

/** Runs as a table: ID, TRIGGER, (HOST in a cluster,) STARTED, DURATION, OUTCOME. */
export function renderRunTable(runs: readonly RunView[], timezone: string): string[] {
  return renderTable(runs, [
    { header: 'ID', value: (run) => String(run.id), align: 'right' },
    { header: 'TRIGGER', value: (run) => run.trigger },
    ...hostColumns(runs, (run) => run.host),
    {
      header: 'STARTED',
      value: (run) => (run.startedAt === null ? '-' : formatInstant(parseIso(run.startedAt), timezone)),
    },
    {
      header: 'DURATION',
      value: (run) => (run.durationMs === null ? '-' : formatElapsed(run.durationMs)),
      align: 'right',
    },
    { header: 'OUTCOME', value: (run) => run.outcome },
  ]);
}

/** "sh -c 'backup.sh'", "argv: node migrate.js", "module ./report.js#run". */
export function describeAction(action: ActionView): string {
  switch (action.kind) {
    case 'shell':
      return `${action.shell} -c ${JSON.stringify(action.script)}`;
    case 'argv':
      return action.argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
    case 'module':
      return `module ${action.path} (export ${action.exportName})`;
    case 'function':
      return 'a function (library API)';
  }
}

/** The per-task options in one line, tasks-file keys and syntax; defaults are left out. */
export function describeOptions(definition: DefinitionView): string {
  const parts: string[] = [];
  if (definition.timeoutMs !== null) parts.push(`timeout ${formatDuration(definition.timeoutMs)}`);
  parts.push(`kill-after ${formatDuration(definition.killAfterMs)}`, `overlap ${definition.overlap}`);
  const { retry } = definition;
  if (retry.attempts > 0) {
    parts.push(
      `retry ${retry.attempts} (delay ${formatDuration(retry.delayMs)}, backoff ${retry.backoff}, ` +
        `max-delay ${formatDuration(retry.maxDelayMs)})`,
    );
  }
  if (definition.jitterMs > 0) parts.push(`jitter ${formatDuration(definition.jitterMs)}`);
  parts.push(`catch-up ${definition.catchUp}`);
  if (definition.deadlineMs !== null) parts.push(`deadline ${formatDuration(definition.deadlineMs)}`);
  if (definition.expectSuccessWithinMs !== null) {
    parts.push(`expect-success-within ${formatDuration(definition.expectSuccessWithinMs)}`);
  }
  if (definition.maxRuns !== null) parts.push(`max-runs ${definition.maxRuns}`);
  if (definition.until !== null) parts.push(`until ${definition.until}`);
  if (definition.except.length > 0) parts.push(`except ${definition.except.join(', ')}`);
  if (definition.after.length > 0) parts.push(`after ${definition.after.join(', ')}`);
  if (definition.afterAll.length > 0) parts.push(`after-all ${definition.afterAll.join(', ')}`);
  if (definition.onSuccess.length > 0) parts.push(`on-success ${definition.onSuccess.join(', ')}`);
  if (definition.onFailure.length > 0) parts.push(`on-failure ${definition.onFailure.join(', ')}`);
  parts.push(
    `history keep ${definition.history.keep}, output-limit ${formatByteSize(definition.history.outputLimitBytes)}`,
  );
  return parts.join('; ');
}
