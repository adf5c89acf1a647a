/**
 * When has a task's definition changed? One answer for the three places that ask: reload (keep
 * the task's state or replace it), the store across a restart (keep a run-time reschedule or drop
 * it) and the engine on replace (keep the next instant or compute it again).
 */
import * as crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { canonicalJsonOmitting } from './canonical-json.js';
import type { TaskSpec } from './types.js';

// Specs are frozen and replaced on reload, so one hash per spec object is enough.
// What a fingerprint leaves out (definitionFingerprint says why).
const NOT_DEFINITION: ReadonlySet<string> = new Set(['source', 'notify', 'except']);
let fingerprints = new WeakMap<TaskSpec, string>();

/**
 * A hash of everything that defines a task except where it sits in the file (`source`), who is
 * told of its alerts (`notify`: a new notifier must not reset the task's schedule, reschedule or
 * alert state; reload applies it with sameNotify below) and its calendars (`except`: a holiday
 * added to an .ics file is no new task, issue 17.2; sameExcept); key order does not count and a function
 * action counts by its source. Stored with a task's state, so a restart and a reload see the same edits.
 */
export function definitionFingerprint(spec: TaskSpec): string {
  let hash = fingerprints.get(spec);
  if (hash === undefined) {
    hash = sha256Prefix(canonicalJsonOmitting(spec, NOT_DEFINITION));
    fingerprints.set(spec, hash);
  }
  return hash;
}

/**
 * Forget the fingerprints computed so far. The daemon needs every task's at start and reload (the store
 * compares them with the saved ones), then only a task's whose state changes (it fires, is held): held
 * for every spec, 100,000 idle tasks kept ~10 MB of digests and table (issue 20.4). One is computed again,
 * and remembered, when asked.
 */
export function forgetDefinitionFingerprints(): void {
  fingerprints = new WeakMap<TaskSpec, string>();
}

/**
 * Two specs define the same task: what their fingerprints would say (so reload and restart agree
 * on "changed"), compared directly: hashing 10,000 new specs on every reload cost about 4x more (measured).
 */
export function isSameDefinition(a: TaskSpec, b: TaskSpec): boolean {
  const { source: _a, notify: _na, except: _ea, ...definitionA } = a;
  const { source: _b, notify: _nb, except: _eb, ...definitionB } = b;
  return a === b || sameJsonValue(definitionA, definitionB);
}

/** The same notifier (`notify:`), which isSameDefinition leaves out: reload swaps it in without a redefinition. */
export function isSameNotify(a: TaskSpec, b: TaskSpec): boolean {
  return sameJsonValue(a.notify, b.notify);
}

/** The same calendars (`except:`, names and dates), which isSameDefinition leaves out: reload swaps them in. */
export function isSameExcept(a: TaskSpec, b: TaskSpec): boolean {
  return sameJsonValue(a.except, b.except);
}

/** The same instants: equal schedule and time zone (whatever else changed). */
export function isSameTiming(
  a: Pick<TaskSpec, 'schedule' | 'timezone'>,
  b: Pick<TaskSpec, 'schedule' | 'timezone'>,
): boolean {
  return a.timezone === b.timezone && isDeepStrictEqual(a.schedule, b.schedule);
}

/**
 * Equal as canonicalJson would write them: key order and undefined members do not count, functions
 * by source (also config/definition-diff.ts: its keys differ exactly when the definition does).
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'function' || typeof b === 'function') return typeof a === typeof b && String(a) === String(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameJsonValue(item, b[index]))
    );
  }
  const keysA = definedKeys(a);
  const keysB = definedKeys(b);
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  return keysA.length === keysB.length && keysA.every((key) => sameJsonValue(recordA[key], recordB[key]));
}

function definedKeys(value: object): string[] {
  return Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined);
}

/**
 * The first 32 hex digits of the text's sha256, as a string of its own: `.slice(0, 32)` of the whole
 * digest is a V8 sliced string that keeps the 64-digit digest alive (~120 bytes per fingerprint
 * held, 100,000 tasks: ~7 MB of the daemon's idle heap, against ~50 for a flat string).
 */
export function sha256Prefix(text: string): string {
  const digest =
    oneShotBuffer === undefined
      ? crypto.createHash('sha256').update(text).digest()
      : oneShotBuffer('sha256', text, 'buffer');
  return digest.toString('hex', 0, 16);
}

// One-shot crypto.hash where Node has it (20.12+): a Hash object per task cost a third of the hashing of
// 100,000 definitions at daemon start. The same digest either way.
const oneShotBuffer = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
