// crontab's retry question (cli/edit/answer.ts): yes and no in any case, anything else asked again,
// end of input is no; and a line read from a descriptor takes no byte past its newline.
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { askYesNo, readAnswerLine } from '../../../src/cli/edit/answer.js';

function ask(lines: (string | null)[]): { answer: boolean; written: string } {
  let written = '';
  const answer = askYesNo(
    'Retry?',
    (text) => (written += text),
    () => lines.shift() ?? null,
  );
  return { answer, written };
}

describe('askYesNo', () => {
  test.each([
    ['y', true],
    ['Yes', true],
    [' N ', false],
    ['no', false],
  ])('%j is %s', (line, expected) => {
    expect(ask([line]).answer).toBe(expected);
  });

  test('anything else is asked again; end of input is no', () => {
    const { answer, written } = ask(['maybe', null]);
    expect(answer).toBe(false);
    expect(written.match(/Retry\? \(y\/n\) /g)).toHaveLength(2);
    expect(written).toContain('Please answer y or n.\n');
  });
});

describe('readAnswerLine', () => {
  test('one line at a time, the rest left for the next read; then null at the end', () => {
    const path = join(tmpdir(), `taskkit-answer-${process.pid}.txt`);
    writeFileSync(path, 'y\r\nno\nlast');
    const fd = openSync(path, 'r');
    try {
      expect([readAnswerLine(fd), readAnswerLine(fd), readAnswerLine(fd), readAnswerLine(fd)]).toEqual([
        'y',
        'no',
        'last',
        null,
      ]);
    } finally {
      closeSync(fd);
      rmSync(path);
    }
  });
});
