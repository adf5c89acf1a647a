/**
 * Quoting for the generated scripts: descriptions and lists come from the program, not from users, but may hold quotes.
 */
import type { WordKind } from './model.js';

/** A POSIX single-quoted word (bash and zsh). */
export function quoteSh(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A fish single-quoted word: only `\\` and `\'` are escapes there. */
export function quoteFish(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * A word kind as the scripts pass it around: "tasks", "files", "verbs", "free" or
 * "words:a b c" (choices never contain spaces: they are verbs, shells or option choices).
 */
export function encodeKind(kind: WordKind): string {
  return kind.kind === 'words' ? `words:${kind.words.join(' ')}` : kind.kind;
}

/** The first line of a description, for one-line menus. */
export function summarize(description: string): string {
  return description.split('\n')[0]?.trim() ?? '';
}
