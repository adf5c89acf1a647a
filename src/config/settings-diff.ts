/**
 * Which keys of `settings:` differ between two loads of the tasks file, and which of them a running
 * daemon cannot apply at a reload (its socket, state dir, max-concurrent and cluster are fixed at start).
 * Pure: `reload --dry-run` prints it, the daemon's reload logs the restart-only ones.
 */
import { formatDuration } from '../schedule/duration.js';
import { formatByteSize, type KeyChange } from './definition-diff.js';
import { sameJsonValue } from './definition.js';
import { describeNotifyTarget } from './notify.js';
import type { Settings } from './types.js';

export interface SettingChange extends KeyChange {
  /** The running daemon keeps the old value until it is restarted (taskkit stop; taskkit start). */
  readonly needsRestart: boolean;
}

/** Settings a reload leaves as they were: the daemon took them at start. */
export const RESTART_ONLY_SETTINGS: ReadonlySet<string> = new Set([
  'socket',
  'state-dir',
  'max-concurrent',
  // Cluster mode: the database, the schema, and the liveness timings other hosts judge this one by.
  'cluster.store',
  'cluster.env-file',
  'cluster.name',
  'cluster.beat',
  'cluster.gone-after',
  'cluster.lease',
]);

type Render = (settings: Settings) => string | null;

const duration = (ms: number | undefined): string | null => (ms === undefined ? null : formatDuration(ms));

/**
 * In the key table's order (groups and calendars per name, below). Per-task defaults (shell,
 * history, notify...) also show in each task's own changes.
 */
const KEYS: readonly (readonly [keyof Settings, string, Render])[] = [
  ['timezone', 'timezone', (settings) => settings.timezone],
  ['stateDir', 'state-dir', (settings) => settings.stateDir],
  ['socket', 'socket', (settings) => settings.socket ?? '(default)'],
  ['maxConcurrent', 'max-concurrent', (settings) => String(settings.maxConcurrent)],
  ['shell', 'shell', (settings) => settings.shell],
  ['history', 'history.keep', (settings) => String(settings.history.keep)],
  ['history', 'history.output-limit', (settings) => formatByteSize(settings.history.outputLimitBytes)],
  ['holdAfterFailures', 'hold-after-failures', (settings) => settings.holdAfterFailures?.toString() ?? null],
  [
    'notify',
    'notify',
    (settings) => {
      if (settings.notify === null) return null;
      const { kind, target } = describeNotifyTarget(settings.notify.target);
      return `${kind} ${target}`;
    },
  ],
  ['shutdownGraceMs', 'shutdown-grace', (settings) => formatDuration(settings.shutdownGraceMs)],
  ['reboot', 'reboot', (settings) => settings.reboot],
  ['http', 'http.listen', (settings) => settings.http?.listen ?? null],
  ['http', 'http.token-file', (settings) => settings.http?.tokenFile ?? null],
  // The store as written: a URL without a password, or $NAME (never the variable's value).
  ['cluster', 'cluster.store', (settings) => settings.cluster?.store ?? null],
  ['cluster', 'cluster.env-file', (settings) => settings.cluster?.envFile?.path ?? null],
  ['cluster', 'cluster.name', (settings) => settings.cluster?.name ?? null],
  ['cluster', 'cluster.beat', (settings) => duration(settings.cluster?.beatMs)],
  ['cluster', 'cluster.gone-after', (settings) => duration(settings.cluster?.goneAfterMs)],
  ['cluster', 'cluster.lease', (settings) => duration(settings.cluster?.leaseMs)],
];

/** The fields of Settings compared (a test checks that every field is one of these). */
export const DIFFED_SETTINGS: ReadonlySet<string> = new Set([...KEYS.map(([field]) => field), 'groups', 'calendars']);

/** The settings whose values differ; `groups.NAME` and `calendars.NAME` per name. */
export function diffSettings(before: Settings, after: Settings): SettingChange[] {
  const changes: SettingChange[] = [];
  const add = (key: string, a: string | null, b: string | null): void => {
    if (a !== b) changes.push({ key, before: a, after: b, needsRestart: RESTART_ONLY_SETTINGS.has(key) });
  };
  for (const [, key, render] of KEYS) {
    add(key, render(before), render(after));
    if (key === 'notify' && render(before) === render(after) && !sameJsonValue(before.notify, after.notify))
      add(key, render(before), `${render(after) ?? '(none)'} (changed)`);
    if (key === 'max-concurrent') {
      for (const name of unionOfKeys(before.groups, after.groups))
        add(`groups.${name}`, before.groups[name]?.toString() ?? null, after.groups[name]?.toString() ?? null);
    }
  }
  const calendars = (settings: Settings, name: string): string | null => {
    const days = settings.calendars?.[name];
    return days === undefined ? null : `${days.length} date${days.length === 1 ? '' : 's'}`;
  };
  for (const name of unionOfKeys(before.calendars ?? {}, after.calendars ?? {})) {
    const [a, b] = [calendars(before, name), calendars(after, name)];
    if (a === b && !sameJsonValue(before.calendars?.[name], after.calendars?.[name]))
      add(`calendars.${name}`, a, `${b ?? '(none)'} (other dates)`);
    else add(`calendars.${name}`, a, b);
  }
  return changes;
}

function unionOfKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
