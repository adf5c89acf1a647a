/**
 * The one declarative table of tasks-file keys (issue 6): for every key its value shape, a
 * one-line description (man/taskkit.yaml.5's wording; editors show it on hover) and its default
 * as written in the file. The readers take their key lists and enum values from here and
 * json-schema.ts derives the JSON Schema from it, so a key is declared once: adding one is an
 * entry here, its reader, and its man page entry (test/config/key-table.test.ts checks all three).
 * The shapes a value may take are value-shape.ts's; the keys of a `notify:` map are notify-keys.ts's.
 */
import { formatDuration } from '../schedule/duration.js';
import { MIN_EVERY_MS } from '../schedule/every.js';
import {
  DEFAULT_CLUSTER_BEAT_MS,
  DEFAULT_CLUSTER_LEASE_MS,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_HISTORY_KEEP,
  DEFAULT_KILL_AFTER_MS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_OUTPUT_LIMIT_BYTES,
  DEFAULT_RETRY_BACKOFF,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_SHELL,
  DEFAULT_SHUTDOWN_GRACE_MS,
  MAX_CONCURRENT_LIMIT,
  MAX_TASK_NAME_LENGTH,
  MAX_OUTPUT_LIMIT_BYTES,
  MIN_CLUSTER_BEAT_MS,
  MIN_OUTPUT_LIMIT_BYTES,
} from './defaults.js';
import { NOTIFY_KEY_TABLE } from './notify-keys.js';
import type { KeyTable, ValueShape } from './value-shape.js';

/** 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit (task.ts checks it too). */
export const TASK_NAME_PATTERN = `^[A-Za-z0-9][A-Za-z0-9._-]{0,${MAX_TASK_NAME_LENGTH - 1}}$`;
/** POSIX portable names; anything else cannot be read back by a shell script. */
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const DURATION: ValueShape = { kind: 'duration', minMs: 0 };
const POSITIVE_DURATION: ValueShape = { kind: 'duration', minMs: 1 };
const TEXT: ValueShape = { kind: 'text' };
const PATH: ValueShape = { kind: 'path' };
const DATE_TIME: ValueShape = { kind: 'date-time' };
// One value or a list: `daily: "03:30"` and `daily: ["03:30", "15:30"]`.
const TIMES_OF_DAY: ValueShape = {
  kind: 'one-of',
  shapes: [{ kind: 'time-of-day' }, { kind: 'list', item: { kind: 'time-of-day' }, minItems: 1 }],
};
const DATE_TIMES: ValueShape = { kind: 'one-of', shapes: [DATE_TIME, { kind: 'list', item: DATE_TIME, minItems: 1 }] };
const TASK_NAMES: ValueShape = {
  kind: 'one-of',
  shapes: [{ kind: 'task-name' }, { kind: 'list', item: { kind: 'task-name' }, minItems: 0 }],
};

/** `NAME: {secret: VALUE}` in `env`: the value is used, never shown. */
const SECRET_VALUE: ValueShape = {
  kind: 'map',
  keys: {
    secret: {
      shape: { kind: 'one-of', shapes: [{ kind: 'string' }, { kind: 'number' }, { kind: 'boolean' }] },
      required: true,
      description: 'The value; list, show, --json and the log print (secret) instead.',
    },
  },
  withDefaults: false,
};

const NOTIFY_MAP: ValueShape = { kind: 'map', keys: NOTIFY_KEY_TABLE, withDefaults: true };

/** `history:` in the settings and per task. */
export const HISTORY_KEY_TABLE = {
  keep: { shape: { kind: 'integer', min: 1 }, default: DEFAULT_HISTORY_KEEP, description: 'Runs kept per task.' },
  'output-limit': {
    shape: { kind: 'byte-size', minBytes: MIN_OUTPUT_LIMIT_BYTES, maxBytes: MAX_OUTPUT_LIMIT_BYTES },
    default: `${DEFAULT_OUTPUT_LIMIT_BYTES / 1024}KiB`,
    description: 'Output kept per run, head and tail: a byte size such as 256KiB (at least 1KiB, at most 8MiB).',
  },
} satisfies KeyTable;

