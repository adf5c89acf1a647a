/**
 * A reader for the DOT `taskkit graph` writes (a digraph of node and edge statements with
 * attribute lists, comments, quoted strings), strict where Graphviz is: anything else throws. It
 * reads the output back so that tests see what Graphviz would, without Graphviz. Quoted strings
 * follow Graphviz's lexer: `\"` is a quote, any other backslash stays; labels then go through
 * `decodeEscString` (escString: `\\` a backslash, `\n` a line break; `&amp;` an ampersand).
 */
export interface DotStatement {
  readonly kind: 'node' | 'edge' | 'defaults';
  /** The node's ID, or the edge's [from, to], or the defaults' keyword (node, edge, graph). */
  readonly ids: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DotDocument {
  readonly name: string;
  readonly statements: readonly DotStatement[];
}

type Token =
  | { readonly type: 'id'; readonly value: string; readonly quoted: boolean }
  | { readonly type: 'punct'; readonly value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (/\s/.test(char)) i += 1;
    else if (text.startsWith('//', i)) i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (text.startsWith('->', i)) {
      tokens.push({ type: 'punct', value: '->' });
      i += 2;
    } else if ('{}[];,='.includes(char)) {
      tokens.push({ type: 'punct', value: char });
      i += 1;
    } else if (char === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted string');
        const c = text.charAt(i);
        if (c === '"') break;
        if (c === '\n') throw new Error('a raw line break inside a quoted string');
        if (c === '\\' && (text.charAt(i + 1) === '"' || text.charAt(i + 1) === '\\')) {
          value += text.charAt(i + 1) === '"' ? '"' : '\\\\';
          i += 2;
        } else {
          value += c;
          i += 1;
        }
      }
      i += 1;
      tokens.push({ type: 'id', value, quoted: true });
    } else {
      const match = /^[A-Za-z_][A-Za-z_0-9]*/.exec(text.slice(i));
      if (match === null) throw new Error(`unexpected ${JSON.stringify(char)} at ${i}`);
      tokens.push({ type: 'id', value: match[0], quoted: false });
      i += match[0].length;
    }
  }
  return tokens;
}

/** Parse a whole document: `digraph ID { statements }`. */
export function readDot(text: string): DotDocument {
  const tokens = tokenize(text);
  let at = 0;
  const next = (): Token => {
    const token = tokens[at++];
    if (token === undefined) throw new Error('unexpected end');
    return token;
  };
  const expectPunct = (value: string): void => {
    const token = next();
    if (token.type !== 'punct' || token.value !== value) throw new Error(`expected ${value}, got ${token.value}`);
  };
  const readId = (): Token & { type: 'id' } => {
    const token = next();
    if (token.type !== 'id') throw new Error(`expected an ID, got ${token.value}`);
    return token;
  };
  const keyword = readId();
  if (keyword.quoted || keyword.value !== 'digraph') throw new Error('not a digraph');
  const name = readId().value;
  expectPunct('{');
  const statements: DotStatement[] = [];
  for (;;) {
    const peek = tokens[at];
    if (peek?.type === 'punct' && peek.value === '}') break;
    const first = readId();
    const isDefaults = !first.quoted && ['node', 'edge', 'graph'].includes(first.value);
    const ids = [first.value];
    if (!isDefaults && !first.quoted) throw new Error(`an unquoted node ID: ${first.value}`);
    while (tokens[at]?.type === 'punct' && tokens[at]?.value === '->') {
      at += 1;
      const target = readId();
      if (!target.quoted) throw new Error(`an unquoted node ID: ${target.value}`);
      ids.push(target.value);
    }
    const attributes: Record<string, string> = {};
    expectPunct('[');
    while (!(tokens[at]?.type === 'punct' && tokens[at]?.value === ']')) {
      const key = readId();
      expectPunct('=');
      const value = readId();
      if (!value.quoted) throw new Error(`an unquoted value for ${key.value}`);
      if (key.value in attributes) throw new Error(`${key.value} given twice`);
      attributes[key.value] = value.value;
      if (tokens[at]?.type === 'punct' && tokens[at]?.value === ',') at += 1;
    }
    expectPunct(']');
    expectPunct(';');
    statements.push({ kind: isDefaults ? 'defaults' : ids.length > 1 ? 'edge' : 'node', ids, attributes });
  }
  expectPunct('}');
  if (at !== tokens.length) throw new Error('text after the graph');
  return { name, statements };
}

/** What Graphviz shows for a label or tooltip: escString's `\\` and `\n`, then the `&amp;` entity. */
export function decodeEscString(value: string): string {
  return value.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char)).replace(/&amp;/g, '&');
}
