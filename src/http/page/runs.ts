/**
 * Runs on the page: the strip of a task's recent runs (one small coloured cell per run, oldest on
 * the left, each a link to the run's page) and the history table of the task page.
 */
import type { RunView } from '../../control/views.js';
import { describeDuration, describeExit } from '../../cli/format/history.js';
import { formatInstant, parseIso } from '../../cli/format/time.js';
import { runClass } from './classes.js';
import { markup, pathSegment, type Html } from './html.js';

/** How many runs the strip of the task list shows per task. */
export const STRIP_RUNS = 20;

/** Where a run's page is. */
export function runHref(run: Pick<RunView, 'id' | 'task'>): string {
  return `/tasks/${pathSegment(run.task)}/runs/${run.id}`;
}

/** "#12 succeeded, 2026-12-03 10:00:00 +00:00": a cell's tooltip and accessible name. */
function describeCell(run: RunView, timezone: string): string {
  const at = run.startedAt ?? run.scheduledAt ?? run.createdAt;
  return `#${run.id} ${run.outcome}, ${formatInstant(parseIso(at), timezone)}`;
}

/** `runs` newest first (as the history gives them); drawn oldest first, so the newest is on the right. */
export function renderRunStrip(runs: readonly RunView[], timezone: string): Html {
  if (runs.length === 0) return markup`<span class="muted">no runs yet</span>`;
  const cells = [...runs].reverse().map((run) => {
    const label = describeCell(run, timezone);
    return markup`<a class="cell ${runClass(run)}" href="${runHref(run)}" title="${label}"></a>`;
  });
  return markup`<span class="strip">${cells}</span>`;
}

/** A task's runs, newest first: RUN, TRIGGER, STARTED, DURATION, EXIT, OUTCOME (coloured). */
export function renderRunTable(runs: readonly RunView[], timezone: string): Html {
  if (runs.length === 0) return markup`<p class="muted">no runs yet</p>`;
  const rows = runs.map((run) => {
    const started = run.startedAt ?? run.skipFirstAt ?? run.createdAt;
    return markup`<tr>
      <td class="num"><a href="${runHref(run)}">#${run.id}</a></td>
      <td>${run.trigger}${run.attempt > 1 ? ` (attempt ${run.attempt})` : ''}</td>
      <td>${formatInstant(parseIso(started), timezone)}</td>
      <td class="num">${describeDuration(run)}</td>
      <td class="num">${describeExit(run)}</td>
      <td class="${runClass(run)}">${run.outcome}</td>
    </tr>`;
  });
  return markup`<table class="runs">
    <thead>
      <tr>
        <th>Run</th>
        <th>Trigger</th>
        <th>Started</th>
        <th>Duration</th>
        <th>Exit</th>
        <th>Outcome</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}