/** `retry:` as a map. */
export const RETRY_KEY_TABLE = {
  attempts: {
    shape: { kind: 'integer', min: 0 },
    required: true,
    description: 'How many times a failed or timed-out run is tried again.',
  },
  delay: {
    shape: DURATION,
    default: formatDuration(DEFAULT_RETRY_DELAY_MS),
    description: 'Wait before the first retry.',
  },
  backoff: {
    shape: { kind: 'number', min: 1 },
    default: DEFAULT_RETRY_BACKOFF,
    description: 'Factor applied to the delay for each further retry (1 = constant).',
  },
  'max-delay': {
    shape: DURATION,
    default: formatDuration(DEFAULT_RETRY_MAX_DELAY_MS),
    description: 'Ceiling of the retry delay.',
  },
  interrupted: {
    shape: { kind: 'boolean' },
    default: false,
    description:
      'Cluster mode: a run cut short by its host dying is retried by another host, ' +
      "not before that host's lease has ended plus kill-after.",
  },
} satisfies KeyTable;

/** One item of a calendar: a date or an inclusive range (config/calendars.ts checks them), or an .ics file. */
const CALENDAR_ITEM: ValueShape = {
  kind: 'one-of',
  shapes: [
    { kind: 'text' },
    {
      kind: 'map',
      keys: {
        file: {
          shape: PATH,
          required: true,
          description: "An iCalendar file whose all-day events are the calendar's dates, read at start and reload.",
        },
      },
      withDefaults: false,
    },
  ],
};

/** `settings.http` as a map. */
export const HTTP_KEY_TABLE = {
  listen: {
    shape: TEXT,
    required: true,
    description: 'HOST:PORT to listen on: 127.0.0.1:9187, [::1]:9187, 0.0.0.0:9187 (not loopback: needs token-file).',
  },
  'token-file': {
    shape: PATH,
    description:
      'A file of mode 0600 holding the secret every request must carry (Authorization: Bearer, or the login ' +
      'form). Required unless listen is loopback.',
  },
} satisfies KeyTable;

/** `settings.cluster`. */
export const CLUSTER_KEY_TABLE = {
  store: {
    shape: TEXT,
    required: true,
    description:
      'The PostgreSQL database: a postgres:// or postgresql:// URL without a password (~/.pgpass or PGPASSWORD ' +
      "hold it), or $NAME: the URL is the variable NAME of env-file, else of the daemon's environment " +
      '(it may carry a password).',
  },
  'env-file': {
    shape: PATH,
    description:
      "A NAME=VALUE file (as a task's env-file: relative to the tasks file's folder, same format and trust " +
      'rules) where store: $NAME is looked up first, so the URL and its password sit in no tasks file.',
  },
  name: {
    shape: TEXT,
    default: DEFAULT_CLUSTER_NAME,
    description: "The cluster's schema and NOTIFY channel: lowercase letters, digits and _, up to 41, not pg_...",
  },
  beat: {
    shape: { kind: 'duration', minMs: MIN_CLUSTER_BEAT_MS },
    default: formatDuration(DEFAULT_CLUSTER_BEAT_MS),
    description: 'How often each host renews its lease on the database clock.',
  },
  'gone-after': {
    shape: POSITIVE_DURATION,
    description:
      'A host whose process is gone (its lock free) and that last beat this long ago is dead. Default: 2 x beat.',
  },
  lease: {
    shape: POSITIVE_DURATION,
    default: formatDuration(DEFAULT_CLUSTER_LEASE_MS),
    description: 'A host that has not beaten for this long is dead, its running runs interrupted; more than 2 x beat.',
  },
} satisfies KeyTable;

