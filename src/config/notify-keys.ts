/**
 * The keys of a `notify:` map, in the settings and per task: exactly one notifier (run,
 * command, url, mail) and when it is told (on, after, repeat). A table of key-table.ts's kind, kept
 * beside the alerts it configures; config/notify.ts reads and checks it, engine/alerts.ts decides
 * what goes out.
 */
import type { KeyTable, ValueShape } from './value-shape.js';

const TEXT: ValueShape = { kind: 'text' };
const POSITIVE_DURATION: ValueShape = { kind: 'duration', minMs: 1 };
/** The events a notifier may be told of (`on:`), every one by default. */
const ALERT_EVENT_NAMES = ['failure', 'recovery', 'overdue', 'auto-hold'] as const;

/** `notify:` in the settings and per task (config/notify.ts): exactly one notifier, and when it is told. */
export const NOTIFY_KEY_TABLE = {
  run: {
    shape: TEXT,
    group: 'notifier',
    description: 'A shell command line run for each alert (with settings.shell).',
  },
  command: {
    shape: { kind: 'argv' },
    group: 'notifier',
    description: 'A program and its arguments run for each alert.',
  },
  url: { shape: TEXT, group: 'notifier', description: 'An http or https URL each alert is POSTed to as JSON.' },
  mail: {
    shape: TEXT,
    group: 'notifier',
    description: 'A mail address, or several separated by commas, each alert is mailed to through sendmail -t.',
  },
  on: {
    shape: {
      kind: 'one-of',
      shapes: [
        { kind: 'enum', values: ALERT_EVENT_NAMES },
        { kind: 'list', item: { kind: 'enum', values: ALERT_EVENT_NAMES }, minItems: 1 },
      ],
    },
    default: [...ALERT_EVENT_NAMES],
    description: 'The events sent: failure, recovery, overdue, auto-hold (one or a list).',
  },
  after: {
    shape: { kind: 'integer', min: 1 },
    default: 1,
    description: 'Consecutive failed slots (an instant with all its retries) before the first failure alert.',
  },
  repeat: {
    shape: POSITIVE_DURATION,
    description: 'While the task still fails, send failure again at most this often. Default: never.',
  },
} satisfies KeyTable;

export const NOTIFY_KEYS: readonly string[] = Object.keys(NOTIFY_KEY_TABLE);
