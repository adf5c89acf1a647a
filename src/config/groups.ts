/**
 * Concurrency groups (DESIGN.md "Calendars, joins and groups"): `settings.groups` maps a name to
 * the most runs of its tasks at once, and a task joins one with `group: NAME`.
 */
import { showValue } from '../schedule/show-value.js';
import type { IssueCollector } from './collector.js';
import { TASK_NAME_PATTERN } from './key-table.js';
import { isPlainMap, readInteger } from './read-value.js';
import { didYouMean } from './suggest.js';

type Path = readonly (string | number)[];

// Group names follow the task names' rule: they show in `list`, logs and --json as they are.
const GROUP_NAME = new RegExp(TASK_NAME_PATTERN);
const NO_GROUPS: Readonly<Record<string, number>> = Object.freeze({});

/**
 * `settings.groups`: name -> a whole number >= 1. A group whose limit is wrong is kept with limit
 * 1 (the file is invalid anyway), so that its tasks are not also told the group is unknown.
 */
export function readGroups(c: IssueCollector, path: Path, raw: unknown): Readonly<Record<string, number>> | undefined {
  if (!isPlainMap(raw)) {
    c.add('invalid-value', path, 'value', `expected a map of group names to limits ({db: 1}), got ${showValue(raw)}`);
    return undefined;
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) return NO_GROUPS;
  const groups: Record<string, number> = {};
  for (const [name, limit] of entries) {
    if (!GROUP_NAME.test(name)) {
      c.add(
        'invalid-value',
        [...path, name],
        'key',
        'invalid group name: use 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit; ' +
          `got ${showValue(name)}`,
      );
      continue;
    }
    groups[name] = readInteger(c, [...path, name], limit, 1) ?? 1;
  }
  return Object.freeze(groups);
}

/** A task's `group:`: a name of `settings.groups`, else an error with a did-you-mean; absent when not given. */
export function readTaskGroup(
  c: IssueCollector,
  raw: unknown,
  groups: Readonly<Record<string, number>>,
): { group?: string } {
  if (raw === undefined) return {};
  const names = Object.keys(groups);
  if (typeof raw !== 'string' || raw.trim() === '') {
    c.add('invalid-value', ['group'], 'value', `expected a group name of settings.groups, got ${showValue(raw)}`);
    return {};
  }
  if (Object.hasOwn(groups, raw)) return { group: raw };
  const known = didYouMean(
    raw,
    names,
    names.length === 0
      ? ' (settings.groups defines none)'
      : ` (settings.groups defines ${names.map((name) => `"${name}"`).join(', ')})`,
  );
  c.add('unknown-group', ['group'], 'value', `unknown group "${raw}"${known}`);
  return {};
}
