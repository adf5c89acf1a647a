/**
 * The one way the status page turns text into HTML. Every value from a task or a user (names,
 * descriptions, notes, outcomes, output) goes through escapeHtml, and markup is only ever built
 * with the `markup` tag, which escapes every interpolated value unless it is already Html (made by
 * `markup` itself or by `raw` for a constant). So no text can open a tag, close an attribute or start
 * a script; control characters are shown as escapes (escape-control.ts) as the terminal views do.
 */
import { escapeControl } from '../../escape-control.js';

/** Markup that is safe to place as is: built by `markup` or `raw`, never by concatenating text. */
export class Html {
  readonly #markup: string;

  constructor(markup: string) {
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

/** A value the `markup` tag accepts: text (escaped), a number, markup, or a list of them; null/false: nothing. */
export type HtmlValue = string | number | Html | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe in element content and in a quoted attribute value; control characters shown as escapes. */
export function escapeHtml(text: string, options: { keepNewlines?: boolean } = {}): string {
  return escapeControl(text, options).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Markup for a constant written in the source (never for text that comes from outside). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/**
 * Markup from a template: every interpolated value is escaped unless it is Html. (Not named
 * `html`: Prettier reformats templates of that tag as HTML, adding whitespace where the page's
 * text and the tests' expectations have none.)
 */
export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/**
 * A path segment for a link (`/tasks/NAME`): percent-encoded, so a name with `/`, `?` or `#` stays
 * one segment; the result is escaped again where it is interpolated.
 */
export function pathSegment(text: string): string {
  return encodeURIComponent(text);
}

/** Text for a <pre>: escaped as everywhere, but its line feeds and tabs kept as they are. */
export function preformatted(text: string): Html {
  return new Html(escapeHtml(text, { keepNewlines: true }));
}
