// config/suggest.ts: did-you-mean by Damerau-Levenshtein distance within max(1, floor(len/3)).
import { describe, expect, test } from 'vitest';
import { measureEditDistance, suggestSimilar } from '../../src/config/suggest.js';

describe('measureEditDistance', () => {
  test.each([
    ['', '', 0],
    ['abc', '', 3],
    ['shedule', 'schedule', 1],
    ['timout', 'timeout', 1],
    ['ab', 'ba', 1], // an adjacent swap is one edit
    ['kitten', 'sitting', 3],
    ['dealy', 'delay', 1],
  ])('%j -> %j is %d', (a, b, distance) => {
    expect(measureEditDistance(a, b)).toBe(distance);
    expect(measureEditDistance(b, a)).toBe(distance);
  });
});

describe('suggestSimilar', () => {
  test('the closest candidate within the limit', () => {
    expect(suggestSimilar('shel', ['timeout', 'shell', 'hold'])).toBe('shell');
    expect(suggestSimilar('okk', ['ok', 'fails'])).toBe('ok');
  });

  test('limit: 1 edit up to 5 characters, 2 from 6, 3 from 9', () => {
    expect(suggestSimilar('abcde', ['abxye'])).toBeUndefined();
    expect(suggestSimilar('abcdef', ['abxyef'])).toBe('abxyef');
    expect(suggestSimilar('abcdefghi', ['abxyzfghi'])).toBe('abxyzfghi');
    expect(suggestSimilar('abcdefgh', ['abxyzfgh'])).toBeUndefined();
  });

  test('the nearest wins over an earlier farther one; a tie goes to the earlier', () => {
    expect(suggestSimilar('backupp', ['bakcp', 'backup'])).toBe('backup');
    expect(suggestSimilar('cat', ['bat', 'cap'])).toBe('bat');
  });

  test('one letter never suggests another single letter', () => {
    expect(suggestSimilar('b', ['a', 'c'])).toBeUndefined();
  });

  test('no candidates', () => {
    expect(suggestSimilar('x', [])).toBeUndefined();
  });
});
