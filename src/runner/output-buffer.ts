/**
 * Bounded capture of a run's output: the first half of the limit and a rolling last half, with a
 * marker between them once bytes were dropped (DESIGN.md "Runs"). Memory stays O(limit) however
 * much a task writes, and each write costs O(chunk): the tail is a ring, never re-concatenated.
 */

export interface OutputBuffer {
  /** Accepts any amount; strings are taken as UTF-8. */
  write(chunk: string | Uint8Array): void;
  /** Everything written, kept or not. */
  readonly totalBytes: number;
  /** True once bytes were dropped. */
  readonly truncated: boolean;
  /**
   * The bytes kept, exactly as written when nothing was dropped; else head + marker + tail, where a
   * UTF-8 character the limit cut is dropped whole (counted in the marker). A new Buffer each call.
   */
  bytes(): Buffer;
  /** bytes() decoded as UTF-8 (lossy: a byte that is not UTF-8 becomes U+FFFD). */
  text(): string;
}

/** The line put where bytes were dropped; `dropped` counts every byte not shown. */
export function formatDroppedMarker(dropped: number): string {
  return `\n[taskkit: ${dropped} bytes dropped]\n`;
}

const EMPTY = new Uint8Array(0);
const MIN_HEAD_BYTES = 4096;

/** A buffer keeping at most `limitBytes` bytes of output: half from the start, half from the end. */
export function createOutputBuffer(limitBytes: number): OutputBuffer {
  const limit = Number.isFinite(limitBytes) && limitBytes > 0 ? Math.floor(limitBytes) : 0;
  const headCap = Math.floor(limit / 2);
  const tailCap = limit - headCap;
  // Grown on demand up to headCap: a run that prints a line must not pay for (and zero) a
  // half-limit buffer; at thousands of runs a second that allocation was most of a run's cost.
  let head = EMPTY;
  let headLength = 0;
  const reserveHead = (needed: number): void => {
    if (needed <= head.length) return;
    const grown = new Uint8Array(Math.min(headCap, Math.max(needed, head.length * 2, MIN_HEAD_BYTES)));
    grown.set(head.subarray(0, headLength));
    head = grown;
  };
  // Allocated on first use: most runs never write past the head.
  let ring: Uint8Array | null = null;
  let ringLength = 0;
  let ringWriteAt = 0;
  let totalBytes = 0;

  const writeToRing = (bytes: Uint8Array): void => {
    if (bytes.length === 0 || tailCap === 0) return;
    ring ??= new Uint8Array(tailCap);
    if (bytes.length >= tailCap) {
      ring.set(bytes.subarray(bytes.length - tailCap));
      ringWriteAt = 0;
      ringLength = tailCap;
      return;
    }
    const firstPart = Math.min(bytes.length, tailCap - ringWriteAt);
    ring.set(bytes.subarray(0, firstPart), ringWriteAt);
    ring.set(bytes.subarray(firstPart), 0);
    ringWriteAt = (ringWriteAt + bytes.length) % tailCap;
    ringLength = Math.min(tailCap, ringLength + bytes.length);
  };

  const readRing = (): Uint8Array => {
    if (ring === null || ringLength === 0) return new Uint8Array(0);
    const start = (ringWriteAt - ringLength + tailCap) % tailCap;
    if (start + ringLength <= tailCap) return ring.subarray(start, start + ringLength);
    const out = new Uint8Array(ringLength);
    out.set(ring.subarray(start));
    out.set(ring.subarray(0, ringWriteAt), tailCap - start);
    return out;
  };

  return {
    write(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      totalBytes += bytes.length;
      const toHead = Math.min(headCap - headLength, bytes.length);
      if (toHead > 0) {
        reserveHead(headLength + toHead);
        head.set(bytes.subarray(0, toHead), headLength);
        headLength += toHead;
      }
      writeToRing(bytes.subarray(toHead));
    },
    get totalBytes() {
      return totalBytes;
    },
    get truncated() {
      return totalBytes > limit;
    },
    bytes() {
      const headBytes = head.subarray(0, headLength);
      const tailBytes = readRing();
      if (totalBytes <= limit) return Buffer.concat([headBytes, tailBytes], headLength + tailBytes.length);
      const keptHead = headBytes.subarray(0, endOfWholeCharacters(headBytes));
      const keptTail = tailBytes.subarray(startOfWholeCharacters(tailBytes));
      const marker = Buffer.from(formatDroppedMarker(totalBytes - keptHead.length - keptTail.length), 'utf8');
      return Buffer.concat([keptHead, marker, keptTail]);
    },
    text() {
      return this.bytes().toString('utf8');
    },
  };
}

const isContinuationByte = (byte: number): boolean => (byte & 0xc0) === 0x80;

/** Length of a UTF-8 sequence from its lead byte; 1 for anything that is not a valid lead. */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** Index just past the last complete character, cutting a sequence the head limit split. */
function endOfWholeCharacters(bytes: Uint8Array): number {
  for (let back = 1; back <= 4 && back <= bytes.length; back += 1) {
    const index = bytes.length - back;
    const byte = bytes[index] ?? 0;
    if (isContinuationByte(byte)) continue;
    return index + sequenceLength(byte) > bytes.length ? index : bytes.length;
  }
  return bytes.length;
}

/** Index of the first byte that starts a character: skips the rest of one the tail ring cut. */
function startOfWholeCharacters(bytes: Uint8Array): number {
  let index = 0;
  while (index < 3 && index < bytes.length && isContinuationByte(bytes[index] ?? 0)) index += 1;
  return index;
}
