/**
 * Terminal injection (issue 15 point 14): a task's error text, output excerpt, note or description
 * must not reach a terminal or the daemon log as control characters: an OSC sequence retitles the
 * window, ESC [2J clears the screen, and a newline forges a `succeeded` row in `list` or a line
 * in the log. Every human view and the log pass such text through here, as journalctl does:
 * C0, DEL, C1 and the bidirectional overrides become visible escapes (\n, \r, \t, \xHH, \u{HHHH}).
 * Raw bytes stay only where the user asked for a task's own output (logs, exec, run-now --wait).
 * It is no layer's concern (not time math, not config), so it sits at the top of src/ like errors.ts,
 * where cli/format and the daemon's log writer both import it.
 */

export interface EscapeOptions {
  /** Keep line feeds (and tabs) as they are: for multi-line messages, never for a table cell or a log line. */
  readonly keepNewlines?: boolean;
}

// C0 controls, DEL, C1 controls (0x9B is CSI on some terminals), and the Unicode bidi controls
// and line separators that reorder or break what is shown.
const ALL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const CONTROLS_BUT_NEWLINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character shown as an escape; the same string when there is none. */
export function escapeControl(text: string, options: EscapeOptions = {}): string {
  const keepNewlines = options.keepNewlines === true;
  if (!hasControl(text, keepNewlines)) return text;
  const pattern = keepNewlines ? CONTROLS_BUT_NEWLINES : ALL_CONTROLS;
  pattern.lastIndex = 0;
  return text.replace(pattern, describeControl);
}

/**
 * Whether the patterns above match somewhere in `text`, by code unit (none of their characters is a surrogate): a
 * table of 1,000 rows tests 5,000 cells, and a Unicode regular expression's test was ~40% of drawing them (issue 20.3).
 */
function hasControl(text: string, keepNewlines: boolean): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20) {
      if (!keepNewlines || (code !== 0x09 && code !== 0x0a)) return true;
    } else if (code >= 0x7f && isControlAbove(code)) return true;
  }
  return false;
}

function isControlAbove(code: number): boolean {
  return (
    code <= 0x9f ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function describeControl(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}
