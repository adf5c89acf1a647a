/** `settings:` of the tasks file (or the library's Scheduler options) -> Settings with defaults. */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { showValue } from '../schedule/show-value.js';
import { readCalendars } from './calendars.js';
import { readCluster } from './cluster-settings.js';
import { createCollector, type IssueCollector } from './collector.js';
import type { FileTrust } from './file-trust.js';
import { checkShell } from './host-checks.js';
import { ConfigError } from './config-error.js';
import {
  DEFAULT_HISTORY,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_SHELL,
  DEFAULT_SHUTDOWN_GRACE_MS,
  MAX_CONCURRENT_LIMIT,
} from './defaults.js';
import { errorsOf, type ConfigIssue } from './issues.js';
import { SETTINGS_KEY_TABLE, SETTINGS_KEYS } from './key-table.js';
import { readGroups } from './groups.js';
import { readHttp } from './http-settings.js';
import { readNotify } from './notify.js';
import { readHistory } from './policies.js';
import type { PositionLookup } from './positions.js';
import {
  checkKeys,
  copyEntries,
  isPlainMap,
  readDuration,
  readEnum,
  readInteger,
  readPath,
  readText,
} from './read-value.js';
import { resolveProcessZone } from './process-zone.js';
import { readTimeZone } from './timezone.js';
import type { ClusterSettings, HttpSettings, NotifySpec, RebootPolicy, Settings } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

const NO_GROUPS: Readonly<Record<string, number>> = Object.freeze({});

export interface SettingsContext {
  /** Folder that relative `state-dir` and `socket` paths are resolved against. */
  readonly baseDir: string;
  /** Environment for the defaults (TZ, XDG_STATE_HOME, HOME). */
  readonly env: Env;
  readonly file?: string;
  readonly positions?: PositionLookup;
  /** Whose files to trust (cluster.env-file); absent or null: no check. */
  readonly trust?: FileTrust;
}

/**
 * Resolve settings; keys are kebab-case as in the file, and a key whose value is undefined
 * counts as absent. Throws ConfigError listing every invalid value.
 */
export function resolveSettings(
  raw: Readonly<Record<string, unknown>> | undefined,
  context: { baseDir: string; env: Env },
): Settings {
  const { settings, issues } = validateSettings(raw, context);
  if (errorsOf(issues).length > 0) throw new ConfigError(issues);
  return settings;
}

/**
 * Settings plus the issues found. Invalid values fall back to their defaults so that the
 * tasks can still be checked (all issues at once).
 */
