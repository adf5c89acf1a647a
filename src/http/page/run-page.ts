/**
 * `GET /runs/ID`: one run, its facts as `history` words them, and its output, escaped, in a <pre>.
 * A running run shows what it printed so far (the page reloads itself as the run goes on).
 */
import type { RunView } from '../../control/views.js';
import { describeDuration, describeExit } from '../../cli/format/history.js';
import { formatInstant, parseIso } from '../../cli/format/time.js';
import { formatBytes } from './bytes.js';
import { runClass } from './classes.js';
import { renderFacts, type Fact } from './facts.js';
import { markup } from './html.js';
import { frameExtras, renderLayout, type FrameExtras } from './layout.js';
import { renderOutput } from './output.js';
import { taskHref } from './task-list.js';

export interface RunPage extends FrameExtras {
  /** The run with `output`/`outputBase64` (as `logs` gives it). */
  readonly run: RunView;
  readonly timezone: string;
}

export function renderRunPage(page: RunPage): string {
  const { run, timezone } = page;
  const at = (iso: string | null): string | null => (iso === null ? null : formatInstant(parseIso(iso), timezone));
  const facts: Fact[] = [
    ['task', markup`<a href="${taskHref(run.task)}">${run.task}</a>`],
    ['outcome', run.outcome, runClass(run)],
    ['trigger', run.attempt > 1 ? `${run.trigger} (attempt ${run.attempt})` : run.trigger],
    ['scheduled', at(run.scheduledAt)],
    ['started', at(run.startedAt)],
    ['ended', at(run.endedAt)],
    ['duration', describeDuration(run)],
    ['exit', describeExit(run)],
    ['pid', run.pid === null ? null : String(run.pid)],
    ['error', run.error],
    ['output', `${formatBytes(run.outputBytes)}${run.outputTruncated ? ' (truncated by the history limit)' : ''}`],
  ];
  const output = renderOutput(run);
  const empty = run.outputBytes === 0 && run.status !== 'running';
  const body = markup`<h1>${run.task} #${run.id}</h1>
    ${renderFacts(facts)}
    <h2>Output</h2>
    ${
      output.cutBytes > 0
        ? markup`<p class="muted">
            the first ${formatBytes(output.cutBytes)} are left out here;
            <code>taskkit logs ${run.task} ${run.id}</code> prints the whole output
          </p>`
        : null
    }
    ${empty ? markup`<p class="muted">no output</p>` : markup`<pre class="output">${output.markup}</pre>`}`;
  return renderLayout({
    title: `${run.task} #${run.id}`,
    body,
    ...frameExtras(page),
  });
}
