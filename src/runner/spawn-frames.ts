/**
 * The spawner's events as frames on a latin1 text stream (spawn-protocol.ts): a header line of
 * space-separated fields, then, for events that carry text, exactly `length` characters of it.
 *   k ID                pong (ID: the ping's number)
 *   p ID PID            pid
 *   f ID LENGTH         fault, its JSON
 *   o ID STREAM LENGTH  output (STREAM: 1 stdout, 2 stderr), the chunk
 *   x ID CODE SIGNAL    exit ('-' for null)
 *   e ID TRUNCATED BYTES LENGTH  end (TRUNCATED: 0 or 1; BYTES: all the run wrote), the output kept
 * Pure: the spawner encodes, the daemon's FrameReader decodes whatever pieces the pipe gives.
 */
import type { StartFault } from './outcome.js';
import type { SpawnerEvent } from './spawn-protocol.js';

/** One event as a frame (latin1 text). */
export function encodeEvent(event: SpawnerEvent): string {
  switch (event.kind) {
    case 'pong':
      return `k ${event.id}\n`;
    case 'pid':
      return `p ${event.id} ${event.pid}\n`;
    case 'fault': {
      const json = JSON.stringify(event.fault);
      // JSON of a fault may hold any character; as UTF-8 bytes read back as latin1, its length is its byte length.
      const bytes = Buffer.from(json, 'utf8').toString('latin1');
      return `f ${event.id} ${bytes.length}\n${bytes}`;
    }
    case 'output':
      return `o ${event.id} ${event.stream === 'stdout' ? 1 : 2} ${event.text.length}\n${event.text}`;
    case 'exit':
      return `x ${event.id} ${event.exitCode ?? '-'} ${event.signal ?? '-'}\n`;
    case 'end': {
      const { id, outputTruncated, outputBytes, output } = event;
      return `e ${id} ${outputTruncated ? 1 : 0} ${outputBytes} ${output.length}\n${output}`;
    }
  }
}

/** Decodes frames from pieces of the stream, however the pipe cut them. */
export class FrameReader {
  #parts: string[] = [];
  #size = 0;
  /** The header read, waiting for its `length` characters of text. */
  #header: { readonly fields: readonly string[]; readonly length: number } | null = null;

  /** Take a piece of the stream; calls `emit` for every frame it completes, in order. */
  push(piece: string, emit: (event: SpawnerEvent) => void): void {
    if (piece.length === 0) return;
    this.#parts.push(piece);
    this.#size += piece.length;
    for (;;) {
      if (this.#header === null) {
        const text = this.#joined();
        const end = text.indexOf('\n');
        if (end < 0) return;
        const fields = text.slice(0, end).split(' ');
        this.#keep(text.slice(end + 1));
        this.#header = { fields, length: textLength(fields) };
      }
      const { fields, length } = this.#header;
      if (this.#size < length) return;
      const text = this.#joined();
      this.#keep(text.slice(length));
      this.#header = null;
      emit(decode(fields, text.slice(0, length)));
    }
  }

  #joined(): string {
    if (this.#parts.length !== 1) this.#parts = [this.#parts.join('')];
    return this.#parts[0] ?? '';
  }

  #keep(rest: string): void {
    this.#parts = rest.length === 0 ? [] : [rest];
    this.#size = rest.length;
  }
}

/** How many characters of text follow a header: its last field, for the kinds that carry text. */
function textLength(fields: readonly string[]): number {
  const kind = fields[0];
  if (kind !== 'f' && kind !== 'o' && kind !== 'e') return 0;
  const length = Number(fields.at(-1));
  if (!Number.isSafeInteger(length) || length < 0) throw new Error(`spawner: bad frame header "${fields.join(' ')}"`);
  return length;
}

function decode(fields: readonly string[], text: string): SpawnerEvent {
  const [kind, idField, a, b] = fields;
  const id = Number(idField);
  switch (kind) {
    case 'k':
      return { kind: 'pong', id };
    case 'p':
      return { kind: 'pid', id, pid: Number(a) };
    case 'f':
      return { kind: 'fault', id, fault: JSON.parse(Buffer.from(text, 'latin1').toString('utf8')) as StartFault };
    case 'o':
      return { kind: 'output', id, stream: a === '1' ? 'stdout' : 'stderr', text };
    case 'x':
      return {
        kind: 'exit',
        id,
        exitCode: a === '-' ? null : Number(a),
        signal: b === '-' || b === undefined ? null : b,
      };
    case 'e':
      return { kind: 'end', id, outputTruncated: a === '1', outputBytes: Number(b), output: text };
    default:
      throw new Error(`spawner: unknown frame "${fields.join(' ')}"`);
  }
}
