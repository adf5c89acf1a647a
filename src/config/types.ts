/**
 * The normalised tasks file: what the engine, runner and CLI consume. Every field here is
 * already validated, has its default applied, durations in ms, paths absolute, zones resolved.
 * The tasks-file keys (kebab-case) are given in each comment; man/taskkit.5 documents them too.
 */
import type { ConfigIssue } from './issues.js';
import type { ExceptCalendar } from '../schedule/excluded-dates.js';
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import type { TaskFunction } from '../task-context.js';

/** What one run executes. */
export type TaskAction =
  /** `run: STRING`: a shell command line, run as `<shell> -c STRING`. */
  | { readonly kind: 'shell'; readonly script: string; readonly shell: string }
  /** `command: [argv...]`: a program and its arguments, no shell. */
  | { readonly kind: 'argv'; readonly argv: readonly [string, ...string[]] }
  /** `module: PATH` (+ `export`, `args`): a JS module run in a worker thread. */
  | {
      readonly kind: 'module';
      /** Absolute path, resolved against the tasks file's folder. */
      readonly path: string;
      /** `export:` - the export to call; default "default". */
      readonly exportName: string;
      /** `args:` - any YAML value, handed to the function as `ctx.args`; default null. */
      readonly args: unknown;
    }
  /** Library API only: an in-process function (`Scheduler.add(name, { run: fn })`). */
  | { readonly kind: 'function'; readonly fn: TaskFunction };

/** `overlap:` what a new trigger does while a run of the same task is still going. */
export type OverlapPolicy = 'skip' | 'queue' | 'replace' | 'allow';

/** `catch-up:` what to do with instants missed while the daemon was down or the machine slept. */
export type CatchUpPolicy = 'skip' | 'once' | 'all';

/** `settings.reboot`: when `@reboot` tasks run. */
export type RebootPolicy = 'once-per-boot' | 'every-start';

/** `retry:` N or `{attempts, delay, backoff, max-delay}`. */
export interface RetryPolicy {
  /** How many times a failed or timed-out run is tried again; 0 = never (default). */
  readonly attempts: number;
  /** `delay:` wait before the first retry; default 10s. */
  readonly delayMs: number;
  /** `backoff:` factor applied to the delay for each further retry; default 2 (1 = constant). */
  readonly backoff: number;
  /** `max-delay:` ceiling of the delay; default 10m. */
  readonly maxDelayMs: number;
  /**
   * `interrupted: true` (cluster mode): a run its host died in is retried by another host. Absent
   * when not given (or false), so that existing tasks keep their definition fingerprint.
   */
  readonly interrupted?: true;
}

/** `history:` retention, in settings or per task. */
export interface HistoryPolicy {
  /** `keep:` runs kept per task; default 200. */
  readonly keep: number;
  /** `output-limit:` bytes of output kept per run (head + tail); default 256KiB. */
  readonly outputLimitBytes: number;
}

