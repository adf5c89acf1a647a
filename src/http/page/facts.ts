/** Labelled facts (`show`'s lines) as a definition list; a fact without a value is left out. */
import { markup, type Html, type HtmlValue } from './html.js';

/** A label, its value, and the value's colour class (classes.ts). */
export type Fact = readonly [label: string, value: HtmlValue, className?: string];

export function renderFacts(facts: readonly Fact[]): Html {
  const shown = facts.filter(([, value]) => value !== null && value !== '' && value !== undefined);
  const item = ([label, value, className]: Fact): Html => {
    const classAttribute = className === undefined ? null : markup` class="${className}"`;
    return markup`<dt>${label}</dt><dd${classAttribute}>${value}</dd>`;
  };
  return markup`<dl class="facts">${shown.map(item)}</dl>`;
}
