import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { parseTasksText } from '../../src/config/load.js';
import { describeConfigFailure, logConfigFailure } from '../../src/daemon/config-failure.js';
import { createLogger } from '../../src/daemon/log.js';

function refusal(): unknown {
  try {
    parseTasksText(
      'tasks:\n  job:\n    run: echo hi\n    every: 5 minutes\n  other:\n    run: true\n    evry: 1m\n',
      'tasks.yaml',
      { env: {}, baseDir: '/etc/taskkit' },
    );
  } catch (error) {
    return error;
  }
  throw new Error('the tasks file was accepted');
}

test('a refused tasks file is logged as a headline and one log line per line of its issues, none escaped', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const error = refusal();
  const issues = describeConfigFailure(error).split('\n');
  expect(issues.length).toBeGreaterThan(2);

  logConfigFailure(
    createLogger(out, () => Date.UTC(2026, 11, 3, 22, 30)),
    'reload refused, the old tasks go on:',
    error,
  );

  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toEqual([
    '2026-12-03T22:30:00.000Z error reload refused, the old tasks go on:',
    ...issues.map((line) => `2026-12-03T22:30:00.000Z error   ${line}`),
  ]);
  expect(text).not.toContain('\\n');
});
