/** View data for the page renderers' tests: a TaskView, a RunView, a ShowResult, with overrides. */
import type { ShowResult } from '../../../src/control/protocol.js';
import { toDefinitionView, type RunView, type TaskView } from '../../../src/control/views.js';
import type { TaskSpec } from '../../../src/config/types.js';
import { makeTask } from '../../support/task-spec.js';

export const NOW = Date.parse('2026-03-01T12:00:00Z');

export const taskView = (overrides: Partial<TaskView> = {}): TaskView => ({
  name: 't',
  description: '',
  state: 'scheduled',
  schedule: 'every 5m',
  timezone: 'UTC',
  rescheduled: false,
  nextAt: '2026-03-01T12:05:00.000Z',
  held: false,
  holdNote: null,
  heldAt: null,
  heldUntil: null,
  overdueSince: null,
  lastSuccessAt: null,
  autoHeld: false,
  failedSlots: 0,
  failing: false,
  alert: { failures: 0, failureAlertedAt: null, overdueAlertedAt: null },
  running: 0,
  queued: 0,
  group: null,
  lastRun: null,
  join: null,
  ...overrides,
});

export const runView = (overrides: Partial<RunView> = {}): RunView => ({
  id: 1,
  task: 't',
  trigger: 'schedule',
  status: 'succeeded',
  scheduledAt: null,
  createdAt: '2026-03-01T11:00:00.000Z',
  startedAt: '2026-03-01T11:00:00.000Z',
  endedAt: '2026-03-01T11:00:02.000Z',
  durationMs: 2_000,
  exitCode: 0,
  signal: null,
  attempt: 1,
  pid: 10,
  outputBytes: 0,
  outputTruncated: false,
  skipReason: null,
  skipCount: null,
  skipMore: null,
  skipFirstAt: null,
  skipLastAt: null,
  stop: null,
  error: null,
  outcome: 'succeeded',
  ...overrides,
});

export const showResult = (
  task: TaskView,
  spec: Partial<TaskSpec> = {},
  more: Partial<Omit<ShowResult, 'task' | 'definition'>> = {},
): ShowResult => ({
  task,
  definition: toDefinitionView(makeTask(task.name, { description: task.description, ...spec })),
  upcoming: ['2026-03-01T12:05:00.000Z', '2026-03-01T12:10:00.000Z'],
  recentRuns: [],
  ...more,
});

/** Every start tag of a document as [name, attribute names]; escaped text has no `<`, so each is markup. */
export function startTags(document: string): [string, string[]][] {
  return [...document.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*\/?>/g)].map((match) => [
    (match[1] ?? '').toLowerCase(),
    [...(match[2] ?? '').matchAll(/([\w-]+)(?:="[^"]*")?/g)].map((attribute) => (attribute[1] ?? '').toLowerCase()),
  ]);
}

/** What no page may contain, whatever the text in it: event handlers, script URLs, inline scripts. */
export function expectNoActiveMarkup(document: string): void {
  const tags = startTags(document);
  const handlers = tags.flatMap(([, attributes]) => attributes.filter((name) => name.startsWith('on')));
  if (handlers.length > 0) throw new Error(`event handler attributes: ${handlers.join(', ')}`);
  if (/javascript:/i.test(document)) throw new Error('a javascript: URL');
  // The one script is the live-reload asset, by src.
  const scripts = [...document.matchAll(/<script\b[^>]*>/gi)].map((match) => match[0]);
  if (scripts.length !== 1 || !/ src="\/assets\/live-[0-9a-f]{12}\.js"/.test(scripts[0] ?? '')) {
    throw new Error(`scripts: ${scripts.join(' ')}`);
  }
  // Every `<` is the start of a tag or a comment/doctype this code wrote; every tag is one we write.
  const known = new Set([
    'html',
    'head',
    'meta',
    'title',
    'link',
    'script',
    'noscript',
    'body',
    'header',
    'a',
    'nav',
    'span',
    'main',
    'p',
    'h1',
    'h2',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'strong',
    'br',
    'form',
    'input',
    'button',
    'label',
    'dl',
    'dt',
    'dd',
    'code',
    'ul',
    'li',
    'pre',
    'details',
    'summary',
    'div',
  ]);
  const unknown = tags.map(([name]) => name).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`unexpected tags: ${unknown.join(', ')}`);
}

/** A document without the source's line breaks and indentation next to tags (the browser shows none of it). */
export function squash(document: string): string {
  return document.replace(/>\s*\n\s*/g, '>').replace(/\s*\n\s*</g, '<');
}
