/** The hold form's fields, where an action goes back to, and the flash codes a redirect carries. */
import { describe, expect, test } from 'vitest';
import { encodeFlash, readFlash } from '../../../src/http/page/flash.js';
import { actionPath, backPath, readBack, readHoldForm } from '../../../src/http/page/forms.js';

describe('hold form', () => {
  test('note and duration in the tasks-file syntax; empty fields are left out', () => {
    expect(readHoldForm(new URLSearchParams('note=+disk+full+&for=1h30m'))).toEqual({
      note: 'disk full',
      forMs: 5_400_000,
    });
    expect(readHoldForm(new URLSearchParams('note=&for='))).toEqual({});
  });

  test('a bad duration or an overlong note is an error, not a hold', () => {
    expect(readHoldForm(new URLSearchParams('for=90'))).toEqual({ error: 'for: a duration such as 30m, 2h or 1d' });
    expect(readHoldForm(new URLSearchParams('for=0s'))).toEqual({ error: 'for: a duration such as 30m, 2h or 1d' });
    expect(readHoldForm(new URLSearchParams({ note: 'x'.repeat(501) }))).toEqual({
      error: 'the note is longer than 500 characters',
    });
  });

  test('paths: the action, and back to one of two fixed places', () => {
    expect(actionPath('a b/c', 'hold')).toBe('/tasks/a%20b%2Fc/hold');
    expect(backPath('a b', readBack('list'))).toBe('/');
    expect(backPath('a b', readBack('https://evil.example/'))).toBe('/tasks/a%20b');
    expect(backPath('a', readBack(null))).toBe('/tasks/a');
  });
});

describe('flash', () => {
  const known = (task: string): boolean => task === 'backup';
  const read = (query: string): ReturnType<typeof readFlash> => readFlash(new URLSearchParams(query), known);

  test('each code words its own sentence about a known task', () => {
    expect(read(encodeFlash({ kind: 'started', task: 'backup', runId: 12 }))).toEqual({
      text: 'backup: run #12 started',
      failed: false,
    });
    expect(read(encodeFlash({ kind: 'held', task: 'backup' }))).toEqual({ text: 'backup is held', failed: false });
    expect(read(encodeFlash({ kind: 'error', task: 'backup', error: 'bad-duration' }))).toEqual({
      text: 'backup: hold: "for" takes a duration such as 30m, 2h or 1d',
      failed: true,
    });
  });

  test('an unknown task, an unknown code, or free text shows nothing', () => {
    expect(read('flash=held&task=other')).toBeNull();
    expect(read('flash=pwned&task=backup')).toBeNull();
    expect(read('flash=error&task=backup&error=Call+555')).toBeNull();
    expect(read('task=backup')).toBeNull();
  });
});