/** Where a value came from in the tasks file, for messages. 1-based line and column. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One task, fully resolved. Frozen. */
export interface TaskSpec {
  /** The map key under `tasks:`. Letters, digits, `-`, `_`, `.`; starts with a letter or digit. */
  readonly name: string;
  /** `description:` free text; default "". */
  readonly description: string;
  /** One of `every` (+ `start`), `daily`, `at`, `cron`; none = on demand. */
  readonly schedule: ScheduleSpec;
  /** `timezone:` IANA zone; default `settings.timezone`, else the system's. */
  readonly timezone: string;
  /** Exactly one of `run`, `command`, `module`. */
  readonly action: TaskAction;
  /** `cwd:` absolute; default the tasks file's folder. */
  readonly cwd: string;
  /** `env:` extra environment variables (strings; numbers and booleans are stringified). */
  readonly env: Readonly<Record<string, string>>;
  /** `env-file:` absolute path of the NAME=VALUE file read into `env` when the file was loaded; null = none. */
  readonly envFile: string | null;
  /** Names in `env` whose value is secret (`NAME: {secret: VALUE}`, or from `env-file`): never shown. Sorted. */
  readonly secretEnv: readonly string[];
  /** `timeout:` ms after which the run is stopped (SIGTERM to its process group); null = none (default). */
  readonly timeoutMs: number | null;
  /** `kill-after:` ms between SIGTERM and SIGKILL on timeout, cancel or shutdown; default 10s. */
  readonly killAfterMs: number;
  /** `overlap:` default "skip". */
  readonly overlap: OverlapPolicy;
  readonly retry: RetryPolicy;
  /** `jitter:` each scheduled run starts after a random delay in [0, jitter); default 0. */
  readonly jitterMs: number;
  /** `catch-up:` default "skip". */
  readonly catchUp: CatchUpPolicy;
  /** `deadline:` how late a (catch-up or delayed) run may still start; null = no limit (default). */
  readonly deadlineMs: number | null;
  /**
   * `expect-success-within:` ms without a succeeded run after which the task is overdue (dead-man);
   * absent = none (default). Absent rather than null so that tasks without it keep their fingerprint.
   */
  readonly expectSuccessWithinMs?: number;
  /** `hold: true` starts the task held; default false. */
  readonly hold: boolean;
  /**
   * `hold-after-failures:` hold the task after this many consecutive failed slots; absent = never
   * (absent rather than null, so that the definitions of tasks without it keep their fingerprint).
   */
  readonly holdAfterFailures?: number;
  /**
   * `notify:` who is told of the task's alerts (the task's own, else `settings.notify`; `notify: false`
   * turns the default off). Absent = nobody (absent rather than null: fingerprints stay as they were).
   */
  readonly notify?: NotifySpec;
  /**
   * `except:` the calendars (settings.calendars) whose local dates the task's instants skip, in the
   * order named, with their dates as read at load (a reload re-reads them). Absent = none (absent
   * rather than [], and left out of the definition like `notify`: a new calendar is no new task).
   */
  readonly except?: readonly ExceptCalendar[];
  /**
   * `group:` the concurrency group (a name of `settings.groups`) whose limit the task's runs share;
   * absent = none (absent rather than null: fingerprints stay as they were).
   */
  readonly group?: string;
  /** `max-runs:` scheduled runs after which the task is done; null = unlimited (default). */
  readonly maxRuns: number | null;
  /** `until:` no scheduled run at or after this instant; null = none (default). */
  readonly until: Instant | null;
  /** `after:` run when any of these tasks succeeds (dependency trigger); default []. */
  readonly after: readonly string[];
  /**
   * `after-all:` a join: run once every one of these tasks succeeded since this task's last run started
   * (engine/join.ts). Absent = none (absent rather than [], so that fingerprints stay as they were).
   */
  readonly afterAll?: readonly string[];
  /** `on-success:` tasks to trigger when a run of this task succeeds; default []. */
  readonly onSuccess: readonly string[];
  /** `on-failure:` tasks to trigger when this task fails for good (after retries); default []. */
  readonly onFailure: readonly string[];
  /** `history:` per-task override of `settings.history`. */
  readonly history: HistoryPolicy;
  /**
   * `scope: host`: in cluster mode, run on every host without a claim (config/scope.ts taskScope).
   * Absent = `cluster`, the default (`scope: cluster` is read as absent): fingerprints stay as they were.
   */
  readonly scope?: 'host';
  /** Where the task's key sits in the tasks file (absent for tasks added through the library API). */
  readonly source?: SourcePosition;
}

/** What a notifier can be told of (`notify.on`); DESIGN.md "Alerts and health". */
export type AlertEvent = 'failure' | 'recovery' | 'overdue' | 'auto-hold';

/** Where an alert goes: exactly one of `run:`, `command:`, `url:`, `mail:`. */
export type NotifyTarget =
  /** A shell line, run with `settings.shell` in the tasks file's folder. */
  | { readonly kind: 'run'; readonly run: string }
  /** An argv, run without a shell. */
  | { readonly kind: 'command'; readonly argv: readonly string[] }
  /** An http(s) URL the alert is POSTed to as JSON. */
  | { readonly kind: 'url'; readonly url: string }
  /** An address (or comma-separated addresses) a message is sent to through `sendmail -t`. */
  | { readonly kind: 'mail'; readonly to: string };

/** `notify:` resolved. */
export interface NotifySpec {
  readonly target: NotifyTarget;
  /** `on:` the events sent; default all four, in the order of AlertEvent. */
  readonly on: readonly AlertEvent[];
  /** `after:` consecutive failed slots before the first `failure` alert; default 1. */
  readonly after: number;
  /** `repeat:` while still failing, alert again at most this often (ms); null = never (default). */
  readonly repeatMs: number | null;
}

