/**
 * A run's output as the page shows it: decoded as UTF-8 (lossy, as `logs` decodes), its last
 * MAX_SHOWN_BYTES only, terminal escape sequences (colours, titles, cursor moves) taken out, and
 * every other control character shown as an escape (escape-control.ts) before HTML escaping.
 * Nothing a task prints can become markup, and a `<script>` it prints reads as text.
 */
import type { RunView } from '../../control/views.js';
import { preformatted, type Html } from './html.js';

/** The page shows at most the last this many bytes of an output (`taskkit logs` prints it whole). */
export const MAX_SHOWN_BYTES = 1024 * 1024;

// ESC [ ... final (CSI: colours, cursor), ESC ] ... BEL or ESC \ (OSC: titles, links), the 8-bit CSI,
// and two-byte ESC sequences; what is left over is escaped as any control character.
const TERMINAL_SEQUENCES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/gu;

/** `text` without terminal escape sequences; CR LF becomes LF. */
export function stripTerminalSequences(text: string): string {
  return text.replace(TERMINAL_SEQUENCES, '').replace(/\r\n/g, '\n');
}

export interface ShownOutput {
  readonly markup: Html;
  /** Bytes left out at the start (0: the whole output is shown). */
  readonly cutBytes: number;
}

/** The run's output (`outputBase64`, else `output`) ready for a <pre>. */
export function renderOutput(run: Pick<RunView, 'output' | 'outputBase64'>): ShownOutput {
  const bytes =
    run.outputBase64 !== undefined ? Buffer.from(run.outputBase64, 'base64') : Buffer.from(run.output ?? '', 'utf8');
  const cutBytes = Math.max(0, bytes.length - MAX_SHOWN_BYTES);
  const text = stripTerminalSequences(bytes.subarray(cutBytes).toString('utf8'));
  return { markup: preformatted(text), cutBytes };
}
