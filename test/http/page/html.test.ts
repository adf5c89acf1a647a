/** The page's one escaping function and the `markup` tag that applies it to every interpolated value. */
import { describe, expect, test } from 'vitest';
import { escapeHtml, markup, pathSegment, preformatted, raw } from '../../../src/http/page/html.js';

describe('escapeHtml', () => {
  test('a script tag becomes text, exactly', () => {
    expect(escapeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('all five markup characters, and & first (no double escape of what it writes)', () => {
    expect(escapeHtml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &#39; f');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });

  test('control characters are shown as escapes; newlines only where asked to keep them', () => {
    expect(escapeHtml('a\nb\u001b[2Jc\u202ed')).toBe('a\\nb\\x1b[2Jc\\u{202e}d');
    expect(escapeHtml('a\nb\tc\rd', { keepNewlines: true })).toBe('a\nb\tc\\rd');
  });
});

describe('html tag', () => {
  test('escapes every interpolated text, in content and in attributes', () => {
    const name = `"><img src=x onerror=alert(1)>`;
    expect(markup`<a title="${name}">${name}</a>`.toString()).toBe(
      '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>',
    );
  });

  test('markup passes through once; lists are joined; null, undefined and false are nothing; numbers are text', () => {
    const inner = markup`<b>${'<i>'}</b>`;
    expect(markup`<p>${inner}${[markup`<br />`, 'x&y', null, undefined, false, 3]}</p>`.toString()).toBe(
      '<p><b>&lt;i&gt;</b><br />x&amp;y3</p>',
    );
    expect(raw('<hr>').toString()).toBe('<hr>');
  });

  test('preformatted keeps lines; pathSegment keeps a name one segment', () => {
    expect(preformatted('<a>\n\tb').toString()).toBe('&lt;a&gt;\n\tb');
    expect(pathSegment('a/b?c#d e')).toBe('a%2Fb%3Fc%23d%20e');
  });
});