/** `settings:`. */
export const SETTINGS_KEY_TABLE = {
  timezone: {
    shape: { kind: 'time-zone' },
    description: "IANA zone name, the default of every task. Default: the system's (TZ, else /etc/localtime).",
  },
  'state-dir': {
    shape: PATH,
    description: 'Where taskkit keeps its state. Default: $XDG_STATE_HOME/taskkit, else ~/.local/state/taskkit.',
  },
  socket: {
    shape: PATH,
    description:
      "The daemon's control socket. Default: $XDG_RUNTIME_DIR/taskkit/taskkit.sock, else state-dir/taskkit.sock.",
  },
  'max-concurrent': {
    shape: { kind: 'integer', min: 1, max: MAX_CONCURRENT_LIMIT },
    default: DEFAULT_MAX_CONCURRENT,
    description: 'Runs at once across all tasks; more wait in a fair (round-robin by task) queue.',
  },
  groups: {
    shape: {
      kind: 'record',
      namePattern: TASK_NAME_PATTERN,
      minEntries: 0,
      value: { kind: 'integer', min: 1 },
    },
    description:
      'Concurrency groups: a map from group name to the most runs of its tasks at once across the daemon ' +
      '(more wait in a fair queue). Default: none.',
  },
  shell: { shape: TEXT, default: DEFAULT_SHELL, description: 'The shell of run commands, called as SHELL -c COMMAND.' },
  history: {
    shape: { kind: 'map', keys: HISTORY_KEY_TABLE, withDefaults: true },
    description: 'Run history of every task: keep (runs per task) and output-limit (output per run).',
  },
  'hold-after-failures': {
    shape: { kind: 'integer', min: 1 },
    description: 'The default hold-after-failures of every task. Default: none (a failing task is never held).',
  },
  notify: {
    shape: NOTIFY_MAP,
    description:
      "Every task's notifier (a task's own notify replaces it): one of run, command, url, mail. Default: none.",
  },
  'shutdown-grace': {
    shape: DURATION,
    default: formatDuration(DEFAULT_SHUTDOWN_GRACE_MS),
    description: 'On stop, how long running runs get before they are killed.',
  },
  reboot: {
    shape: { kind: 'enum', values: ['once-per-boot', 'every-start'] as const },
    default: 'once-per-boot',
    description:
      'When @reboot tasks run: at the first daemon start of each machine boot (as cron), or at every start ' +
      '(a container, whose restarts keep the boot of its host).',
  },
  calendars: {
    shape: {
      kind: 'record',
      namePattern: TASK_NAME_PATTERN,
      minEntries: 0,
      value: { kind: 'one-of', shapes: [CALENDAR_ITEM, { kind: 'list', item: CALENDAR_ITEM, minItems: 0 }] },
    },
    description:
      'Named date sets for except: each a date (2026-12-25), an inclusive range ("2026-12-24..2026-12-31"), ' +
      '{file: PATH.ics} (its all-day events), or a list of them. Default: none.',
  },
  http: {
    shape: {
      kind: 'one-of',
      shapes: [TEXT, { kind: 'map', keys: HTTP_KEY_TABLE, withDefaults: false }],
    },
    description:
      'Serve the status page and Prometheus /metrics: HOST:PORT, or {listen: HOST:PORT, token-file: PATH}. ' +
      'Default: off.',
  },
  cluster: {
    shape: { kind: 'map', keys: CLUSTER_KEY_TABLE, withDefaults: true },
    description:
      'Cluster mode: hosts sharing this file and a PostgreSQL database run each instant once. Requires timezone. ' +
      'Default: off (one host).',
  },
} satisfies KeyTable;

