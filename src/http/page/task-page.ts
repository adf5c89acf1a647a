/**
 * `GET /tasks/NAME`: what `taskkit show NAME` says (the same cli/format functions), as labelled
 * facts; the definition with secret env values as `(secret)` (control/views.ts masks them before
 * they reach here); the next instants; the history, each run a link to its output; and the
 * buttons: run-now, hold (note, duration), resume.
 */
import type { ShowResult } from '../../control/protocol.js';
import type { RunView } from '../../control/views.js';
import { describeJoin } from '../../control/join-view.js';
import { describeResult } from '../../cli/format/run.js';
import {
  describeAction,
  describeHeld,
  describeOptions,
  describeOverdueSince,
  describeSuccessRate,
} from '../../cli/format/task-detail.js';
import { describeGroup, describeLast, describeNext, describeState } from '../../cli/format/task-list.js';
import { formatInstant, formatRelative, parseIso } from '../../cli/format/time.js';
import { lastRunClass, taskStateClass } from './classes.js';
import { renderActionButton, renderHoldForm } from './forms.js';
import { renderFacts, type Fact } from './facts.js';
import { markup, type Html } from './html.js';
import { frameExtras, renderLayout, type FrameExtras } from './layout.js';
import { renderRunStrip, renderRunTable } from './runs.js';

export interface TaskPage extends FrameExtras {
  readonly show: ShowResult;
  /** The task's history, newest first (more than `show`'s ten when the route reads more). */
  readonly runs: readonly RunView[];
  readonly now: number;
  readonly csrfToken: string;
}

function renderEnv(env: Readonly<Record<string, string>>): Html | null {
  const entries = Object.entries(env);
  if (entries.length === 0) return null;
  const line = ([name, value]: [string, string], index: number): Html =>
    markup`${index > 0 ? markup`<br />` : null}<code>${name}=${value}</code>`;
  return markup`${entries.map(line)}`;
}

function renderActions(page: TaskPage): Html | null {
  const { task } = page.show;
  if (task.state === 'removed')
    return markup`<p class="muted">removed from the tasks file; its runs still going end into history</p>`;
  return markup`<div class="actions">
    ${renderActionButton(task.name, 'run-now', page.csrfToken, 'task')}
    ${task.held ? renderActionButton(task.name, 'resume', page.csrfToken, 'task') : null}
    ${renderHoldForm(task.name, page.csrfToken, 'task')}
  </div>`;
}

/** The whole task page. */
export function renderTaskPage(page: TaskPage): string {
  const { task, definition, upcoming, stats } = page.show;
  const { now } = page;
  const source = definition.source;
  const facts: Fact[] = [
    ['description', task.description],
    ['state', describeState(task, now), taskStateClass(task)],
    ['held', describeHeld(task, now)],
    ['overdue', describeOverdueSince(task, now), 'bad'],
    [
      'schedule',
      task.rescheduled ? `${task.schedule} (rescheduled at run time; the file says otherwise)` : task.schedule,
    ],
    ['timezone', task.timezone],
    ['join', task.join === null ? null : describeJoin(task.join)],
    ['group', describeGroup(task)],
    ['action', markup`<code>${describeAction(definition.action)}</code>`],
    ['cwd', definition.cwd],
    ['next', describeNext(task, now)],
    ['last', describeLast(task.lastRun, now), lastRunClass(task.lastRun)],
    ['returned', task.lastRun?.result === undefined ? null : describeResult(task.lastRun.result)],
    ['success', stats === undefined ? null : describeSuccessRate(stats)],
    ['options', describeOptions(definition)],
    ['env', renderEnv(definition.env)],
    ['defined at', source === null ? null : `${source.file}:${source.line}:${source.column}`],
  ];
  const body = markup`<h1>${task.name}</h1>
    ${renderActions(page)} ${renderFacts(facts)}
    <h2>Recent runs</h2>
    <p>${renderRunStrip(page.runs, task.timezone)}</p>
    <h2>Upcoming</h2>
    ${
      upcoming.length === 0
        ? markup`<p class="muted">no upcoming instant</p>`
        : markup`<ul class="upcoming">
            ${upcoming.map((iso) => {
              const at = parseIso(iso);
              return markup`<li>
                ${formatInstant(at, task.timezone)} <span class="muted">${formatRelative(at, now)}</span>${
                  task.held ? markup` <span class="warn">held</span>` : null
                }
              </li>`;
            })}
          </ul>`
    }
    <h2>History</h2>
    ${renderRunTable(page.runs, task.timezone)}`;
  return renderLayout({
    title: task.name,
    body,
    ...frameExtras(page),
  });
}
