/**
 * A tasks file written in plain block YAML, read without yaml's document model (issue 20.4): yaml's
 * parseDocument builds a node with ranges for every key and value (100,000 tasks: ~5 s and ~600 MB
 * at peak, half of it garbage collection), and positions are only needed when there is an issue.
 * This reads block maps, block sequences of scalars, one-line flow sequences of scalars, plain
 * words, and one-line quoted strings, and gives the values yaml's core schema would. Anything else
 * (anchors, tags, block scalars, flow maps, a plain value over several lines, an escape other than
 * \" and \\, a number that is not a plain decimal, a key twice, tabs, CR) gives undefined, never a
 * guess: the caller then asks yaml. test/config/plain-yaml.test.ts compares every answer with yaml's.
 */

/** 1-based line and column of a key. */
export interface KeyPoint {
  readonly line: number;
  readonly column: number;
}

/** The document's value, and where each key of the top-level `tasks:` map starts, in file order. */
export interface PlainTree {
  readonly data: Record<string, unknown>;
  readonly taskKeys: readonly { readonly name: string; readonly point: KeyPoint }[];
}

/** Thrown inside the reader when the text is not in the plain form; caught by readPlainYaml. */
class NotPlain extends Error {}

const CORE_NULL = /^(~|null|Null|NULL)$/;
const CORE_BOOL = /^(true|True|TRUE|false|False|FALSE)$/;
const CORE_NUMBER = [
  /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/,
  /^(0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/,
];
const DECIMAL = /^(0|[1-9][0-9]{0,14})$/;
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
/** Characters that start something other than a plain scalar (YAML's indicators). */
const INDICATOR_START = /^[,[\]{}#&*!|>'"%@`]/;
/** yaml refuses implicit keys longer than this. */
const MAX_KEY_LENGTH = 1000;

/**
 * The lines that hold something (not blank, not only a comment), as offsets into the text: a
 * string and an object per line were a tenth of the load's peak memory at 100,000 tasks.
 */
class Lines {
  readonly count: number;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly indents: Int32Array;
  private readonly numbers: Int32Array;

  constructor(private readonly text: string) {
    let capacity = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) capacity++;
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.indents = new Int32Array(capacity);
    this.numbers = new Int32Array(capacity);
    let count = 0;
    let start = 0;
    for (let number = 1; start <= text.length; number++) {
      const newline = text.indexOf('\n', start);
      const end = newline < 0 ? text.length : newline;
      let indent = 0;
      while (text.charCodeAt(start + indent) === 32 && start + indent < end) indent++;
      if (start + indent < end && text.charCodeAt(start + indent) !== 35 /* # */) {
        this.starts[count] = start;
        this.ends[count] = end;
        this.indents[count] = indent;
        this.numbers[count] = number;
        count++;
      }
      start = end + 1;
    }
    this.count = count;
  }

  indent(index: number): number {
    return this.indents[index] as number;
  }

  number(index: number): number {
    return this.numbers[index] as number;
  }

  /** The line without its indent. */
  content(index: number): string {
    return this.text.slice((this.starts[index] as number) + this.indent(index), this.ends[index]);
  }

  /** Whether the line, after its indent, starts with `prefix`. */
  startsWith(index: number, prefix: string): boolean {
    return this.text.startsWith(prefix, (this.starts[index] as number) + this.indent(index));
  }
}

/** The plain form's value, or undefined when the text needs yaml. */
export function readPlainYaml(text: string): PlainTree | undefined {
  if (text.includes('\t') || text.includes('\r')) return undefined;
  const lines = new Lines(text);
  if (lines.count === 0 || lines.indent(0) !== 0) return undefined;
  const reader = new Reader(lines);
  try {
    const data = reader.map(0, 0);
    if (reader.at < lines.count) return undefined;
    return { data, taskKeys: reader.taskKeys };
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

class Reader {
  at = 0;
  taskKeys: { name: string; point: KeyPoint }[] = [];

  constructor(private readonly lines: Lines) {}

  /** A block map whose keys sit at `indent`; `depth` 0 is the document's root. */
  map(indent: number, depth: number, parentKey?: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const lines = this.lines;
    while (this.at < lines.count) {
      const at = this.at;
      if (lines.indent(at) < indent) break;
      if (lines.indent(at) > indent) throw new NotPlain();
      const { key, rest } = splitKey(lines.content(at));
      if (Object.hasOwn(out, key)) throw new NotPlain();
      if (depth === 1 && parentKey === 'tasks')
        this.taskKeys.push({ name: key, point: { line: lines.number(at), column: indent + 1 } });
      this.at++;
      out[key] = rest === '' ? this.nested(indent, depth, key) : readInline(rest);
    }
    return out;
  }

  /** The value of `key:` with nothing after it: a more indented block, or null. */
  private nested(indent: number, depth: number, key: string): unknown {
    const lines = this.lines;
    if (this.at >= lines.count || lines.indent(this.at) < indent) return null;
    const nextIndent = lines.indent(this.at);
    if (nextIndent === indent) {
      // `key:` then `- item` at the same indent is a sequence in YAML: left to yaml.
      if (lines.startsWith(this.at, '-')) throw new NotPlain();
      return null;
    }
    return lines.startsWith(this.at, '- ') ? this.sequence(nextIndent) : this.map(nextIndent, depth + 1, key);
  }

  /** A block sequence of scalars whose dashes sit at `indent`. */
  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    const lines = this.lines;
    while (this.at < lines.count) {
      if (lines.indent(this.at) < indent) break;
      const content = lines.content(this.at);
      if (lines.indent(this.at) > indent || !isItem(content)) throw new NotPlain();
      const rest = content.slice(2).replace(/^ +/, '');
      // An item that is a map or another sequence (`- key: value`, `- - a`) is left to yaml.
      if (rest === '' || isItem(rest) || rest === '-' || looksLikeKey(rest)) throw new NotPlain();
      out.push(readInline(rest));
      this.at++;
    }
    return out;
  }
}

function isItem(content: string): boolean {
  return content.startsWith('- ');
}

function looksLikeKey(rest: string): boolean {
  return /^[^"'[]*:( |$)/.test(stripComment(rest));
}

/** `key: rest` -> the key (a string to YAML) and what follows the colon, comment and spaces dropped. */
function splitKey(content: string): { key: string; rest: string } {
  let key: string;
  let after: string;
  if (content.startsWith('"') || content.startsWith("'")) {
    const quote = content[0] as string;
    const end = content.indexOf(quote, 1);
    if (end < 0) throw new NotPlain();
    key = content.slice(1, end);
    if (key.includes('\\') || key.includes(quote)) throw new NotPlain();
    if (content[end + 1] !== ':') throw new NotPlain();
    after = content.slice(end + 2);
  } else {
    const colon = content.indexOf(':');
    if (colon <= 0) throw new NotPlain();
    key = content.slice(0, colon);
    if (!PLAIN_KEY.test(key) || CORE_NULL.test(key) || CORE_BOOL.test(key) || isCoreNumber(key)) throw new NotPlain();
    after = content.slice(colon + 1);
  }
  if (key.length > MAX_KEY_LENGTH || key === '__proto__') throw new NotPlain();
  if (after !== '' && !after.startsWith(' ')) throw new NotPlain();
  return { key, rest: trimSpaces(stripComment(after)) };
}

/** Drop a comment: `#` after a space (or first), outside quotes. */
function stripComment(text: string): string {
  if (text.startsWith('#')) return '';
  const quoted = text.slice(spacesBefore(text));
  if (quoted.startsWith('"') || quoted.startsWith("'") || quoted.startsWith('[')) return text;
  const hash = text.indexOf(' #');
  return hash < 0 ? text : text.slice(0, hash);
}

/** A value written on the key's line (or after a dash): a quoted string, a flow sequence or a plain scalar. */
function readInline(rest: string): unknown {
  const first = rest[0];
  if (first === '"' || first === "'") {
    const { value, end } = readQuoted(rest, 0);
    if (!isTrailer(rest.slice(end))) throw new NotPlain();
    return value;
  }
  if (first === '[') return readFlowSequence(rest);
  return readPlain(trimSpaces(stripComment(rest)), false);
}

/**
 * Without the spaces around: YAML's white space is the space and the tab (refused above), while
 * String.trim also drops U+00A0, U+3000, U+FEFF, U+000B..., which are part of a YAML scalar.
 */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  const start = spacesBefore(text);
  return start === 0 && end === text.length ? text : text.slice(start, Math.max(start, end));
}

function spacesBefore(text: string): number {
  let start = 0;
  while (text.charCodeAt(start) === 32) start++;
  return start;
}

/** Nothing, or spaces then a comment. */
function isTrailer(text: string): boolean {
  return /^( *| +#.*)$/.test(text);
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let index = start + 1;
  for (;;) {
    const next = text.indexOf(quote as string, index);
    if (next < 0) throw new NotPlain();
    const piece = text.slice(index, next);
    if (quote === "'") {
      value += piece;
      if (text[next + 1] === "'") {
        value += "'";
        index = next + 2;
        continue;
      }
      return { value, end: next + 1 };
    }
    // Double quotes: only \\ and \" are read here; any other escape is left to yaml.
    const backslash = piece.indexOf('\\');
    if (backslash < 0) return { value: value + piece, end: next + 1 };
    const escaped = text[index + backslash + 1];
    if (escaped !== '\\' && escaped !== '"') throw new NotPlain();
    value += piece.slice(0, backslash) + escaped;
    index += backslash + 2;
  }
}

/** `[a, "b", 'c']` on one line, scalars only. */
function readFlowSequence(rest: string): unknown[] {
  const out: unknown[] = [];
  let index = 1;
  const skipSpaces = (): void => {
    while (rest[index] === ' ') index++;
  };
  skipSpaces();
  if (rest[index] === ']') {
    if (!isTrailer(rest.slice(index + 1))) throw new NotPlain();
    return out;
  }
  for (;;) {
    skipSpaces();
    const first = rest[index];
    if (first === '"' || first === "'") {
      const { value, end } = readQuoted(rest, index);
      out.push(value);
      index = end;
    } else {
      let end = index;
      while (end < rest.length && rest[end] !== ',' && rest[end] !== ']') end++;
      const word = trimSpaces(rest.slice(index, end));
      if (word === '' || /[[{}#:'"]/.test(word)) throw new NotPlain();
      out.push(readPlain(word, true));
      index = end;
    }
    skipSpaces();
    if (rest[index] === ',') {
      index++;
      skipSpaces();
      if (rest[index] === ']' || rest[index] === ',') throw new NotPlain();
      continue;
    }
    if (rest[index] !== ']') throw new NotPlain();
    if (!isTrailer(rest.slice(index + 1))) throw new NotPlain();
    return out;
  }
}

/** A plain scalar as the core schema reads it: null, a boolean, a plain decimal or a string. */
function readPlain(word: string, inFlow: boolean): unknown {
  if (word === '' || CORE_NULL.test(word)) return null;
  if (INDICATOR_START.test(word) || /^([?:]|-( |$))/.test(word)) throw new NotPlain();
  if (word.includes(': ') || word.endsWith(':') || (inFlow && /[,[\]{}]/.test(word))) throw new NotPlain();
  if (CORE_BOOL.test(word)) return word.startsWith('t') || word.startsWith('T');
  if (isCoreNumber(word)) {
    if (DECIMAL.test(word)) return Number(word);
    throw new NotPlain();
  }
  return word;
}

function isCoreNumber(word: string): boolean {
  return CORE_NUMBER.some((pattern) => pattern.test(word));
}
