/**
 * crontab's "Do you want to retry the same edit? (y/n)": one line read from standard input. Read
 * byte by byte straight from file descriptor 0, not through process.stdin: a stream reads ahead,
 * so it would take the lines meant for the next question (a script answering `n` then `y`) and
 * compete with the editor started next for the terminal. A pipe works as a terminal does, so a
 * test can answer; end of input is no.
 */
import { readSync } from 'node:fs';
import { isatty } from 'node:tty';

/** The next line of fd 0 without its newline, or null at end of input. */
export function readAnswerLine(fd = 0): string | null {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, one, 0, 1, null);
    } catch (error) {
      // A non-blocking descriptor with nothing yet: wait a little and read again.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return bytes.length === 0 ? null : decode(bytes);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      continue;
    }
    if (read === 0) return bytes.length === 0 ? null : decode(bytes);
    if (one[0] === 0x0a) return decode(bytes);
    bytes.push(one[0] ?? 0);
  }
}

/** Ask until the answer is yes or no; end of input counts as no. */
export function askYesNo(question: string, write: (text: string) => void, readLine = readAnswerLine): boolean {
  for (;;) {
    write(`${question} (y/n) `);
    const line = readLine();
    if (line === null) {
      write('\n');
      return false;
    }
    // An answer piped in is not echoed: end the prompt's line as a terminal would.
    if (!isatty(0)) write('\n');
    const answer = line.trim().toLowerCase();
    if (answer === 'y' || answer === 'yes') return true;
    if (answer === 'n' || answer === 'no') return false;
    write('Please answer y or n.\n');
  }
}

function decode(bytes: readonly number[]): string {
  return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
}
