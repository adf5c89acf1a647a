/** The tasks file's settings alone, for the daemon verbs that only need to find the socket. */
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { locateTasksFile } from '../config/locate.js';
import { readTasksText } from '../config/read-text.js';
import { validateSettings } from '../config/settings.js';
import type { Settings } from '../config/types.js';
import type { CliIo } from './io.js';

/**
 * Only the `settings:` of the tasks file: what a daemon verb needs to find the socket
 * (settings.socket, state-dir). The tasks are not validated, nor even parsed when avoidable:
 * yaml takes ~180 ms over a 1,000-task file in a fresh process, more than the rest of
 * `taskkit list`; and `taskkit reload` after a bad edit is exactly when the tasks do not
 * validate yet must reach the daemon to be refused. Invalid settings fall back to their
 * defaults; a missing file or one that is not YAML throws.
 */
export function readSettingsForCli(io: CliIo, explicitPath: string | undefined): { path: string; settings: Settings } {
  const { path } = locateTasksFile({ flag: explicitPath, env: io.env, cwd: io.cwd });
  const text = readTasksText(path);
  return { path, settings: validateSettings(readRawSettings(text), { baseDir: dirname(path), env: io.env }).settings };
}

// logLevel 'error': errors throw (so a broken block falls back to the whole file), warnings stay quiet.
const YAML_OPTIONS = { schema: 'core', uniqueKeys: false, logLevel: 'error' } as const;

/**
 * The `settings:` value. In a block-style file (every example and taskkit's own output) a
 * top-level key starts at column 0 and its value runs until the next line that does not start
 * with a space, `#` or nothing, so that block alone is parsed. Anything else (flow style, a
 * quoted key, an alias into the rest) falls back to parsing the whole file.
 */
function readRawSettings(text: string): unknown {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^settings[ \t]*:/.test(line));
  const plainBlocks = lines.every((line) => !/^["'{[&*!%]/.test(line));
  if (plainBlocks && start < 0) return undefined;
  if (plainBlocks) {
    let end = start + 1;
    while (end < lines.length && /^([ \t#]|\r?$)/.test(lines[end] ?? '')) end++;
    try {
      return readSettingsKey(parseYaml(lines.slice(start, end).join('\n'), YAML_OPTIONS));
    } catch {
      // fall through to the whole file
    }
  }
  return readSettingsKey(parseYaml(text, YAML_OPTIONS));
}

function readSettingsKey(document: unknown): unknown {
  return typeof document === 'object' && document !== null ? (document as Record<string, unknown>)['settings'] : undefined;
}
