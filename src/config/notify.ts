/**
 * `notify:` (DESIGN.md "Alerts and health"; issue 16.1): who is told of a task's alerts, and when.
 * In `settings` it is every task's default; a task's own `notify:` replaces it, `notify: false`
 * turns it off for that task. The engine decides the alerts (engine/alerts.ts); the daemon
 * delivers them. How a notifier is shown (`show`, the log) is here too: a URL's user and password never are.
 */
import { showValue } from '../schedule/show-value.js';
import { readArgv } from './action.js';
import type { IssueCollector } from './collector.js';
import { checkSendmail } from './host-checks.js';
import { NOTIFY_KEYS, NOTIFY_KEY_TABLE } from './notify-keys.js';
import { checkKeys, copyEntries, isPlainMap, readDuration, readEnum, readInteger, readText } from './read-value.js';
import type { AlertEvent, NotifySpec, NotifyTarget } from './types.js';

type Path = readonly (string | number)[];
type Env = Readonly<Record<string, string | undefined>>;

/** Every event, in the order `on:` defaults to. */
export const ALERT_EVENTS = NOTIFY_KEY_TABLE.on.default as readonly AlertEvent[];
const TARGET_KEYS = ['run', 'command', 'url', 'mail'] as const;
const TARGETS_IN_WORDS =
  '"run" (a shell command), "command" (a program and its arguments), "url" (http or https) or "mail" (an address)';
// Control characters and blanks break a mail header or a request line; none belongs in either.
const CONTROL_OR_BLANK = /[\s\u0000-\u001f\u007f]/;
// A plain address: no display name, no comment, nothing a header could be split or extended with.
const MAIL_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".][^\s@<>()[\]\\,;:"]*$/;

/** `notify:` of a task over `fallback` (the settings'): absent when neither gives one, or for `notify: false`. */
export function readTaskNotify(
  c: IssueCollector,
  def: Readonly<Record<string, unknown>>,
  fallback: NotifySpec | null,
  env: Env | undefined,
): { notify?: NotifySpec } {
  const raw = def['notify'];
  if (raw === false) return {};
  const notify = raw === undefined ? fallback : readNotify(c, ['notify'], raw, true, env);
  return notify == null ? {} : { notify };
}

/**
 * A `notify:` map, or undefined after issues. With `env` (a tasks file on this host), a `mail:`
 * notifier where no sendmail is found is a host warning (host-checks.ts).
 */
export function readNotify(
  c: IssueCollector,
  path: Path,
  raw: unknown,
  falseAllowed: boolean,
  env: Env | undefined,
): NotifySpec | undefined {
  if (!isPlainMap(raw)) {
    const off = falseAllowed ? ', or false to turn the default of the settings off' : '';
    c.add(
      'invalid-value',
      path,
      'value',
      `expected a map like {run: ./alert.sh, on: [failure, recovery]} with one of ${TARGETS_IN_WORDS}${off}, ` +
        `got ${showValue(raw)}`,
    );
    return undefined;
  }
  const map = copyEntries(raw);
  const before = c.errorCount;
  checkKeys(c, path, map, NOTIFY_KEYS, 'notify');
  const given = TARGET_KEYS.filter((key) => map[key] !== undefined);
  if (given.length === 0) c.add('missing-key', path, 'key', `notify needs one of ${TARGETS_IN_WORDS}`);
  else if (given.length > 1) {
    const names = given.map((key) => `"${key}"`).join(' and ');
    c.add(
      'conflict',
      [...path, given[1] as string],
      'key',
      `give exactly one of "run", "command", "url" or "mail"; found ${names}`,
    );
  }
  let target: NotifyTarget | undefined;
  for (const key of given) target = readTarget(c, [...path, key], key, map[key]);
  const on = map['on'] === undefined ? ALERT_EVENTS : readEvents(c, [...path, 'on'], map['on']);
  const after = map['after'] === undefined ? 1 : readInteger(c, [...path, 'after'], map['after'], 1);
  const repeatMs = map['repeat'] === undefined ? null : readDuration(c, [...path, 'repeat'], map['repeat'], true);
  // This host's matter only for a notifier the file gets right (not beside a conflict).
  if (target?.kind === 'mail' && given.length === 1 && env !== undefined) {
    const problem = checkSendmail(env['PATH']);
    if (problem !== undefined) c.warn('host', [...path, 'mail'], 'value', problem);
  }
  if (c.errorCount > before || target === undefined || on === undefined || after === undefined) return undefined;
  if (repeatMs === undefined) return undefined;
  return { target, on, after, repeatMs };
}