/** `settings:` of the tasks file, resolved. */
export interface Settings {
  /** `timezone:` default zone of every task; default the system's (TZ or /etc/localtime, config/process-zone.ts). */
  readonly timezone: string;
  /** `state-dir:` absolute; default `$XDG_STATE_HOME/taskkit`, else `~/.local/state/taskkit`. */
  readonly stateDir: string;
  /**
   * `socket:` absolute path of the control socket; null = the default
   * (`$XDG_RUNTIME_DIR/taskkit/taskkit.sock`, else `<state-dir>/taskkit.sock`).
   */
  readonly socket: string | null;
  /** `max-concurrent:` runs at once across all tasks; more wait in a fair queue; default 8. */
  readonly maxConcurrent: number;
  /**
   * `groups:` concurrency groups: name -> most runs of the group's tasks at once across the daemon
   * (more wait in a fair queue, as for max-concurrent); default none.
   */
  readonly groups: Readonly<Record<string, number>>;
  /** `shell:` used for `run:` commands; default /bin/sh. */
  readonly shell: string;
  /** `history:` default retention of every task. */
  readonly history: HistoryPolicy;
  /** `hold-after-failures:` default of every task; null = never (default). */
  readonly holdAfterFailures: number | null;
  /** `notify:` default notifier of every task; null = none (default). */
  readonly notify: NotifySpec | null;
  /** `shutdown-grace:` ms running runs get on stop before they are killed; default 30s. */
  readonly shutdownGraceMs: number;
  /**
   * `reboot:` when `@reboot` tasks run: `once-per-boot` (default: the first daemon start of each
   * machine boot) or `every-start`. The daemon reads it (daemon/reboot-tasks.ts); the library fires at every start.
   */
  readonly reboot: RebootPolicy;
  /** `calendars:` named date sets for `except:` (config/calendars.ts); absent when the file has none. */
  readonly calendars?: Calendars;
  /** `http:` the status page and /metrics listener (config/http-settings.ts); absent: off (default). */
  readonly http?: HttpSettings;
  /**
   * `cluster:` cluster mode on PostgreSQL (config/cluster-settings.ts; ../shared/CLUSTER.md); absent: one
   * host (default). When set, `timezone` was given in the file (required).
   */
  readonly cluster?: ClusterSettings;
}

/** `settings.cluster` resolved. Durations in ms. */
export interface ClusterSettings {
  /**
   * `store:` as written: a `postgres://` or `postgresql://` URL without a password, or `$NAME`: the URL
   * is the daemon's environment variable NAME, read at start (config/cluster-settings.ts resolveClusterStore).
   */
  readonly store: string;
  /**
   * `env-file:` read at load: its absolute path and NAME=VALUE values, where `store: $NAME` is looked
   * up before the environment. Absent when not given.
   */
  readonly envFile?: { readonly path: string; readonly values: Readonly<Record<string, string>> };
  /** `name:` the PostgreSQL schema and NOTIFY channel, `[a-z_][a-z0-9_]{0,40}`; default `taskkit`. */
  readonly name: string;
  /** `beat:` how often the host renews its lease; default 5s. */
  readonly beatMs: number;
  /** `gone-after:` a host whose process is gone (its lock free) and beat this long ago is dead; default 2 x beat. */
  readonly goneAfterMs: number;
  /** `lease:` a host that has not beaten for this long is dead (more than 2 x beat); default 30s. */
  readonly leaseMs: number;
}

/** `scope:` where a task's runs go in cluster mode: claimed once in the cluster, or run on every host. */
export type TaskScope = 'cluster' | 'host';

/** `settings.http` resolved: where the daemon listens, and the token file a non-loopback address requires. */
export interface HttpSettings {
  /** The address as written back (`127.0.0.1:9187`, `[::1]:9187`). */
  readonly listen: string;
  /** As listen() takes it (an IPv6 address without brackets). */
  readonly host: string;
  readonly port: number;
  /** 127.0.0.0/8, ::1 or localhost. */
  readonly loopback: boolean;
  /** `token-file:` absolute; null: no token (loopback only). */
  readonly tokenFile: string | null;
}

/** Calendars by name: their dates as day numbers (days since 1970-01-01), ascending, no repeats. */
export type Calendars = Readonly<Record<string, readonly number[]>>;

/** A loaded, valid tasks file. */
export interface TasksFile {
  /** Absolute path of the file. */
  readonly path: string;
  readonly settings: Settings;
  /** In file order. */
  readonly tasks: readonly TaskSpec[];
  /** What this host would trip over at run time (a `cwd` or `shell` not found): warnings, not errors. */
  readonly warnings: readonly ConfigIssue[];
}