/** One task, in the order of man/taskkit.yaml.5: schedule, what to run, options. */
export const TASK_KEY_TABLE = {
  every: {
    shape: { kind: 'duration', minMs: MIN_EVERY_MS },
    group: 'schedule',
    description:
      'Fixed rate on the absolute timeline (a duration such as 5m), anchored at start, ' +
      "by default at midnight of 2000-01-01 in the task's zone.",
  },
  start: {
    shape: DATE_TIME,
    onlyWith: ['every', 'rrule'],
    description:
      'The anchor of every (a date-time); instants before it do not fire. For rrule: DTSTART, a local ' +
      "date-time in the task's zone.",
  },
  daily: {
    shape: TIMES_OF_DAY,
    group: 'schedule',
    description: 'Every day at these wall-clock times: "HH:MM" or "HH:MM:SS", or a list of them.',
  },
  at: {
    shape: DATE_TIMES,
    group: 'schedule',
    description: 'One-shot instants: a date-time or a list; once the last has passed the task is done.',
  },
  cron: {
    shape: { kind: 'cron' },
    group: 'schedule',
    description:
      'Five fields (minute hour day-of-month month day-of-week) or six (second first), or a macro: @hourly, ' +
      '@daily, @weekly, @monthly, @yearly, @reboot.',
  },
  rrule: {
    shape: { kind: 'rrule' },
    group: 'schedule',
    description:
      'An RFC 5545 recurrence rule such as "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18", expanded as python-dateutil ' +
      "does from start (DTSTART; default 2000-01-01 00:00) in the task's wall time.",
  },
  run: { shape: TEXT, group: 'action', description: 'A shell command line.' },
  command: {
    shape: { kind: 'argv' },
    group: 'action',
    description: 'A program and its arguments, without a shell: [program, arg, ...].',
  },
  module: {
    shape: PATH,
    group: 'action',
    description: 'A JavaScript module whose export is called with a task context, in a worker thread of its own.',
  },
  export: { shape: TEXT, onlyWith: 'module', default: 'default', description: 'The export of module to call.' },
  args: {
    shape: { kind: 'any' },
    onlyWith: 'module',
    description: "Any value, handed to the module's function as ctx.args.",
  },
  description: { shape: { kind: 'string' }, default: '', description: 'Free text.' },
  timezone: { shape: { kind: 'time-zone' }, description: "The task's IANA zone. Default: settings.timezone." },
  cwd: { shape: PATH, description: "Working directory. Default: the tasks file's folder." },
  env: {
    shape: {
      kind: 'record',
      namePattern: ENV_NAME_PATTERN,
      minEntries: 0,
      value: { kind: 'one-of', shapes: [{ kind: 'string' }, { kind: 'number' }, { kind: 'boolean' }, SECRET_VALUE] },
    },
    description:
      'A map of extra environment variables (strings, numbers or booleans); write NAME: {secret: ' +
      'VALUE} for a value list, show and --json never print.',
  },
  'env-file': {
    shape: PATH,
    description:
      'A file of NAME=VALUE lines read into env at start and reload (env wins for a name in both); ' +
      'its values are secret.',
  },
  shell: { shape: TEXT, onlyWith: 'run', description: "The shell of this task's run. Default: settings.shell." },
  timeout: {
    shape: POSITIVE_DURATION,
    description:
      'A duration after which the run is stopped: SIGTERM to its process group, then SIGKILL after kill-after. ' +
      'Default: none.',
  },
  'kill-after': {
    shape: DURATION,
    default: formatDuration(DEFAULT_KILL_AFTER_MS),
    description: 'Time between SIGTERM and SIGKILL on timeout, cancel and shutdown.',
  },
  overlap: {
    shape: { kind: 'enum', values: ['skip', 'queue', 'replace', 'allow'] as const },
    default: 'skip',
    description:
      'What a new trigger does while a run of the task is going: skip it, queue it, replace the running run, ' +
      'or allow both in parallel.',
  },
  retry: {
    shape: {
      kind: 'one-of',
      shapes: [
        { kind: 'integer', min: 0 },
        { kind: 'map', keys: RETRY_KEY_TABLE, withDefaults: true },
      ],
    },
    default: 0,
    description: 'N, or {attempts, delay, backoff, max-delay}: retry a failed or timed-out run up to attempts times.',
  },
  jitter: {
    shape: DURATION,
    default: '0s',
    description: 'Delay each scheduled run by a random time below this duration.',
  },
  'catch-up': {
    shape: { kind: 'enum', values: ['skip', 'once', 'all'] as const },
    default: 'skip',
    description:
      'For instants missed while the clock jumped or the machine slept: skip them, run once for the latest, ' +
      'or run all of them.',
  },
  deadline: {
    shape: POSITIVE_DURATION,
    description: 'How late a catch-up run may still start, after its instant. Default: no limit.',
  },
  'expect-success-within': {
    shape: POSITIVE_DURATION,
    description:
      'Dead-man: the task is overdue (an `overdue` event, status --check CRITICAL) when no run of it succeeded ' +
      "for this long, counted from its last success or the daemon's start. Default: none.",
  },
  hold: {
    shape: { kind: 'boolean' },
    default: false,
    description: 'true starts the task held: no scheduled runs until resumed.',
  },
  'hold-after-failures': {
    shape: { kind: 'integer', min: 1 },
    description:
      'Hold the task after this many consecutive failed slots (an instant with all its retries). ' +
      'Default: settings.hold-after-failures, else never.',
  },
  notify: {
    shape: { kind: 'one-of', shapes: [NOTIFY_MAP, { kind: 'false' }] },
    description:
      "Who is told of the task's alerts, replacing settings.notify; false: nobody. Default: settings.notify.",
  },
  group: {
    shape: TEXT,
    description:
      "A group of settings.groups: the task's runs count towards its limit and wait for a free place in it. " +
      'Default: none.',
  },
  'max-runs': {
    shape: { kind: 'integer', min: 1 },
    description: 'After this many scheduled runs the task is done. Default: unlimited.',
  },
  until: { shape: DATE_TIME, description: 'A date-time from which no scheduled run starts.' },
  except: {
    shape: { kind: 'one-of', shapes: [TEXT, { kind: 'list', item: TEXT, minItems: 0 }] },
    description:
      "A calendar name or a list (settings.calendars): instants whose local date in the task's zone is in one " +
      'of them are skipped, recorded as skipped (calendar). Default: none.',
  },
  after: {
    shape: TASK_NAMES,
    default: [],
    description: 'A task name or a list: run this task each time one of them succeeds.',
  },
  'after-all': {
    shape: TASK_NAMES,
    description:
      'A task name or a list: a join. Run this task once every one of them has succeeded since its own last run ' +
      'started (a run of any kind starts the wait afresh). Default: none.',
  },
  'on-success': {
    shape: TASK_NAMES,
    default: [],
    description: 'A task name or a list: trigger them when this task succeeds.',
  },
  'on-failure': {
    shape: TASK_NAMES,
    default: [],
    description: 'A task name or a list: trigger them when this task fails for good (after its retries).',
  },
  history: {
    shape: { kind: 'map', keys: HISTORY_KEY_TABLE, withDefaults: false },
    description: 'Per-task keep and output-limit, over settings.history.',
  },
  scope: {
    shape: { kind: 'enum', values: ['cluster', 'host'] as const },
    default: 'cluster',
    description:
      'In cluster mode: cluster (each instant runs once, on the host that claims it) or host (on every host, ' +
      'unclaimed; @reboot tasks always). No effect on one host.',
  },
} satisfies KeyTable;

