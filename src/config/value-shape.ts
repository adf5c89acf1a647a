/**
 * The words key-table.ts describes tasks-file keys in: what a key's value may be (ValueShape), the
 * groups whose keys exclude each other, and a key's entry. The readers (read-value.ts, schedule/)
 * accept exactly these shapes and json-schema.ts turns each into JSON Schema; a new kind of value is
 * a shape here, its reader, and its schema there.
 */
/** What a key's value may be, in the terms the readers (read-value.ts, schedule/) accept. */
export type ValueShape =
  /** A duration string ("90s", "1h30m"; never a bare number) of at least `minMs`. */
  | { readonly kind: 'duration'; readonly minMs: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number }
  | { readonly kind: 'number'; readonly min?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'null' }
  /** `false` only (`notify: false`). */
  | { readonly kind: 'false' }
  /** Any string, empty included. */
  | { readonly kind: 'string' }
  /** A string with something other than blanks in it. */
  | { readonly kind: 'text' }
  /** Text not starting with "~" (nothing expands it); relative to the tasks file's folder. */
  | { readonly kind: 'path' }
  | { readonly kind: 'time-zone' }
  | { readonly kind: 'cron' }
  /** An RFC 5545 RRULE: NAME=VALUE parts separated by ";", one of them FREQ. */
  | { readonly kind: 'rrule' }
  | { readonly kind: 'time-of-day' }
  | { readonly kind: 'date-time' }
  /** A name in `after`/`on-success`/`on-failure`: a non-empty string, or a number (`2024`). */
  | { readonly kind: 'task-name' }
  /** "256KiB", "64KB", "512B" or a whole number of bytes, of at least `minBytes`. */
  | { readonly kind: 'byte-size'; readonly minBytes: number; readonly maxBytes?: number }
  /** `[program, arg, ...]`: strings or numbers, the program not blank. */
  | { readonly kind: 'argv' }
  /** Any plain data. */
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly item: ValueShape; readonly minItems: number }
  | { readonly kind: 'one-of'; readonly shapes: readonly ValueShape[] }
  /** A map with these keys only; `withDefaults: false` where the defaults come from elsewhere. */
  | { readonly kind: 'map'; readonly keys: KeyTable; readonly withDefaults: boolean }
  /** A map from names matching `namePattern` to values of one shape. */
  | { readonly kind: 'record'; readonly namePattern: string; readonly value: ValueShape; readonly minEntries: number };

/** Keys of one group exclude each other; an `action` is also required. */
export type KeyGroup = 'schedule' | 'action' | 'notifier';

export interface KeyEntry {
  readonly shape: ValueShape;
  /** One line, for editor hovers and the man page's key list. */
  readonly description: string;
  /** The default as written in the tasks file; absent when it depends on something else. */
  readonly default?: unknown;
  readonly required?: true;
  readonly group?: KeyGroup;
  /** The key only applies together with this one, or one of these (`start` with `every` or `rrule`). */
  readonly onlyWith?: string | readonly string[];
}

export type KeyTable = Readonly<Record<string, KeyEntry>>;

/** Whether a value is required from the group, beyond "at most one". */
export const GROUP_REQUIRED: Readonly<Record<KeyGroup, boolean>> = { schedule: false, action: true, notifier: true };