function readTarget(
  c: IssueCollector,
  path: Path,
  key: (typeof TARGET_KEYS)[number],
  raw: unknown,
): NotifyTarget | undefined {
  switch (key) {
    case 'run': {
      const run = readText(c, path, raw, 'a shell command');
      return run === undefined ? undefined : { kind: 'run', run };
    }
    case 'command': {
      const argv = readArgv(c, path, raw);
      return argv === undefined ? undefined : { kind: 'command', argv };
    }
    case 'url': {
      const url = readUrl(c, path, raw);
      return url === undefined ? undefined : { kind: 'url', url };
    }
    case 'mail': {
      const to = readMail(c, path, raw);
      return to === undefined ? undefined : { kind: 'mail', to };
    }
  }
}

/** An http or https URL with a host, nothing blank or a control character in it. */
function readUrl(c: IssueCollector, path: Path, raw: unknown): string | undefined {
  const text = readText(c, path, raw, 'an http or https URL');
  if (text === undefined) return undefined;
  const url = CONTROL_OR_BLANK.test(text) ? null : parseUrl(text);
  if (url === null || url.hostname === '' || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    c.add(
      'invalid-value',
      path,
      'value',
      `expected an http or https URL like "https://ntfy.sh/backups", got ${showValue(redactUrl(text))}`,
    );
    return undefined;
  }
  return text;
}

/** An address, or addresses separated by commas: plain ones, nothing that could break the mail's header. */
function readMail(c: IssueCollector, path: Path, raw: unknown): string | undefined {
  const text = readText(c, path, raw, 'a mail address');
  if (text === undefined) return undefined;
  const addresses = text.split(',').map((part) => part.trim());
  if (addresses.every((address) => MAIL_ADDRESS.test(address))) return addresses.join(', ');
  const why = /[\r\n\u0000-\u001f\u007f]/.test(text) ? ' (no line breaks or control characters)' : '';
  c.add(
    'invalid-value',
    path,
    'value',
    `expected a mail address like "ops@example.com", or several separated by commas${why}, got ${showValue(text)}`,
  );
  return undefined;
}

/** `on:` one event or a list of them, kept in the order of ALERT_EVENTS. */
function readEvents(c: IssueCollector, path: Path, raw: unknown): readonly AlertEvent[] | undefined {
  const items = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (items.length === 0) {
    c.add(
      'invalid-value',
      path,
      'value',
      'expected one or more of failure, recovery, overdue, auto-hold, got an empty list; ' +
        'to send nothing, write notify: false',
    );
    return undefined;
  }
  const chosen = new Set<AlertEvent>();
  let bad = false;
  for (const [index, item] of items.entries()) {
    const event = readEnum(c, Array.isArray(raw) ? [...path, index] : path, item, ALERT_EVENTS);
    if (event === undefined) bad = true;
    else chosen.add(event);
  }
  return bad ? undefined : ALERT_EVENTS.filter((event) => chosen.has(event));
}

/** A notifier as `show`, `--json` and the log may print it: its kind and target, a URL's user and password hidden. */
export function describeNotifyTarget(target: NotifyTarget): {
  readonly kind: NotifyTarget['kind'];
  readonly target: string;
} {
  switch (target.kind) {
    case 'run':
      return { kind: 'run', target: target.run };
    case 'command':
      return { kind: 'command', target: target.argv.join(' ') };
    case 'url':
      return { kind: 'url', target: redactUrl(target.url) };
    case 'mail':
      return { kind: 'mail', target: target.to };
  }
}

/** `url` with its user and password (a secret) replaced by "***", also in text that is not a valid URL. */
export function redactUrl(url: string): string {
  const parsed = parseUrl(url);
  if (parsed === null) return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '***';
  parsed.password = '';
  return parsed.href;
}

/** `new URL`, or null (URL.parse is Node 20.18+, and taskkit runs on 20.11). */
function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
