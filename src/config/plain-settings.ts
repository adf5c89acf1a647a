/**
 * The `settings:` block of a tasks file read without yaml, when it is written in the plainest form:
 * `settings:` at column 0, then `key: value` lines at one indent, each value a plain word that
 * YAML's core schema reads as that very string (a path, a zone, a duration) or as a decimal integer.
 * Anything else (quotes, flow style, a nested map, a comment after a value, a word YAML reads as a
 * boolean, null or float, a key twice) is left to yaml: the answer is undefined, never a guess.
 * Loading yaml costs a fresh process ~40 ms of CPU, more than the rest of `taskkit run-now`
 * (issue 20.3); the daemon verbs only need the socket. test/config/plain-settings.test.ts compares
 * every answer with yaml's.
 */
import { dirname } from 'node:path';
import { locateTasksFile } from './locate.js';
import { readTasksText } from './read-text.js';
import { validateSettings } from './settings.js';
import type { Settings } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

const ENTRY = /^( +)([a-z][a-z0-9-]*):( +(.*))?$/;
/**
 * Plain words only: no quote, flow, anchor, tag, comment or block indicator anywhere, no `-`, `@`
 * or `:` first and no `:` last (those start or end other YAML than a word).
 */
const WORD = /^[A-Za-z0-9_/.~+]([A-Za-z0-9_/.~@+:-]*[A-Za-z0-9_/.~@+-])?$/;
/** YAML 1.2 core schema: what it reads as null, a boolean or a number (not a string). */
const CORE_NULL_BOOL = /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const CORE_NUMBER = [
  /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/,
  /^(0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/,
];
const DECIMAL = /^(0|[1-9][0-9]{0,14})$/;

/**
 * The value of the top-level `settings:` key, or undefined when the file is not in the plain form
 * (then ask yaml). `{ found: false }`: a plain file with no `settings:` at all.
 */
export function readPlainSettingsBlock(
  text: string,
): { readonly found: boolean; readonly value?: unknown } | undefined {
  if (text.includes('\r') || text.includes('\t')) return undefined;
  const lines = text.split('\n');
  // Every top-level line must be a plain `key:`: a quoted key, flow style or a document marker
  // could hide or change `settings`.
  if (!lines.every((line) => line === '' || /^( |#|[a-z][a-z0-9-]*:( |$))/.test(line))) return undefined;
  const starts = lines.flatMap((line, index) => (/^settings:/.test(line) ? [index] : []));
  if (starts.length === 0) return { found: false };
  const [start] = starts;
  if (starts.length > 1 || start === undefined || lines[start] !== 'settings:') return undefined;
  const value: Record<string, unknown> = {};
  let indent: string | undefined;
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line !== '' && !line.startsWith(' ') && !line.startsWith('#')) break;
    if (/^ *$/.test(line) || /^ *#/.test(line)) continue;
    const entry = ENTRY.exec(line);
    if (entry === null) return undefined;
    const [, spaces, key = '', , raw] = entry;
    indent ??= spaces;
    if (spaces !== indent || Object.hasOwn(value, key)) return undefined;
    const word = readWord(raw?.replace(/ +$/, ''));
    if (word === undefined) return undefined;
    value[key] = word;
  }
  return indent === undefined ? undefined : { found: true, value };
}

function readWord(raw: string | undefined): string | number | undefined {
  if (raw === undefined || !WORD.test(raw) || CORE_NULL_BOOL.test(raw)) return undefined;
  if (!CORE_NUMBER.some((pattern) => pattern.test(raw))) return raw;
  return DECIMAL.test(raw) ? Number(raw) : undefined;
}

/**
 * readSettingsOnly (config/partial-read.ts) without yaml, for a plain settings block; undefined
 * when the file needs yaml (then call readSettingsOnly). Throws as readSettingsOnly does when the
 * file cannot be found or read.
 */
export function readPlainSettingsOnly(where: {
  flag: string | undefined;
  env: Env;
  cwd: string;
}): { readonly path: string; readonly settings: Settings } | undefined {
  const { path } = locateTasksFile(where);
  const block = readPlainSettingsBlock(readTasksText(path));
  if (block === undefined) return undefined;
  const raw = block.found ? block.value : undefined;
  return { path, settings: validateSettings(raw, { baseDir: dirname(path), env: where.env }).settings };
}
