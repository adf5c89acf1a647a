// config/lint/retry-overlap.ts: retry with overlap: allow.
import { expect, test } from 'vitest';
import { lintOf, oneTask } from './_lint.js';

test('retry with overlap allow: a warning at the retry value', () => {
  expect(lintOf(oneTask(['every: 1h', 'overlap: allow', 'retry: 2', 'run: x']), 'retry-overlap')).toEqual([
    [
      'retry-overlap',
      7,
      12,
      'a',
      'retry with overlap: allow: a retry starts whatever else of this task is running, and new runs start ' +
        'while retries wait, so while the task fails its retries run beside the next runs and their retries; ' +
        'use overlap: skip or queue to run one at a time',
    ],
  ]);
});

test('the map form too', () => {
  const keys = ['run: x', 'overlap: allow', 'retry: {attempts: 3, delay: 1m}'];
  expect(lintOf(oneTask(keys), 'retry-overlap').map((row) => [row[1], row[2]])).toEqual([[7, 12]]);
});

test.each([
  ['overlap: skip', 'retry: 2'],
  ['overlap: queue', 'retry: 2'],
  ['overlap: replace', 'retry: 2'],
  ['overlap: allow', 'retry: 0'],
  ['overlap: allow', 'timeout: 1m'],
])('%s, %s: nothing', (...keys) => {
  expect(lintOf(oneTask(['every: 1h', ...keys, 'run: x']), 'retry-overlap')).toEqual([]);
});
