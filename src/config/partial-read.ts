/**
 * The tasks file read in part: its `settings:` (and, on demand, the names under `tasks:`) without
 * validating the tasks. The one reader for every verb that needs settings only: the daemon verbs
 * finding the socket, `history` and `logs` finding the database. yaml takes ~180 ms over a
 * 1,000-task file in a fresh process, more than the rest of `taskkit list`; and `taskkit reload`
 * after a bad edit is exactly when the tasks do not validate yet must reach the daemon to be refused.
 */
import { dirname } from 'node:path';
import { isMap, isNode, parse as parseYaml, parseDocument, type Document } from 'yaml';
import { locateTasksFile } from './locate.js';
import { readPlainSettingsBlock } from './plain-settings.js';
import { isPlainMap } from './read-value.js';
import { readTasksText } from './read-text.js';
import { validateSettings } from './settings.js';
import type { Settings } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface PartialTasksFile {
  /** The tasks file found (--config, $TASKKIT_CONFIG, ./tasks.yaml, XDG). */
  readonly path: string;
  /** Its settings, without `calendars`; an invalid value falls back to its default, the others stay. */
  readonly settings: Settings;
  /** The keys under `tasks:`, unvalidated (a task with an error still has a name); [] when the file is not YAML. */
  readonly taskNames: () => string[];
}

/**
 * Locate the tasks file and read its settings only. Throws CONFIG_NOT_FOUND, a ConfigError for an
 * unreadable file, or yaml's error when not even the settings can be parsed.
 */
export function readSettingsOnly(where: { flag: string | undefined; env: Env; cwd: string }): PartialTasksFile {
  const { path } = locateTasksFile(where);
  const text = readTasksText(path);
  const raw = withoutCalendars(readRawSettings(text));
  const settings = validateSettings(raw, { baseDir: dirname(path), env: where.env }).settings;
  return { path, settings, taskNames: () => readTaskNames(text) };
}

/**
 * The settings less `calendars`: the verbs reading settings only want the socket and the database,
 * and resolving calendars reads and expands every .ics file they name (config/ics-dates.ts).
 */
function withoutCalendars(raw: unknown): unknown {
  if (!isPlainMap(raw) || raw['calendars'] === undefined) return raw;
  const { calendars: _calendars, ...rest } = raw;
  return rest;
}

// logLevel 'error': errors throw (so a broken block falls back to the whole file), warnings stay quiet.
const YAML_OPTIONS = { schema: 'core', uniqueKeys: false, logLevel: 'error' } as const;

/**
 * The `settings:` value. In a block-style file (every example and taskkit's own output) a
 * top-level key starts at column 0 and its value runs until the next line that does not start
 * with a space, `#` or nothing, so that block alone is parsed. Anything else (flow style, a
 * quoted key, an alias into the rest) falls back to the whole document.
 */
function readRawSettings(text: string): unknown {
  const plain = readPlainSettingsBlock(text);
  if (plain !== undefined) return plain.found ? plain.value : undefined;
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^settings[ \t]*:/.test(line));
  const plainBlocks = lines.every((line) => !/^["'{[&*!%]/.test(line));
  if (plainBlocks && start < 0) return undefined;
  if (plainBlocks) {
    let end = start + 1;
    while (end < lines.length && /^([ \t#]|\r?$)/.test(lines[end] ?? '')) end++;
    try {
      return readKey(parseYaml(lines.slice(start, end).join('\n'), YAML_OPTIONS), 'settings');
    } catch {
      // fall through to the whole document
    }
  }
  return settingsOfDocument(parseDocument(text, YAML_OPTIONS));
}

/** `settings` of the whole document, usable unless one of yaml's errors lies inside it (or no map holds it). */
function settingsOfDocument(doc: Document.Parsed): unknown {
  const node = isMap(doc.contents) ? doc.contents.get('settings', true) : undefined;
  const settings = isNode(node) ? node : undefined;
  const [firstError] = doc.errors;
  if (firstError !== undefined) {
    const range = settings?.range;
    // Errors elsewhere (the tasks) do not matter; without a settings node they might be hiding it.
    if (range === undefined || range === null) throw firstError;
    if (doc.errors.some((error) => error.pos[0] <= range[2] && error.pos[1] > range[0])) throw firstError;
  }
  // Only this node becomes plain data (aliases resolve through the document), not the tasks.
  return settings?.toJS(doc);
}

function readTaskNames(text: string): string[] {
  try {
    const tasks = readKey(parseYaml(text, YAML_OPTIONS), 'tasks');
    return typeof tasks === 'object' && tasks !== null && !Array.isArray(tasks) ? Object.keys(tasks) : [];
  } catch {
    return [];
  }
}

function readKey(document: unknown, key: string): unknown {
  return typeof document === 'object' && document !== null ? (document as Record<string, unknown>)[key] : undefined;
}
