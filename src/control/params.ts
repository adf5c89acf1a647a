/**
 * Checks of request params (control protocol: wrong param types get BAD_REQUEST naming the
 * param). Each reader throws a ControlError whose message starts with the method's name.
 */
import { didYouMean } from '../config/suggest.js';
import { checkTaskName } from '../config/task.js';
import { parseDateTime } from '../schedule/at.js';
import { describeJsonType } from './framing.js';
import { ControlError } from './protocol.js';

export type Params = Readonly<Record<string, unknown>>;

/** The params object (absent or null = {}), with no keys but `allowed`. */
export function readParams(method: string, params: unknown, allowed: readonly string[]): Params {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw badRequest(method, `params must be an object, got ${describeJsonType(params)}`);
  }
  for (const key of Object.keys(params)) {
    if (allowed.includes(key)) continue;
    const hint = didYouMean(key, allowed, allowed.length === 0 ? ' (it takes none)' : '');
    throw badRequest(method, `unknown param "${key}"${hint}`);
  }
  return params as Params;
}

export function readString(method: string, params: Params, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value === '') throw badType(method, key, 'a non-empty string', value);
  return value;
}

/**
 * A task name, held to the tasks file's rule: nothing else (no "/", "..", control bytes) reaches a lookup or a log
 * line.
 */
export function readTaskName(method: string, params: Params, key: string): string {
  return checkName(method, key, readString(method, params, key));
}

/** A non-empty list of task names (readTaskName's rule for each). */
export function readTaskNameList(method: string, params: Params, key: string): string[] {
  return readStringList(method, params, key).map((name, index) => checkName(method, `${key}[${index}]`, name));
}

function checkName(method: string, key: string, name: string): string {
  const problem = checkTaskName(name);
  if (problem !== undefined) throw badRequest(method, `${key}: ${problem}`);
  return name;
}

export function readOptionalString(method: string, params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badType(method, key, 'a string', value);
  return value;
}

export function readOptionalBoolean(method: string, params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw badType(method, key, 'true or false', value);
  return value;
}

/** A whole number >= 1 (a run id), or undefined when absent. */
export function readOptionalPositiveInteger(method: string, params: Params, key: string): number | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw badType(method, key, 'a whole number >= 1', value);
  return value;
}

/** An ISO 8601 date-time as epoch ms (no offset: local to `timezone`), or undefined when absent. */
export function readOptionalInstant(method: string, params: Params, key: string, timezone: string): number | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badType(method, key, 'an ISO 8601 date-time string', value);
  const parsed = parseDateTime(value, timezone);
  if (!parsed.ok) throw badRequest(method, `param "${key}": ${parsed.message}`);
  return parsed.value;
}

/** A non-empty list of non-empty strings. */
export function readStringList(method: string, params: Params, key: string): string[] {
  const value = params[key];
  if (!Array.isArray(value) || value.length === 0) throw badType(method, key, 'a non-empty array of strings', value);
  for (const [index, item] of (value as unknown[]).entries()) {
    if (typeof item !== 'string' || item === '') throw badType(method, `${key}[${index}]`, 'a non-empty string', item);
  }
  return value as string[];
}

/** An object (returned as is) or null. */
export function readObjectOrNull(method: string, params: Params, key: string): Params | null {
  const value = params[key];
  if (value === null) return null;
  if (typeof value !== 'object' || value === undefined || Array.isArray(value)) {
    throw badType(method, key, 'an object or null', value);
  }
  return value as Params;
}

export function badRequest(method: string, message: string): ControlError {
  return new ControlError('BAD_REQUEST', `${method}: ${message}`);
}

function badType(method: string, key: string, expected: string, value: unknown): ControlError {
  const got =
    value === undefined
      ? 'it is missing'
      : `got ${describeJsonType(value)}${typeof value === 'string' && value === '' ? ' (empty)' : ''}`;
  return badRequest(method, `param "${key}" must be ${expected}; ${got}`);
}
