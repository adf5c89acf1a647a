/**
 * The page's actions: run-now, hold (with a note and a duration) and resume, each a POST form
 * carrying the CSRF token (a cross-site page cannot read it, so it cannot forge the POST), and the
 * reading of a hold form's fields. Where the browser goes back to afterwards is one of two fixed
 * places (`back`: the list or the task's page), never a URL taken from the request.
 */
import { parseDuration } from '../../schedule/duration.js';
import { CSRF_FIELD } from '../route.js';
import { markup, pathSegment, type Html } from './html.js';

/** Longest hold note the form sends (and the route accepts). */
export const MAX_NOTE_LENGTH = 500;

export type TaskAction = 'run-now' | 'hold' | 'resume';
/** Where an action redirects to: the task list or the task's own page. */
export type ActionBack = 'list' | 'task';

/** POST /tasks/NAME/ACTION. */
export function actionPath(task: string, action: TaskAction): string {
  return `/tasks/${pathSegment(task)}/${action}`;
}

/** The page an action returns to (303): `/` or `/tasks/NAME`. */
export function backPath(task: string, back: ActionBack): string {
  return back === 'list' ? '/' : `/tasks/${pathSegment(task)}`;
}

/** `back` as a form sends it; anything else is the task's page. */
export function readBack(value: string | null): ActionBack {
  return value === 'list' ? 'list' : 'task';
}

function hiddenFields(csrfToken: string, back: ActionBack): Html {
  const token = markup`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}" />`;
  return markup`${token}<input type="hidden" name="back" value="${back}" />`;
}

/** A one-button form: run-now or resume. */
export function renderActionButton(
  task: string,
  action: 'run-now' | 'resume',
  csrfToken: string,
  back: ActionBack,
): Html {
  const label = action === 'run-now' ? 'Run now' : 'Resume';
  return markup`<form class="inline" method="post" action="${actionPath(task, action)}">
    ${hiddenFields(csrfToken, back)}<button type="submit" name="action" value="${action}">${label}</button>
  </form>`;
}

/** Hold with an optional note and duration (`--for`: 30m, 2h, 1d; empty: until resume). */
export function renderHoldForm(task: string, csrfToken: string, back: ActionBack): Html {
  return markup`<form method="post" action="${actionPath(task, 'hold')}">
    ${hiddenFields(csrfToken, back)}
    <label>Note<input type="text" name="note" maxlength="${MAX_NOTE_LENGTH}" placeholder="why it is held" /></label>
    <label>For<input type="text" name="for" size="6" placeholder="e.g. 2h" pattern="(\\d+(ms|d|h|m|s))+" /></label>
    <button type="submit" name="action" value="hold">Hold</button>
  </form>`;
}

/** What a hold form asks for, as the control protocol's `hold` takes it. */
export type HoldRequest = { readonly note?: string; readonly forMs?: number };

/** The hold form's fields checked: a note (trimmed, bounded) and a duration in the tasks file's syntax. */
export function readHoldForm(fields: URLSearchParams): HoldRequest | { readonly error: string } {
  const note = (fields.get('note') ?? '').trim();
  const forText = (fields.get('for') ?? '').trim();
  if (note.length > MAX_NOTE_LENGTH) return { error: `the note is longer than ${MAX_NOTE_LENGTH} characters` };
  let forMs: number | undefined;
  if (forText !== '') {
    const parsed = parseDuration(forText);
    if (!parsed.ok || parsed.value <= 0) return { error: 'for: a duration such as 30m, 2h or 1d' };
    forMs = parsed.value;
  }
  return { ...(note === '' ? {} : { note }), ...(forMs === undefined ? {} : { forMs }) };
}