/** The top level of the tasks file. */
export const TOP_KEY_TABLE = {
  settings: {
    shape: {
      kind: 'one-of',
      shapes: [{ kind: 'map', keys: SETTINGS_KEY_TABLE, withDefaults: true }, { kind: 'null' }],
    },
    description: 'Settings of the daemon and defaults of every task; all optional.',
  },
  tasks: {
    shape: {
      kind: 'record',
      namePattern: TASK_NAME_PATTERN,
      minEntries: 1,
      value: { kind: 'map', keys: TASK_KEY_TABLE, withDefaults: true },
    },
    required: true,
    description:
      'A map from task name (1-100 letters, digits, ".", "_" or "-", starting with a letter or digit) to task.',
  },
} satisfies KeyTable;

// The readers' key lists, derived: checkKeys rejects (with a did-you-mean) every other key.
export const TOP_KEYS: readonly string[] = Object.keys(TOP_KEY_TABLE);
export const SETTINGS_KEYS: readonly string[] = Object.keys(SETTINGS_KEY_TABLE);
export const TASK_KEYS: readonly string[] = Object.keys(TASK_KEY_TABLE);
export const RETRY_KEYS: readonly string[] = Object.keys(RETRY_KEY_TABLE);
export const HISTORY_KEYS: readonly string[] = Object.keys(HISTORY_KEY_TABLE);
export const HTTP_KEYS: readonly string[] = Object.keys(HTTP_KEY_TABLE);
export const CLUSTER_KEYS: readonly string[] = Object.keys(CLUSTER_KEY_TABLE);