export function validateSettings(
  raw: unknown,
  context: SettingsContext,
): { settings: Settings; issues: ConfigIssue[] } {
  const c = createCollector({
    file: context.file ?? '',
    task: null,
    prefix: ['settings'],
    positions: context.positions,
  });
  let map: Record<string, unknown> = {};
  if (isPlainMap(raw)) map = copyEntries(raw);
  else if (raw !== null && raw !== undefined) {
    c.add(
      'invalid-value',
      [],
      'value',
      `expected a map of settings (${SETTINGS_KEYS.join(', ')}), got ${showValue(raw)}`,
    );
  }
  checkKeys(c, [], map, SETTINGS_KEYS);
  const { baseDir, env } = context;
  const read = <T>(key: string, fallback: T, reader: (value: unknown, path: [string]) => T | undefined): T =>
    map[key] === undefined ? fallback : (reader(map[key], [key]) ?? fallback);
  // The process's zone only when the file names none: a TZ taskkit refuses matters only then.
  const processZone = map['timezone'] === undefined ? resolveProcessZone(env) : null;
  if (processZone?.ok === false) c.add('invalid-value', ['timezone'], 'key', processZone.reason);
  // A fall-back (TZ empty or unknown) is this host's matter, like a shell it lacks (host-checks.ts).
  if (processZone?.ok === true && processZone.warning !== null)
    c.warn('host', ['timezone'], 'key', processZone.warning);
  const settings: Settings = {
    timezone: read('timezone', processZone?.ok === true ? processZone.zone : 'UTC', (value, path) =>
      readTimeZone(c, path, value),
    ),
    stateDir: read('state-dir', defaultStateDir(env), (value, path) => readPath(c, path, value, baseDir, 'a folder')),
    socket: read<string | null>('socket', null, (value, path) => readPath(c, path, value, baseDir, 'a socket path')),
    maxConcurrent: read('max-concurrent', DEFAULT_MAX_CONCURRENT, (value, path) =>
      readInteger(c, path, value, 1, MAX_CONCURRENT_LIMIT),
    ),
    groups: read<Readonly<Record<string, number>>>('groups', NO_GROUPS, (value, path) => readGroups(c, path, value)),
    shell: read('shell', DEFAULT_SHELL, (value, path) => readShell(c, path, value, context)),
    history: read('history', DEFAULT_HISTORY, (value, path) => readHistory(c, path, value, DEFAULT_HISTORY, undefined)),
    holdAfterFailures: read<number | null>('hold-after-failures', null, (value, path) =>
      readInteger(c, path, value, 1),
    ),
    // Checked on this host (a mail notifier without sendmail) only with a tasks file, as `shell:` is.
    notify: read<NotifySpec | null>('notify', null, (value, path) =>
      readNotify(c, path, value, false, context.file === undefined ? undefined : env),
    ),
    shutdownGraceMs: read('shutdown-grace', DEFAULT_SHUTDOWN_GRACE_MS, (value, path) =>
      readDuration(c, path, value, false),
    ),
    reboot: read<RebootPolicy>('reboot', 'once-per-boot', (value, path) =>
      readEnum(c, path, value, SETTINGS_KEY_TABLE.reboot.shape.values),
    ),
    // Absent when not given: settings without calendars stay as they were (.ics files read here).
    ...(map['calendars'] === undefined
      ? {}
      : { calendars: readCalendars(c, ['calendars'], map['calendars'], baseDir) ?? {} }),
    // Absent when not given (off); the token file is checked on this host only with a tasks file.
    ...readHttpSetting(c, map['http'], { baseDir, checkFiles: context.file !== undefined }),
    // Absent when not given (one host).
    ...readClusterSetting(c, map['cluster'], map['timezone'] !== undefined, context),
  };
  Object.freeze(settings.history);
  return { settings: Object.freeze(settings), issues: c.issues };
}

function readHttpSetting(
  c: IssueCollector,
  raw: unknown,
  context: { baseDir: string; checkFiles: boolean },
): { http?: HttpSettings } {
  if (raw === undefined) return {};
  const http = readHttp(c, ['http'], raw, context);
  return http === undefined ? {} : { http };
}

/** `cluster:`, which needs the file's own `timezone:`: hosts' zones differ, and so would their instants. */
function readClusterSetting(
  c: IssueCollector,
  raw: unknown,
  zoneGiven: boolean,
  context: SettingsContext,
): { cluster?: ClusterSettings } {
  if (raw === undefined) return {};
  if (!zoneGiven) {
    c.add(
      'missing-key',
      ['cluster'],
      'key',
      'cluster mode needs settings.timezone (such as timezone: Europe/Berlin): hosts in other zones would ' +
        'compute other instants for the same tasks',
    );
  }
  const cluster = readCluster(c, ['cluster'], raw, { baseDir: context.baseDir, trust: context.trust ?? null });
  return cluster === undefined ? {} : { cluster };
}

/** `shell:`; with a tasks file, a warning when it is not on this host (host-checks.ts). */
function readShell(c: IssueCollector, path: [string], value: unknown, context: SettingsContext): string | undefined {
  const shell = readText(c, path, value, 'a shell program');
  if (shell === undefined || context.file === undefined) return shell;
  // A relative path runs from each task's cwd; the default cwd, the file's folder, stands for them.
  const problem = checkShell(shell, { cwd: context.baseDir, pathVariable: context.env['PATH'] });
  if (problem !== undefined) c.warn('host', path, 'value', problem);
  return shell;
}

/** `$XDG_STATE_HOME/taskkit`, else `~/.local/state/taskkit` (XDG: a relative value is ignored). */
export function defaultStateDir(env: Env): string {
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'taskkit');
  return join(homeOf(env), '.local', 'state', 'taskkit');
}

/** `$HOME`, else the account's home directory. */
export function homeOf(env: Env): string {
  const home = env['HOME'];
  return home !== undefined && home !== '' ? home : homedir();
}
