// Issue 15 point 14: the one escaping function of every human view and of the daemon log.
import { describe, expect, test } from 'vitest';
import { escapeControl } from '../src/escape-control.js';

describe('escapeControl', () => {
  test.each([
    ['an OSC window title', '\u001b]0;pwned\u0007done', '\\x1b]0;pwned\\x07done'],
    ['a clear-screen', 'a\u001b[2Jb', 'a\\x1b[2Jb'],
    ['a newline that would forge a row', 'boom\nnightly  succeeded', 'boom\\nnightly  succeeded'],
    ['a carriage return that would overwrite the line', 'bad\rgood', 'bad\\rgood'],
    ['a tab that would break the columns', 'a\tb', 'a\\tb'],
    ['DEL and a C1 CSI', 'x\u007fy\u009b2J', 'x\\x7fy\\x9b2J'],
    ['a right-to-left override', 'file\u202etxt.sh', 'file\\u{202e}txt.sh'],
  ])('escapes %s', (_what, text, shown) => {
    expect(escapeControl(text)).toBe(shown);
  });

  test('plain text, accents and emoji are left as they are', () => {
    const text = 'café backup ✓ 🚀 \\n stays';
    expect(escapeControl(text)).toBe(text);
  });

  test('keepNewlines keeps line feeds and tabs (multi-line messages) and escapes the rest', () => {
    expect(escapeControl('line 1\n\tline 2\u001b[2J\r', { keepNewlines: true })).toBe('line 1\n\tline 2\\x1b[2J\\r');
  });

  test('each code unit of the BMP is escaped exactly when the documented set holds it, keepNewlines or not', () => {
    // The set as the module's header describes it: C0, DEL, C1, U+061C, U+200E/F, U+2028-U+202E, U+2066-U+2069.
    const documented = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      const text = `a${char}b`;
      const kept = code === 0x09 || code === 0x0a;
      if ((escapeControl(text) !== text) !== documented.test(char)) wrong.push(code.toString(16));
      if ((escapeControl(text, { keepNewlines: true }) !== text) !== (documented.test(char) && !kept))
        wrong.push(`${code.toString(16)} (keepNewlines)`);
    }
    expect(wrong).toEqual([]);
  });

  test('the result never holds a control character, whatever the input', () => {
    const every = Array.from({ length: 0xa0 }, (_unused, code) => String.fromCharCode(code)).join('');
    expect(escapeControl(every)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/u);
  });
});
