/**
 * The page's actions, POSTs the server has already checked (same origin, CSRF token): run-now,
 * hold (note, duration) and resume, through the control methods of the same names. Each answers
 * 303 back to the list or the task's page with a flash code (flash.ts), so a reload of that page
 * repeats nothing.
 */
import type { ParamsOf } from '../../control/protocol.js';
import { redirect, type HttpRequest, type Route, type RouteHandler } from '../route.js';
import { encodeFlash, type FlashFact } from './flash.js';
import { backPath, readBack, readHoldForm, type TaskAction } from './forms.js';

/** Back where the form was, with the action's flash. */
function back(request: HttpRequest, fact: FlashFact): ReturnType<typeof redirect> {
  return redirect(`${backPath(fact.task, readBack(request.form.get('back')))}?${encodeFlash(fact)}`);
}

const runNow: RouteHandler = async (request, services) => {
  const name = request.params['name'] ?? '';
  const { run } = await services.call('run-now', { name });
  const kind = run.status === 'running' ? 'started' : run.status === 'queued' ? 'queued' : 'skipped';
  return back(request, { kind, task: name, runId: run.id });
};

const hold: RouteHandler = async (request, services) => {
  const name = request.params['name'] ?? '';
  const form = readHoldForm(request.form);
  if ('error' in form) {
    const error = form.error.startsWith('for:') ? 'bad-duration' : 'bad-note';
    return back(request, { kind: 'error', task: name, error });
  }
  const params: ParamsOf<'hold'> = {
    names: [name],
    ...(form.note === undefined ? {} : { note: form.note }),
    ...(form.forMs === undefined ? {} : { forMs: form.forMs }),
  };
  await services.call('hold', params);
  return back(request, { kind: 'held', task: name });
};

const resume: RouteHandler = async (request, services) => {
  const name = request.params['name'] ?? '';
  const { notHeld } = await services.call('resume', { names: [name] });
  return back(request, { kind: notHeld.includes(name) ? 'not-held' : 'resumed', task: name });
};

const HANDLERS: Readonly<Record<TaskAction, RouteHandler>> = { 'run-now': runNow, hold, resume };

export const ACTION_ROUTES: readonly Route[] = Object.entries(HANDLERS).map(([action, handler]): Route => ({
  method: 'POST',
  path: `/tasks/:name/${action}`,
  handler,
}));
