/**
 * `GET /`: every task in one table, as `taskkit list` describes it (the same cli/format
 * functions: state, schedule in words, next, last), with the last result coloured, a strip of its
 * recent runs, and the run-now (or resume) button.
 */
import type { RunView, TaskView } from '../../control/views.js';
import { describeLast, describeNext, describeState, describeTaskCounts } from '../../cli/format/task-list.js';
import { PLAIN_PAINTER } from '../../cli/io.js';
import { lastRunClass, taskStateClass } from './classes.js';
import { renderActionButton } from './forms.js';
import { markup, pathSegment, type Html } from './html.js';
import { frameExtras, renderLayout, type FrameExtras } from './layout.js';
import { pageOf, renderPager } from './paging.js';
import { renderRunStrip } from './runs.js';

export interface TaskListPage extends FrameExtras {
  /** Every task: the counts are of all of them, the table shows the page `page` of them (paging.ts). */
  readonly tasks: readonly TaskView[];
  /** 1-based; default 1. */
  readonly page?: number;
  /** The shown tasks' recent runs, newest first (at most STRIP_RUNS); a task missing here has none known. */
  readonly recentRuns: ReadonlyMap<string, readonly RunView[]>;
  readonly now: number;
  readonly csrfToken: string;
}

export function taskHref(name: string): string {
  return `/tasks/${pathSegment(name)}`;
}

function renderRow(task: TaskView, page: TaskListPage): Html {
  const runs = page.recentRuns.get(task.name) ?? [];
  // A removed task (runs still going after a reload) has nothing left to run or resume.
  const action =
    task.state === 'removed'
      ? null
      : renderActionButton(task.name, task.held ? 'resume' : 'run-now', page.csrfToken, 'list');
  return markup`<tr data-task="${task.name}">
    <td>
      <a href="${taskHref(task.name)}"><strong>${task.name}</strong></a>${
        task.description === '' ? null : markup`<br /><span class="muted">${task.description}</span>`
      }
    </td>
    <td class="${taskStateClass(task)}">
      ${describeState(task, page.now)}${
        task.holdNote === null ? null : markup`<br /><span class="muted">${task.holdNote}</span>`
      }
    </td>
    <td>${task.rescheduled ? `${task.schedule} (rescheduled)` : task.schedule}</td>
    <td>${describeNext(task, page.now)}</td>
    <td class="${lastRunClass(task.lastRun)}">${describeLast(task.lastRun, page.now)}</td>
    <td>${renderRunStrip(runs, task.timezone)}</td>
    <td>${action}</td>
  </tr>`;
}

/** The whole list page. */
export function renderTaskListPage(page: TaskListPage): string {
  const failing = page.tasks.some((task) => task.failing || task.overdueSince !== null);
  const slice = pageOf(page.tasks, page.page ?? 1);
  const body =
    page.tasks.length === 0
      ? markup`<h1>Tasks</h1>
          <p class="muted">no tasks (the tasks file has none)</p>`
      : markup`<h1>Tasks</h1>
          <p class="counts${failing ? ' bad' : ''}">${describeTaskCounts(page.tasks, PLAIN_PAINTER)}</p>
          ${renderPager(slice)}
          <table class="tasks">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Schedule</th>
                <th>Next</th>
                <th>Last</th>
                <th>Recent runs</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${slice.items.map((task) => renderRow(task, page))}
            </tbody>
          </table>
          ${renderPager(slice)}`;
  return renderLayout({
    title: 'Tasks',
    body,
    ...frameExtras(page),
  });
}
