/**
 * The message after an action, carried by the redirect as a short code in the query
 * (`?flash=held&task=backup`), never as text: the page words it itself, so a crafted link can
 * only ever show one of these sentences, about a task that exists.
 */
import type { Flash } from './layout.js';

export type FlashFact =
  | { readonly kind: 'started' | 'queued' | 'skipped'; readonly task: string; readonly runId: number }
  | { readonly kind: 'held' | 'resumed' | 'not-held'; readonly task: string }
  | { readonly kind: 'error'; readonly task: string; readonly error: FlashError };

/** Why an action failed, by code. */
export const FLASH_ERRORS = {
  'bad-duration': 'hold: "for" takes a duration such as 30m, 2h or 1d',
  'bad-note': 'hold: the note is too long',
  refused: 'the daemon refused the action (see its log)',
} as const;
export type FlashError = keyof typeof FLASH_ERRORS;

/** The query of a redirect after an action. */
export function encodeFlash(fact: FlashFact): string {
  const params = new URLSearchParams({ flash: fact.kind, task: fact.task });
  if ('runId' in fact) params.set('run', String(fact.runId));
  if ('error' in fact) params.set('error', fact.error);
  return params.toString();
}

/** The message a query asks for, or null: none, an unknown code, or a task `exists` does not know. */
export function readFlash(query: URLSearchParams, exists: (task: string) => boolean): Flash | null {
  const kind = query.get('flash');
  const task = query.get('task');
  if (kind === null || task === null || !exists(task)) return null;
  const run = Number(query.get('run'));
  const runLabel = Number.isSafeInteger(run) && run > 0 ? ` #${run}` : '';
  switch (kind) {
    case 'started':
      return { text: `${task}: run${runLabel} started`, failed: false };
    case 'queued':
      return { text: `${task}: run${runLabel} queued (it starts when a slot is free)`, failed: false };
    case 'skipped':
      return { text: `${task}: run${runLabel} skipped (see its outcome below)`, failed: true };
    case 'held':
      return { text: `${task} is held`, failed: false };
    case 'resumed':
      return { text: `${task} resumed`, failed: false };
    case 'not-held':
      return { text: `${task} was not held: nothing changed`, failed: false };
    case 'error': {
      const code = query.get('error');
      const text = code !== null && Object.hasOwn(FLASH_ERRORS, code) ? FLASH_ERRORS[code as FlashError] : null;
      return text === null ? null : { text: `${task}: ${text}`, failed: true };
    }
    default:
      return null;
  }
}
